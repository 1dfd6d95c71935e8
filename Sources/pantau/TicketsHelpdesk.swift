import ArgumentParser
import Foundation
import PantauCore
import PantauHelpdesk
import PantauInventory
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb

extension LocationOptions {
    /// The helpdesk over this location's configuration and store.
    func helpdesk(_ config: LoadedConfiguration, store: any HelpdeskData) -> Helpdesk {
        Helpdesk(inventory: config.inventory, config: config.incidents, report: config.report, store: store,
                 templatesDirectory: inventoryDirectory.appendingPath("templates"))
    }
}

extension TicketActor {
    /// The command line acting for `name`: the OS account in the audit log, `name` in the ledger.
    static func command(_ name: String) -> TicketActor { TicketActor(account: UserCommand.actor, displayName: name) }
}

extension Contact: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `pantau tickets report`: the helpdesk writes down a disruption an OPD reported (by phone,
/// WhatsApp, in person). Joins the engine's ticket when it already sees the outage.
struct TicketsReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
                                                    abstract: "Record a disruption reported by an OPD (joins the engine's ticket when it already sees it).")
    @OptionGroup var location: LocationOptions
    @Option(help: "The site (OPD) id.") var site: String
    @Option(help: "Who reported it: \"Rina (Kasubag Umum BKD)\".") var by: String
    @Option(help: "What they said is wrong.") var text: String
    @Option(help: "How to tell them: email:ADDRESS, telegram:CHAT_ID or whatsapp:+62NUMBER.") var contact: Contact?
    @Option(help: "How it came in: phone, whatsapp, email, visit.") var via: String = "phone"
    @Option(help: "The officer writing it down (default: the OS account).") var officer: String?

    func validate() throws {
        guard WebApp.reportVias.contains(via) else { throw ValidationError("--via is one of \(WebApp.reportVias.sorted().joined(separator: ", "))") }
    }

    func run() async throws {
        let config = try location.load(printWarnings: false)
        let r = try await location.withStore(.create) { store in
            try await location.helpdesk(config, store: store).report(site: site, name: by, contact: contact, text: text, via: via,
                                                                     by: .command(officer ?? UserCommand.actor), at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print(r.attached ? "\(r.ticket.number): joined the live ticket (\(r.ticket.kind), \(r.ticket.priority.rawValue)); \(r.ticket.requesters.count) requester(s)"
                         : "\(r.ticket.number): opened (reported, \(r.ticket.priority.rawValue)) with the engine's evidence for \(site)")
    }
}

/// `pantau tickets install`: an installation ticket (the installation SOP).
struct TicketsInstall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install",
                                                    abstract: "Open an installation ticket for a link; it closes only with a passed acceptance test and the handover.")
    @OptionGroup var location: LocationOptions
    @Option(help: "The link id (inventory) being installed.") var link: String
    @Option(help: "Who requested it.") var by: String
    @Option(help: "The request.") var text: String
    @Option(help: "How to tell the requester: email:…, telegram:…, whatsapp:+62….") var contact: Contact?

    func run() async throws {
        let config = try location.load(printWarnings: false)
        let t = try await location.withStore(.create) { store in
            try await location.helpdesk(config, store: store).openInstallation(link: link, name: by, contact: contact, text: text, via: "cli",
                                                                               by: .command(UserCommand.actor), at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(t.number): installation of \(link) opened; next: pantau bandwidth acceptance \(link) --ticket \(t.number) --by NAME, "
              + "pantau tickets handover \(t.number) …")
    }
}

/// `pantau tickets handover`: the handover report (serah terima) of an installation.
struct TicketsHandover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handover", abstract: "Record the handover report of an installation ticket.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Ticket number.") var number: String
    @Option(help: "Who received it at the OPD: \"Name (NIP …)\".") var receivedBy: String
    @Option(help: "The officer handing over: \"Name (NIP …)\".") var by: String
    @Option(help: "Equipment installed; repeat for each item.") var equipment: [String] = []
    @Option(help: "A note.") var note: String = ""

    func validate() throws { guard !equipment.isEmpty else { throw ValidationError("at least one --equipment item is required") } }

    func run() async throws {
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let config = try location.load(printWarnings: false, readOnly: true)
        let t = try await location.withStore(.existing) { store in
            try await location.helpdesk(config, store: store).handover(number, Handover(receivedBy: receivedBy, handedBy: by, equipment: equipment,
                                                                                      note: note, at: now), by: .command(by), at: now)
        }
        print("\(t.number): handover recorded")
    }
}

/// `pantau tickets archive`: the month's archived Berita Acara, listed or written out (HTML and PDF).
struct TicketsArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "List a month's archived Berita Acara, or write them as HTML and PDF.")
    @OptionGroup var location: LocationOptions
    @Option(help: "The month, YYYY-MM (default: this month).") var month: String?
    @Option(help: "Write each document into this folder (NUMBER.html, and NUMBER.pdf with --pdf).") var out: String?
    @Flag(help: "Also write the PDF (WeasyPrint; made once, then kept in the archive).") var pdf = false

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: !pdf)
        try await location.withStore(pdf ? .existing : .readOnly) { store in try await list(store, config: config) }
    }

    func list(_ store: any HelpdeskData, config: LoadedConfiguration) async throws {
        let helpdesk = location.helpdesk(config, store: store)
        let m: String
        if let month {
            guard let ym = YearMonth(month) else { throw usageError(Self.self, "--month '\(month)' is not YYYY-MM") }
            m = ym.description
        } else {
            m = YearMonth(helpdesk.calendar.localDate(of: EpochSeconds(Date().timeIntervalSince1970))).description
        }
        let entries = try await failingAsync { try await store.archive(month: m) }
        let tz = helpdesk.calendar.timeZone
        if entries.isEmpty { print("no Berita Acara archived in \(m)") }
        for e in entries {
            var line = "\(e.number)  \(ISO8601.format(e.closedAt, in: tz))  \(e.kind)  \(e.root)"
            if let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                guard let doc = try await failingAsync({ try await store.archivedDocument(e.number) }) else { continue }
                let html = (out as NSString).appendingPathComponent("\(e.number).html")
                try doc.html.write(toFile: html, atomically: true, encoding: .utf8)
                line += "  \(html)"
                if pdf {
                    let data = try await failingAsync { try await helpdesk.archivedPDF(e.number) }
                    let path = (out as NSString).appendingPathComponent("\(e.number).pdf")
                    try data.write(to: URL(fileURLWithPath: path))
                    line += "  \(path)"
                }
            }
            print(line)
        }
    }
}
