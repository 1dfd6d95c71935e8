import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

extension PostgresStore {
    /// Loads an exported history into an empty store in one transaction: every source session
    /// (with its engine, heartbeats and end) and every interval, times unchanged. Refused when
    /// the store already holds history (a second run would double it).
    public func loadHistory(_ export: HistoryExport) async throws -> (sources: Int, intervals: Int) {
        try await load(export, intoEmpty: true)
    }

    /// Loads an exported history beside what the store holds (benchmarks; not for migration).
    public func loadHistoryAppending(_ export: HistoryExport) async throws -> (sources: Int, intervals: Int) {
        try await load(export, intoEmpty: false)
    }

    /// The server process serving this connection (its CPU is what a benchmark reports).
    public func backendPID() async throws -> Int32 {
        var pid: Int32 = 0
        for try await p in try await run("reading the backend pid", "SELECT pg_backend_pid()").decode(Int32.self) { pid = p }
        return pid
    }

    func load(_ export: HistoryExport, intoEmpty: Bool) async throws -> (sources: Int, intervals: Int) {
        for t in Set(export.intervals.map { Self.month(of: $0.from).start }) { try await ensurePartitionOutside(t) }
        return try await transaction("loading the migrated history") { c in
            var existing = 0
            for try await n in try await c.query("SELECT COUNT(*) FROM source", logger: logger).decode(Int.self) { existing = n }
            guard existing == 0 || !intoEmpty else {
                throw PantauError(.invalidInput, operation: "migrating the history", subject: location.description,
                                  message: "the store already holds \(existing) source session(s): migrate into an empty database")
            }
            var ids: [Int64: Int64] = [:]
            for s in export.sources {
                let rows = try await c.query("""
                    INSERT INTO source (kind, engine, prober, started_s, last_seen_s, ended_s, end_reason, detail)
                    VALUES (\(s.kind), \(s.engine), \(s.prober), \(s.startedAt), \(s.lastSeen), \(s.endedAt), \(s.endReason), \(s.detail)) RETURNING id
                    """, logger: logger)
                for try await id in rows.decode(Int64.self) { ids[s.id] = id }
            }
            // In chunks of one INSERT each (arrays unnested; -1 stands for an open interval's missing end).
            var n = 0
            for chunk in stride(from: 0, to: export.intervals.count, by: 1000).map({ Array(export.intervals[$0..<min($0 + 1000, export.intervals.count)]) }) {
                var targets: [String] = [], states: [String] = [], froms: [Int64] = [], tos: [Int64] = [], sources: [Int64] = []
                for i in chunk {
                    guard let sid = ids[i.source] else { continue }
                    targets.append(i.target); states.append(i.state.rawValue); froms.append(i.from); tos.append(i.to ?? -1); sources.append(sid)
                }
                try await c.query("""
                    INSERT INTO state_interval (target, state, from_s, to_s, source_id)
                    SELECT t, s, f, NULLIF(e, -1), src FROM unnest(\(targets)::text[], \(states)::text[], \(froms)::bigint[], \(tos)::bigint[],
                                                                  \(sources)::bigint[]) AS u(t, s, f, e, src)
                    """, logger: logger)
                n += targets.count
            }
            return (export.sources.count, n)
        }
    }
}
