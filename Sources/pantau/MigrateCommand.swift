import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauPostgres
import PantauReports
import PantauSQLite
import PantauStoreKit

/// `pantau migrate`: moves a single office's history from its SQLite file to the central
/// PostgreSQL store, then proves it: the availability of every site for every month the history
/// covers is computed from both stores and must be identical, to the second.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move the state history from a SQLite file to PostgreSQL, verified by comparing every month's availability.",
        discussion: "The password comes from PGPASSWORD or PANTAU_PG_PASSWORD_FILE, never from the address. The target database must be empty.")
    @Option(help: "The inventory folder (sites and calendar: what availability is computed over).") var inventory: String = "inventory"
    @Option(help: "The SQLite database to read.") var from: String
    @Option(help: "The PostgreSQL store: postgresql://USER@HOST:PORT/DATABASE.") var to: String

    func run() async throws {
        let location = try failing { try PostgresLocation(to) }
        var options = try LocationOptions.parse(["--inventory", inventory, "--db", from])
        options.db = from
        let config = try options.load(printWarnings: false, readOnly: true)
        guard FileManager.default.fileExists(atPath: from) else { throw usageError(Self.self, "no database file at \(from)") }
        let source = try failing { try Store(path: from, mode: .readOnly) }
        let export = try await failingAsync { try await source.exportHistory() }
        let target = try await failingAsync { try await PostgresStore.open(location, engine: "migrate", logger: Logger(label: "pantau.migrate")) }
        do {
            let (sources, intervals) = try await failingAsync { try await target.loadHistory(export) }
            print("copied \(sources) source session(s) and \(intervals) state interval(s) from \(from) to \(location)")
            guard let span = export.span else {
                print("no history to compare")
                await target.close()
                return
            }
            // Every local month the history touches, every site: the same figures from both stores.
            let query = try failing { try AvailabilityQuery(inventory: config.inventory) }
            var month = YearMonth(query.calendar.localDate(of: span.start))
            let last = YearMonth(query.calendar.localDate(of: span.end - 1))
            var differences = 0
            while month <= last {
                let range = query.calendar.range(of: month)
                let before = try await failingAsync { try await query.compute(store: source, span: range) }
                let after = try await failingAsync { try await query.compute(store: target, span: range) }
                let mismatched = zip(before, after).filter { $0 != $1 }.map(\.0.target) + (before.count == after.count ? [] : ["(site count)"])
                differences += mismatched.count
                let down = before.reduce(Int64(0)) { $0 + $1.downSeconds }
                print("\(month): \(before.count) sites, \(down) s down in working hours: "
                      + (mismatched.isEmpty ? "identical" : "DIFFERENT for \(mismatched.joined(separator: ", "))"))
                month = month.next
            }
            await target.close()
            if differences > 0 {
                printErr("pantau: the migrated history gives different availability; keep using \(from) and report this")
                throw ExitCode(1)
            }
            print("verified: every month's availability is identical in both stores")
        } catch {
            await target.close()
            throw error
        }
    }
}
