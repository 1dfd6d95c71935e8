import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// A table partitioned by time: the parent of its range partitions, and their width. The state
/// history has a partition per UTC month (on `from_s`); fine measurements (5-minute buckets, link
/// rates, optical hours, minutes of traffic: kept days) one per UTC day, coarser rollups one per
/// UTC month (on `bucket_s`), so retention drops whole partitions and deletes rows only in the one
/// partition that straddles the cutoff.
struct PartitionedTable: Sendable, Hashable {
    let name: String
    /// Partition width: one day, else one month.
    let daily: Bool

    static let history = PartitionedTable(name: "state_interval", daily: false)
    static let icmpFine = PartitionedTable(name: "icmp_rollup_r300", daily: true)
    static let icmpHourly = PartitionedTable(name: "icmp_rollup_r3600", daily: false)
    static let icmpDaily = PartitionedTable(name: "icmp_rollup_r86400", daily: false)
    static let link = PartitionedTable(name: "link_rollup", daily: true)
    static let optical = PartitionedTable(name: "optical_hourly", daily: true)
    static let trafficMinutes = PartitionedTable(name: "opd_traffic_r60", daily: true)
    static let trafficHours = PartitionedTable(name: "opd_traffic_r3600", daily: false)
    static let talkers = PartitionedTable(name: "top_talker", daily: true)

    /// The ICMP rollup table of a resolution.
    static func icmp(_ resolution: Int64) -> PartitionedTable { resolution == 300 ? .icmpFine : resolution == 3600 ? .icmpHourly : .icmpDaily }

    /// The partition holding `t`: bounds and name (`link_rollup_d20261130`, `icmp_rollup_r3600_y2026m11`).
    func partition(of t: EpochSeconds) -> (start: EpochSeconds, end: EpochSeconds, name: String) {
        if daily {
            let start = t - ((t % 86_400) + 86_400) % 86_400
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(identifier: "UTC")!
            let d = cal.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(start)))
            return (start, start + 86_400, String(format: "%@_d%04d%02d%02d", name, d.year!, d.month!, d.day!))
        }
        let m = PostgresStore.month(of: t)
        return (m.start, m.end, name + "_" + m.suffix)
    }
}

extension PostgresStore {
    /// Partition DDL (create, drop) takes this advisory lock exclusively, and every batch's write
    /// takes it shared before touching a table. Creating a partition locks its parent; a batch's
    /// insert locks the parents it routes into, in its own order: without this one lock taken
    /// first by both, an engine creating two partitions while another inserts into both parents
    /// deadlocks (`StoreContractTests.testEnginesCreatingTheSamePartitionsAtOnce`).
    static let partitionLock: Int64 = 7_274_422

