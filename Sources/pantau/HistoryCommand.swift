import ArgumentParser
import Foundation
import PantauCore
import PantauInventory
import PantauSQLite
import PantauStoreKit

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Recorded state history.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import past up/down history from a CSV (target,state,from,to; ISO 8601 with offset).",
            discussion: """
                Time no row covers stays unknown. The whole file is refused, with FILE:line for every \
                problem, on an unknown target, a bad state or time, or a row overlapping another row or \
                recorded history. Rows already imported identically are skipped, so importing the same \
                file again changes nothing.
                """)

        @OptionGroup var location: LocationOptions

        @Argument(help: "The CSV file.")
        var file: String

        func run() async throws {
            let config = try location.load(readOnly: true)
            let targets = Set(config.inventory.sites.map(\.id) + config.inventory.links.map(\.id))
            let rows: [HistoryRow]
            do { rows = try HistoryFile.read(path: file, knownTargets: targets) } catch let e as ConfigurationErrors {
                for d in e.diagnostics { printErr(d.description) }
                printErr("nothing imported: \(e.diagnostics.count) problem(s)")
                throw ExitCode(1)
            }
            let store = try failing { try location.openStore(.create) }
            do {
                let outcome = try await failingAsync {
                    try await store.importHistory(rows, file: file, at: EpochSeconds(Date().timeIntervalSince1970),
                                                  timeZone: TimeZone(identifier: config.inventory.timezone) ?? .gmt)
                }
                print("imported \(outcome.added) interval(s) from \(file); \(outcome.alreadyPresent) already present")
                try await noteClosedMonths(rows, config: config, store: store)
            } catch let e as ImportErrors {
                for d in e.diagnostics { printErr(d.description) }
                printErr("nothing imported: \(e.diagnostics.count) problem(s)")
                throw ExitCode(1)
            }
        }
    }
}

extension HistoryCommand.Import {
    /// History of a closed month does not change its report (the figures are frozen): say so,
    /// and how to make a revision that includes it.
    func noteClosedMonths(_ rows: [HistoryRow], config: LoadedConfiguration, store: Store) async throws {
        guard !rows.isEmpty, let tz = TimeZone(identifier: config.inventory.timezone) else { return }
        let cal = WorkingCalendar(spec: config.inventory.calendar, timeZone: tz)
        let closed = Set(try await store.latestMonthClosures().filter(\.isInForce).map(\.month))
        guard !closed.isEmpty else { return }
        var touched: Set<String> = []
        for r in rows {
            var m = YearMonth(cal.localDate(of: r.range.start))
            let last = YearMonth(cal.localDate(of: r.range.end - 1))
            while m <= last { touched.insert(m.description); m = m.next }
        }
        for m in touched.intersection(closed).sorted() {
            printErr("note: \(m) is closed: its report keeps the closed figures; to include this history: "
                     + "pantau month reopen \(m) --reason TEXT, then pantau month close \(m) --by NAME")
        }
    }
}
