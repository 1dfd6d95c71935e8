import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// What an engine forwards from its spool, each applied at most once: the entry's key (spool
/// id and sequence) is written with it in the same transaction, and a replayed entry whose key
/// is already there changes nothing.
extension PostgresStore {
    /// Starts a session with its original start time; on a replay, the session made the first time.
    public func forwardBegin(key: String, source: ObservationSource, at: EpochSeconds, detail: String) async throws -> Int64 {
        try await transaction("starting the \(source) session (forwarded)") { c in
            for try await id in try await c.query("SELECT remote_id FROM ingest_receipt WHERE key = \(key)", logger: logger).decode(Int64?.self) {
                if let id { return id }
            }
            // What the previous session of this source held in force is not known any more.
            try await c.query("DELETE FROM degradation WHERE engine = \(source.engine) AND prober = \(source.prober.rawValue)", logger: logger)
            var id: Int64 = 0
            for try await x in try await c.query("""
                INSERT INTO source (kind, engine, prober, started_s, last_seen_s, detail)
                VALUES ('engine', \(source.engine), \(source.prober.rawValue), \(at), \(at), \(detail)) RETURNING id
                """, logger: logger).decode(Int64.self) { id = x }
            try await c.query("INSERT INTO ingest_receipt (key, remote_id) VALUES (\(key), \(id))", logger: logger)
            return id
        }
    }

    /// Records a forwarded batch once: false when its key was already applied.
    public func forwardBatch(key: String, _ batch: ObservationBatch, session: Int64) async throws -> Bool {
        try await prepare(batch)
        return try await transaction("recording the \(batch.source) cycle (forwarded)") { c in
            var fresh = false
            for try await _ in try await c.query("INSERT INTO ingest_receipt (key) VALUES (\(key)) ON CONFLICT DO NOTHING RETURNING 1",
                                                 logger: logger).decode(Int.self) { fresh = true }
            guard fresh else { return false }
            try await Self.write(batch, session: session, on: c, logger: logger)
            return true
        }
    }

    /// Ends a forwarded session once (its open states end at `at`).
    public func forwardEnd(key: String, session: Int64, at: EpochSeconds, reason: String) async throws {
        try await transaction("ending a session (forwarded)") { c in
            var fresh = false
            for try await _ in try await c.query("INSERT INTO ingest_receipt (key) VALUES (\(key)) ON CONFLICT DO NOTHING RETURNING 1",
                                                 logger: logger).decode(Int.self) { fresh = true }
            guard fresh else { return }
            _ = try await Self.closeIntervals(of: session, at: at, on: c, logger: logger)
            try await c.query("""
                UPDATE source SET ended_s = COALESCE(ended_s, \(at)), last_seen_s = GREATEST(last_seen_s, \(at)), end_reason = COALESCE(end_reason, \(reason))
                WHERE id = \(session)
                """, logger: logger)
        }
    }
}