    /// Creates the partition of `table` holding `t` when it does not exist (inside `c`'s transaction;
    /// engines may create the same one at once: IF NOT EXISTS, under the partition lock).
    func ensurePartition(_ table: PartitionedTable, for t: EpochSeconds, on c: PostgresConnection) async throws {
        let p = table.partition(of: t)
        guard !knownPartitions.contains(p.name) else { return }
        try await c.query("SELECT pg_advisory_xact_lock(\(Self.partitionLock))", logger: logger)
        try await c.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS \(p.name) PARTITION OF \(table.name) FOR VALUES FROM (\(p.start)) TO (\(p.end))
            """), logger: logger)
        knownPartitions.insert(p.name)
    }

    /// The partitions a batch's measurements land in, created in their own short transaction
    /// first (so the batch's transaction only writes rows).
    func ensureSamplePartitions(_ batch: ObservationBatch) async throws {
        // Distinct UTC days first (integer arithmetic: a batch of thousands of samples spans a day or two).
        func day(_ t: EpochSeconds) -> EpochSeconds { t - ((t % 86_400) + 86_400) % 86_400 }
        struct Need: Hashable { var table: PartitionedTable; var day: EpochSeconds }
        var needed: Set<Need> = []
        for s in batch.icmpSamples where !(s.note != nil && s.sent == 0) {
            for res in RetentionRules.rollupResolutions { needed.insert(Need(table: PartitionedTable.icmp(res), day: day(s.at))) }
        }
        for s in batch.linkSamples where s.inBps != nil || s.outBps != nil { needed.insert(Need(table: .link, day: day(s.at))) }
        for o in batch.optical { needed.insert(Need(table: .optical, day: day(o.at))) }
        for t in batch.traffic {
            needed.insert(Need(table: .trafficMinutes, day: day(t.bucket)))
            needed.insert(Need(table: .trafficHours, day: day(t.bucket - ((t.bucket % 3600) + 3600) % 3600)))
        }
        for t in batch.talkers { needed.insert(Need(table: .talkers, day: day(t.bucket))) }
        let missing = needed.map { ($0.table, $0.day) }.filter { !knownPartitions.contains($0.0.partition(of: $0.1).name) }
        guard !missing.isEmpty else { return }
        try await transaction("creating measurement partitions") { c in
            for (table, t) in missing { try await ensurePartition(table, for: t, on: c) }
        }
    }

    /// The partitions of `table`, with their bounds (from their names).
    func partitions(of table: PartitionedTable, on c: PostgresConnection) async throws -> [(name: String, start: EpochSeconds, end: EpochSeconds)] {
        var out: [(String, EpochSeconds, EpochSeconds)] = []
        let rows = try await c.query("""
            SELECT k.relname FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = \(table.name) ORDER BY k.relname
            """, logger: logger)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        for try await name in rows.decode(String.self) {
            let suffix = name.dropFirst(table.name.count + 1)
            let digits = suffix.filter(\.isNumber)
            let date: Date?
            if suffix.hasPrefix("d"), digits.count == 8 {
                date = cal.date(from: DateComponents(year: Int(digits.prefix(4)), month: Int(digits.dropFirst(4).prefix(2)), day: Int(digits.suffix(2))))
            } else if suffix.hasPrefix("y"), digits.count == 6 {
                date = cal.date(from: DateComponents(year: Int(digits.prefix(4)), month: Int(digits.suffix(2)), day: 1))
            } else { date = nil }
            guard let date else { continue }
            let p = table.partition(of: EpochSeconds(date.timeIntervalSince1970))
            out.append((p.name, p.start, p.end))
        }
        return out
    }

    /// Retention of one table inside `c`'s transaction: drops every partition wholly before
    /// `cutoff` and deletes the older rows of the one that straddles it. Returns the rows removed.
    func prune(_ table: PartitionedTable, before cutoff: EpochSeconds, on c: PostgresConnection) async throws -> Int {
        var removed = 0
        for p in try await partitions(of: table, on: c) where p.start < cutoff {
            if p.end <= cutoff {
                for try await n in try await c.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(p.name)"), logger: logger).decode(Int.self) { removed += n }
                try await c.query(PostgresQuery(unsafeSQL: "DROP TABLE \(p.name)"), logger: logger)
                knownPartitions.remove(p.name)
            } else {
                for try await _ in try await c.query(PostgresQuery(unsafeSQL: "DELETE FROM \(p.name) WHERE bucket_s < \(cutoff) RETURNING 1"), logger: logger)
                    .decode(Int.self) { removed += 1 }
            }
        }
        return removed
    }

    /// Migration 7: the measurement tables of migration 2 become partitioned; their rows move
    /// into partitions created for them, in the migration's transaction.
    func partitionMeasurements(on c: PostgresConnection) async throws {
        let moves: [(old: String, table: PartitionedTable, filter: String)] = [
            ("icmp_rollup_v2", .icmpFine, "resolution_s = 300"),
            ("icmp_rollup_v2", .icmpHourly, "resolution_s = 3600"),
            ("icmp_rollup_v2", .icmpDaily, "resolution_s = 86400"),
            ("link_rollup_v2", .link, "true"),
            ("optical_hourly_v2", .optical, "true"),
        ]
        for m in moves {
            let table = m.table
            var buckets: [EpochSeconds] = []
            for try await b in try await c.query(PostgresQuery(unsafeSQL: """
                SELECT DISTINCT bucket_s - MOD(bucket_s, 86400) FROM \(m.old) WHERE \(m.filter)
                """), logger: logger).decode(Int64.self) { buckets.append(b) }
            for b in buckets { try await ensurePartition(table, for: b, on: c) }
            let parent = table.name.hasPrefix("icmp_rollup") ? "icmp_rollup" : table.name
            try await c.query(PostgresQuery(unsafeSQL: "INSERT INTO \(parent) SELECT * FROM \(m.old) WHERE \(m.filter)"), logger: logger)
        }
        for old in ["icmp_rollup_v2", "link_rollup_v2", "optical_hourly_v2"] {
            try await c.query(PostgresQuery(unsafeSQL: "DROP TABLE \(old)"), logger: logger)
        }
    }
}
