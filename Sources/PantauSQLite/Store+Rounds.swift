import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Records one source's batch atomically: state changes, heartbeat, the cycle's figures,
    /// samples and rollups; ends the session when the source stopped. Once this returns, the
    /// changes survive a crash (WAL, synchronous=FULL).
    public func record(_ batch: ObservationBatch, session: EngineSession) async throws {
        let cycle = try batch.cycle.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await write("recording the \(batch.source) cycle") { db in
            for c in batch.stateChanges { try Self.apply(c, session: session.id, db: db) }
            try db.execute(sql: "UPDATE source SET last_seen_s = MAX(last_seen_s, ?), cycle = COALESCE(?, cycle) WHERE id = ?",
                           arguments: [batch.at, cycle, session.id])
            try Self.writeICMP(batch.icmpSamples, db: db)
            try Self.writeLinks(batch.linkSamples, optical: batch.optical, db: db)
            try Self.writeTraffic(batch.traffic, talkers: batch.talkers, capture: batch.capture, at: batch.at, db: db)
            if batch.ended {
                _ = try Self.closeIntervals(of: session.id, at: batch.at, db: db)
                try db.execute(sql: "UPDATE source SET ended_s = ?, end_reason = 'stopped' WHERE id = ?", arguments: [batch.at, session.id])
            }
        }
    }

    /// ICMP samples: the latest per site and the 5-minute and hourly rollups.
    static func writeICMP(_ samples: [ProbeSample], db: Database) throws {
        guard !samples.isEmpty else { return }
        let last = try db.cachedStatement(sql: """
            INSERT INTO probe_last (target, at_s, sent, received, rtt_avg_ms, rtt_min_ms, rtt_max_ms, jitter_ms, note)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(target) DO UPDATE SET at_s = excluded.at_s, sent = excluded.sent, received = excluded.received,
              rtt_avg_ms = excluded.rtt_avg_ms, rtt_min_ms = excluded.rtt_min_ms, rtt_max_ms = excluded.rtt_max_ms,
              jitter_ms = excluded.jitter_ms, note = excluded.note
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
            try last.execute(arguments: [s.target, s.at, s.sent, s.received, s.rttAvgMs, mn, mx, s.jitterMs, s.note])
            if s.note != nil && s.sent == 0 { continue }  // nothing was sent (unresolved): no round to count
            for res in RetentionRules.rollupResolutions {
                let bucket = s.at - ((s.at % res) + res) % res
                try rollup.execute(arguments: [s.target, res, bucket, s.sent, s.received, s.rttsMs.reduce(0, +),
                                               s.rttsMs.count, mn, mx, s.jitterMs ?? 0, s.jitterMs == nil ? 0 : 1])
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
}
