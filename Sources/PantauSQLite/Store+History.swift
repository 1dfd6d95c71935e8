import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Recorded intervals overlapping `range`, per target, with open intervals ended at their
    /// source's end or last heartbeat. Intervals are clipped to `range`.
    public func history(overlapping range: TimeRange, targets: [String]? = nil) async throws -> [String: [StateInterval]] {
        try await read("reading state history") { db in
            var sql = """
                SELECT i.target, i.state, i.from_s, COALESCE(i.to_s, s.ended_s, s.last_seen_s) AS end_s
                FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.from_s < ? AND COALESCE(i.to_s, s.ended_s, s.last_seen_s) > ?
                """
            var args: [DatabaseValueConvertible] = [range.end, range.start]
            if let targets {
                sql += " AND i.target IN (\(targets.map { _ in "?" }.joined(separator: ",")))"
                args += targets
            }
            sql += " ORDER BY i.target, i.from_s"
            var out: [String: [StateInterval]] = [:]
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(args))
            while let row = try cursor.next() {
                let target: String = row["target"], state: String = row["state"]
                let r = TimeRange(row["from_s"], row["end_s"]).clamped(to: range)
                guard !r.isEmpty, let st = TargetState(rawValue: state) else { continue }
                out[target, default: []].append(StateInterval(target: target, state: st, range: r))
            }
            return out
        }
    }

    /// The latest recorded state of every target that has any, with its last sample.
    public func currentStatus() async throws -> [String: TargetStatus] {
        try await read("reading current status") { db in
            var out: [String: TargetStatus] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT i.target, i.state, i.from_s, i.to_s, s.last_seen_s, s.ended_s
                FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.id IN (SELECT id FROM state_interval x WHERE x.target = i.target ORDER BY from_s DESC, id DESC LIMIT 1)
                """)
            for row in rows {
                let target: String = row["target"], state: String = row["state"]
                let to: Int64? = row["to_s"], ended: Int64? = row["ended_s"]
                let closed = to != nil || ended != nil
                out[target] = TargetStatus(target: target, state: closed ? .unknown : TargetState(rawValue: state) ?? .unknown,
                                           since: closed ? (to ?? ended) : row["from_s"], lastSeen: row["last_seen_s"],
                                           sessionEnded: ended != nil, lastProbeAt: nil, rttMs: nil, lossPct: nil, jitterMs: nil)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM probe_last") {
                let target: String = row["target"]
                var st = out[target] ?? TargetStatus(target: target, state: .unknown, since: nil, lastSeen: nil,
                                                     sessionEnded: true, lastProbeAt: nil, rttMs: nil, lossPct: nil, jitterMs: nil)
                let sent: Int = row["sent"], recv: Int = row["received"]
                st.lastProbeAt = row["at_s"]
                st.rttMs = row["rtt_avg_ms"]
                st.lossPct = sent == 0 ? nil : Double(sent - recv) * 100 / Double(sent)
                st.jitterMs = row["jitter_ms"]
                st.note = row["note"]
                out[target] = st
            }
            return out
        }
    }

    /// ICMP requests sent and replies received per site, summed over the 5-minute rollups that
    /// overlap `range` (whole buckets: the figure behind a loss percentage).
    public func icmpTotals(overlapping range: TimeRange) async throws -> [String: (sent: Int, received: Int)] {
        try await read("summing ICMP rollups") { db in
            var out: [String: (sent: Int, received: Int)] = [:]
            let first = range.start - ((range.start % 300) + 300) % 300
            for row in try Row.fetchAll(db, sql: """
                SELECT target, SUM(sent) AS sent, SUM(received) AS received FROM icmp_rollup
                WHERE resolution_s = 300 AND bucket_s >= ? AND bucket_s < ? GROUP BY target
                """, arguments: [first, range.end]) {
                out[row["target"]] = (row["sent"], row["received"])
            }
            return out
        }
    }

    /// Number of rollup rows per resolution (for docs and tests on storage size).
    public func rollupCounts() async throws -> [Int64: Int] {
        try await read("counting rollups") { db in
            var out: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT resolution_s, COUNT(*) AS n FROM icmp_rollup GROUP BY resolution_s") {
                out[row["resolution_s"]] = row["n"]
            }
            return out
        }
    }
}

extension Store {
    /// The last ICMP round of every site: loss (%) and average RTT (ms), cheap to read often.
    public func probeLast() async throws -> [String: (lossPct: Double?, rttMs: Double?)] {
        try await read("reading the last probe rounds") { db in
            var out: [String: (lossPct: Double?, rttMs: Double?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT target, sent, received, rtt_avg_ms FROM probe_last") {
                let sent: Int = row["sent"], recv: Int = row["received"]
                out[row["target"]] = (sent == 0 ? nil : Double(sent - recv) * 100 / Double(sent), row["rtt_avg_ms"])
            }
            return out
        }
    }
}

extension Store: SeriesStore {
    public func icmpSeries(target: String, range: TimeRange) async throws -> [ICMPBucket] {
        try await read("reading the ICMP series of \(target)") { db in
            try Row.fetchAll(db, sql: """
                SELECT bucket_s, sent, received, rtt_sum_ms, rtt_samples FROM icmp_rollup
                WHERE target = ? AND resolution_s = 300 AND bucket_s >= ? AND bucket_s < ? ORDER BY bucket_s
                """, arguments: [target, range.start - 300, range.end]).map { r in
                let sent: Int = r["sent"], received: Int = r["received"], samples: Int = r["rtt_samples"]
                let sum: Double = r["rtt_sum_ms"]
                return ICMPBucket(start: r["bucket_s"], rttMs: samples > 0 ? sum / Double(samples) : nil,
                                  lossPct: sent > 0 ? Double(sent - received) * 100 / Double(sent) : 0)
            }
        }
    }
}
