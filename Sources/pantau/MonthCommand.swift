import ArgumentParser
import Foundation
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

/// `pantau month close|reopen|list`: freezing a month's figures ("tutup buku") and correcting them by revision.
struct MonthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "month", abstract: "Close a month (freeze its report figures), reopen it for a correction, list closed months.",
        subcommands: [MonthClose.self, MonthReopen.self, MonthList.self])
}

struct MonthClose: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close", abstract: "Freeze a month's figures, calendar, maintenance and ticket causes; prints the SHA-256 of the snapshot.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "Who closes it (name, NIP).") var by: String
    @Option(help: "A note kept with the revision.") var note: String = ""

    func validate() throws {
        if YearMonth(month) == nil { throw ValidationError("the month must be YYYY-MM (e.g. 2026-03), got '\(month)'") }
        if by.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--by must name who closes the month") }
    }

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let builder = try failing {
            try MonthlyReportBuilder(inventory: config.inventory, priority: config.incidents.priority, report: config.report)
        }
        let ym = YearMonth(month)!
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let span = builder.query.calendar.range(of: ym)
        guard span.end <= now else {
            throw usageError(Self.self, "\(ym) is not over yet (it ends \(ISO8601.format(span.end, in: builder.query.calendar.timeZone)))")
        }
        try await location.withStore(.existing) { store in
        let figures = try await failingAsync { try await builder.figures(month: ym, store: store, now: now) }
        let pending = figures.incidents.filter { $0.state != "closed" }
        if !pending.isEmpty {
            printErr("warning: \(pending.count) ticket(s) of \(ym) are not closed with a Berita Acara cause yet (\(pending.map(\.number).prefix(8).joined(separator: ", "))): "
                     + "they count against Diskominfo in the frozen figures")
        }
        let snapshot = try MonthSnapshot.encode(figures)
        let c = try await failingAsync {
            try await store.closeMonth(ym.description, snapshot: snapshot, hash: MonthSnapshot.hash(snapshot), by: by, note: note, at: now)
        }
        print("\(ym): closed, revision \(c.revision), SHA-256 \(c.hash)")
        }
    }
}

struct MonthReopen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen", abstract: "Reopen a closed month for a correction; closing it again makes the next revision.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The month, YYYY-MM.") var month: String
    @Option(help: "Why the figures must change (printed on the next revision).") var reason: String
    @Option(help: "Who reopens it (default: $USER).") var by: String?

    func validate() throws {
        if YearMonth(month) == nil { throw ValidationError("the month must be YYYY-MM (e.g. 2026-03), got '\(month)'") }
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why the month is reopened") }
    }

    func run() async throws {
        let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        let c = try await location.withStore(.existing) { store in
            try await store.reopenMonth(month, reason: reason, by: who, at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(c.month): revision \(c.revision) reopened; the report is provisional until 'pantau month close \(c.month)' makes revision \(c.revision + 1)")
    }
}

struct MonthList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Closed months and their revisions.")
    @OptionGroup var location: LocationOptions

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let all = try await location.withStore(.readOnly) { store in
            var out: [MonthClosure] = []
            for l in try await store.latestMonthClosures() { out += try await store.monthClosures(l.month) }
            return out
        }
        if all.isEmpty { print("no month closed yet"); return }
        do {
            for c in all {
                let state = c.isInForce ? "in force" : "reopened \(ISO8601.format(c.reopenedAt!, in: tz)) by \(c.reopenedBy ?? "?"): \(c.reopenReason ?? "")"
                print("\(c.month)  revision \(c.revision)  closed \(ISO8601.format(c.closedAt, in: tz)) by \(c.closedBy)  SHA-256 \(c.hash.prefix(16))  \(state)")
            }
        }
    }
}
