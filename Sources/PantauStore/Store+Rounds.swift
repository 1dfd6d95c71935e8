import GRDB
import PantauCore

/// A confirmed change of a target's state, to be recorded from `since` on.
public struct StateChange: Sendable, Hashable {
    public var target: String
    public var state: TargetState
    public var since: EpochSeconds

    public init(target: String, state: TargetState, since: EpochSeconds) {
        self.target = target
        self.state = state
        self.since = since
    }
}

/// One round's ICMP measurement of one target.
public struct ProbeSample: Sendable, Hashable {
    public var target: String
    public var at: EpochSeconds
    public var sent: Int
    public var received: Int
    public var rttsMs: [Double]
    public var jitterMs: Double?

    public init(target: String, at: EpochSeconds, sent: Int, received: Int, rttsMs: [Double], jitterMs: Double?) {
        self.target = target
        self.at = at
        self.sent = sent
        self.received = received
        self.rttsMs = rttsMs
        self.jitterMs = jitterMs
    }

    public var rttAvgMs: Double? { rttsMs.isEmpty ? nil : rttsMs.reduce(0, +) / Double(rttsMs.count) }
    public var lossPct: Double { sent == 0 ? 0 : Double(sent - received) * 100 / Double(sent) }
}

extension Store {
    /// Rollup resolutions kept: 5-minute buckets (pruned after `fineRetentionSeconds`) and hourly ones.
    public static let rollupResolutions: [Int64] = [300, 3600]
    public static let fineRetentionSeconds: Int64 = 8 * 86_400

    /// Records one probe round atomically: state changes, heartbeat, last sample, rollups.
    /// Once this returns, the changes survive a crash (WAL, synchronous=FULL).
    public func recordRound(_ session: EngineSession, at: EpochSeconds, changes: [StateChange], samples: [ProbeSample]) throws {
        try write("recording a probe round") { db in
            for c in changes { try Self.apply(c, session: session.id, db: db) }
            try db.execute(sql: "UPDATE source SET last_seen_s = MAX(last_seen_s, ?) WHERE id = ?", arguments: [at, session.id])
            guard !samples.isEmpty else { return }
            let last = try db.cachedStatement(sql: """
                INSERT INTO probe_last (target, at_s, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, jitter_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(target) DO UPDATE SET at_s = excluded.at_s, sent = excluded.sent, received = excluded.received,
                  rtt_avg_ms = excluded.rtt_avg_ms, rtt_min_ms = excluded.rtt_min_ms, rtt_max_ms = excluded.rtt_max_ms,
                  jitter_ms = excluded.jitter_ms
                """)
            let rollup = try db.cachedStatement(sql: """
                INSERT INTO icmp_rollup (target, resolution_s, bucket_s, rounds, sent, received, rtt_sum_ms, rtt_samples,
                  rtt_min_ms, rtt_max_ms, jitter_sum_ms, jitter_samples)
                VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(target, resolution_s, bucket_s) DO UPDATE SET rounds = rounds + 1,
                  sent = sent + excluded.sent, received = received + excluded.received,
                  rtt_sum_ms = rtt_sum_ms + excluded.rtt_sum_ms, rtt_samples = rtt_samples + excluded.rtt_samples,
                  rtt_min_ms = MIN(COALESCE(rtt_min_ms, excluded.rtt_min_ms), COALESCE(excluded.rtt_min_ms, rtt_min_ms)),
                  rtt_max_ms = MAX(COALESCE(rtt_max_ms, excluded.rtt_max_ms), COALESCE(excluded.rtt_max_ms, rtt_max_ms)),
                  jitter_sum_ms = jitter_sum_ms + excluded.jitter_sum_ms, jitter_samples = jitter_samples + excluded.jitter_samples
                """)
            for s in samples {
                let mn = s.rttsMs.min(), mx = s.rttsMs.max()
                try last.execute(arguments: [s.target, s.at, s.sent, s.received, s.rttAvgMs, mn, mx, s.jitterMs])
                for res in Self.rollupResolutions {
                    let bucket = s.at - ((s.at % res) + res) % res
                    try rollup.execute(arguments: [s.target, res, bucket, s.sent, s.received, s.rttsMs.reduce(0, +),
                                                   s.rttsMs.count, mn, mx, s.jitterMs ?? 0, s.jitterMs == nil ? 0 : 1])
                }
            }
        }
    }

    static func apply(_ c: StateChange, session: Int64, db: Database) throws {
        if let open = try Row.fetchOne(db, sql: """
            SELECT id, from_s FROM state_interval WHERE target = ? AND source_id = ? AND to_s IS NULL
            """, arguments: [c.target, session]) {
            let id: Int64 = open["id"], from: Int64 = open["from_s"]
            if c.since > from {
                try db.execute(sql: "UPDATE state_interval SET to_s = ? WHERE id = ?", arguments: [c.since, id])
            } else {
                try db.execute(sql: "DELETE FROM state_interval WHERE id = ?", arguments: [id])
            }
        }
        guard c.state != .unknown else { return }
        try db.execute(sql: "INSERT INTO state_interval (target, state, from_s, to_s, source_id) VALUES (?, ?, ?, NULL, ?)",
                       arguments: [c.target, c.state.rawValue, c.since, session])
    }

    /// Drops fine rollups older than the retention; hourly ones are kept.
    public func pruneRollups(now: EpochSeconds) throws {
        try write("pruning rollups") { db in
            try db.execute(sql: "DELETE FROM icmp_rollup WHERE resolution_s = ? AND bucket_s < ?",
                           arguments: [Self.rollupResolutions[0], now - Self.fineRetentionSeconds])
        }
    }
}
