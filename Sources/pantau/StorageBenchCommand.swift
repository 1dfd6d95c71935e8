import ArgumentParser
import Foundation
import PantauCore
import PantauSQLite
import PantauStoreKit

/// The database size a year of monitoring leaves under the default retention, measured: writes
/// a year of hourly ICMP and traffic samples for N sites and N links (the last 8 days at one
/// sample per 5 minutes), pruning once a simulated day as the engine does, and reports the
/// file size and rows per table. State history is not included (it grows with changes, not
/// with time: see docs/performance.md).
struct StorageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage", abstract: "Database size after a year of rollups for N sites and N links (default retention).")

    @Option(help: "Sites and links (each), at most 5,000.")
    var elements: Int = 1000

    @Option(help: "Days of history to simulate (at most 800).")
    var days: Int = 365

    @Option(help: "Database file to write (deleted first).")
    var db: String = "pantau-bench-storage.sqlite"

    func validate() throws {
        guard (1...5000).contains(elements), (1...800).contains(days) else { throw ValidationError("--elements 1...5000, --days 1...800") }
    }

    func run() async throws {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) }
        let store = try Store(path: db)
        let day: Int64 = 86_400
        let now = EpochSeconds(Date().timeIntervalSince1970) / 3600 * 3600
        let start = now - Int64(days) * day
        let session = try await store.beginSource(ObservationSource(.icmp), at: start)
        let t0 = Date()
        func write(from: EpochSeconds, to: EpochSeconds, step: Int64) async throws {
            var t = from
            while t < to {
                var icmp: [ProbeSample] = [], links: [LinkSample] = []
                icmp.reserveCapacity(elements)
                for i in 0..<elements {
                    icmp.append(ProbeSample(target: "opd-\(i)", at: t, sent: 3, received: 3, rttsMs: [1.1, 1.3, 1.2], jitterMs: 0.1))
                    links.append(LinkSample(target: "fo-\(i)", at: t, inBps: 12_000_000, outBps: 3_000_000, utilisationPct: 12))
                }
                try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: t, icmpSamples: icmp, linkSamples: links),
                                       session: session)
                t += step
            }
        }
        let policy = RetentionPolicy()
        let fineFrom = now - Int64(policy.fineDays) * day
        var d = start
        while d < now {
            try await write(from: d, to: d + day, step: d >= fineFrom ? 300 : 3600)
            d += day
            _ = try await store.prune(policy, now: d)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber)?.int64Value ?? 0
        let used = try await store.usedBytes()
        var rows: [String] = []
        for t in ["icmp_rollup", "link_rollup", "link_rollup_daily"] { rows.append("\(t) \(try await store.tableCount(t))") }
        print("pantau bench storage: \(elements) sites + \(elements) links, \(days) days under the default retention: "
              + String(format: "file %.1f MiB, pages in use %.1f MiB", Double(size) / 1_048_576, Double(used) / 1_048_576)
              + " (\(rows.joined(separator: ", "))), written in "
              + String(format: "%.0f s", Date().timeIntervalSince(t0)))
    }
}
