import ArgumentParser
import Foundation
import PantauCore
import PantauHelpdesk
import PantauReports
import PantauSQLite
import PantauStoreKit

/// `pantau tickets`: the gangguan tickets the engine opened, and the officer's side of them.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "Gangguan tickets: list, show, report, acknowledge, resolve, close with the Berita Acara, export, archive.",
        subcommands: [TicketsList.self, TicketsShow.self, TicketsReport.self, TicketsInstall.self, TicketsAck.self, TicketsResolve.self,
                      TicketsHandover.self, TicketsClose.self, TicketsExport.self, TicketsArchive.self],
        defaultSubcommand: TicketsList.self)
}

struct TicketsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Tickets, newest last.")
    @OptionGroup var location: LocationOptions
    @Option(help: "Only these states (comma-separated): open, acknowledged, resolved, closed.") var state: String?
    @Option(help: "Output: table or json.") var format: OutputFormat = .table
    @Option(help: "Language of the table: id or en.") var lang: Language = .id

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        var states: Set<Ticket.State>?
        if let state {
            states = []
            for s in state.split(separator: ",") {
                guard let v = Ticket.State(rawValue: s.trimmingCharacters(in: .whitespaces)) else {
                    throw usageError(Self.self, "unknown state '\(s)' (open, acknowledged, resolved, closed)")
                }
                states!.insert(v)
            }
        }
        let tickets = try await location.withStore(.readOnly) { [states] in try await $0.tickets(states: states) }
        if format == .json {
            print(TicketFormat.json(tickets, tz: tz))
            return
        }
        print(TicketFormat.table(tickets, inventory: config.inventory, tz: tz, lang: lang))
    }
}

struct TicketsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One ticket: why it was opened, what it affects, its priority, SLA timers and ledger.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number, e.g. GGN-2026-03-0007.") var number: String
    @Option(help: "Output: table (text) or json.") var format: OutputFormat = .table
    @Option(help: "Language: id or en.") var lang: Language = .id

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let (t, events) = try await location.withStore(.readOnly) { try await TicketFormat.load($0, number) }
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let timers = TicketTimers(ticket: t, inventory: config.inventory, policy: config.incidents.priority, now: EpochSeconds(Date().timeIntervalSince1970))
        if format == .json {
            print(TicketFormat.json(t, tz: tz, timers: timers, events: events))
        } else {
            print(TicketFormat.text(t, events: events, timers: timers, inventory: config.inventory, tz: tz, lang: lang))
        }
    }
}

struct TicketsAck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge a ticket and assign it to an officer.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Who takes it (name, NIP).") var by: String

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let t = try await location.withStore(.existing) { store in
            try await location.helpdesk(config, store: store).acknowledge(number, by: .command(by), at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(t.number): \(t.state.rawValue), \(by)")
    }
}

struct TicketsResolve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Mark a ticket resolved by hand (the engine does it on recovery).")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Who resolves it.") var by: String
    @Option(help: "A note for the ledger.") var note: String = ""

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let t = try await location.withStore(.existing) { store in
            try await location.helpdesk(config, store: store).resolve(number, by: .command(by), note: note, at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(t.number): \(t.state.rawValue)")
    }
}

struct TicketsClose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a resolved ticket with the Berita Acara fields.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(name: .customLong("officer"), help: "An officer who did the work: \"Name (NIP 19xxxxxxxxxxxxxxxx)\"; repeat for each.")
    var officers: [String] = []
    @Option(help: "Problem summary (Ringkasan masalah).") var problem: String
    @Option(help: "Work done (Ringkasan pekerjaan).") var work: String
    @Option(help: "Alternative solution used meanwhile (Solusi alternatif).") var alternative: String = "-"
    @Option(name: .customLong("place"), help: "Where the work was done (Lokasi), e.g. \"Tiang 14 Jl. Merdeka\".") var place: String = ""
    @Option(help: "The cause found on site, a code of probes/report.yaml (e.g. fo-cut, opd-power): whom the outage counts against in the monthly report.")
    var cause: String?

    func validate() throws {
        guard !officers.isEmpty else { throw ValidationError("at least one --officer \"Name (NIP …)\" is required") }
    }

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        if let cause {
            let causes = config.report.accountability.causes
            guard causes.contains(where: { $0.code == cause }) else {
                throw usageError(Self.self, "--cause '\(cause)' is not a closing cause; one of: "
                                 + causes.map { "\($0.code) (\($0.party.rawValue))" }.joined(separator: ", "))
            }
        } else {
            printErr("note: closed without --cause: the outage counts against Diskominfo in the monthly report")
        }
        let ba = BeritaAcara(officers: officers, problemSummary: problem, workSummary: work, alternativeSolution: alternative,
                             location: place, cause: cause)
        let (t, helpdesk) = try await location.withStore(.existing) { store in
            let helpdesk = location.helpdesk(config, store: store)
            return (try await helpdesk.close(number, beritaAcara: ba, by: .command(officers.first ?? UserCommand.actor), at: EpochSeconds(Date().timeIntervalSince1970)),
                    helpdesk)
        }
        print("\(t.number): \(t.state.rawValue); Berita Acara archived (pantau tickets archive --month \(YearMonth(helpdesk.calendar.localDate(of: t.closedAt ?? 0))))")
    }
}
