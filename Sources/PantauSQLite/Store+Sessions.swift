import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Claims the database for one engine. Throws when another live engine holds it.
    /// The engine's claim is a lock on the database file itself (its inode): a second engine
    /// reaching the same file through a symlink or another path is refused too.
    public func claimEngine() throws -> EngineClaim {
        try Self.refuseHardLinks(path)
        return try EngineClaim.lock(path, subject: path)
    }

    /// SQLite keeps a database's journal (`-wal`) by the name it was opened with: two names of
    /// one file (hard links) each get their own journal, and a later open replays one over the
    /// other (SQLite's "how to corrupt" list). Such a file is refused, with how to fix it.
    static func refuseHardLinks(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0, st.st_nlink > 1 else { return }
        throw PantauError(.storage, operation: "opening the database", subject: path,
                          message: "the file has \(st.st_nlink) hard links (other names for the same database); SQLite keeps its journal by name, "
                            + "so two names would corrupt it: keep one name (find the others with 'find / -xdev -samefile \(path)') and remove the rest")
    }

    /// Closes every session left open by a crash at its last heartbeat, so the time no engine
    /// ran reads as unknown. Call only while holding the engine claim.
    public func recoverCrashedSessions() async throws -> RecoveryReport {
        try await write("closing sessions left open by a crash") { db in
            var report = RecoveryReport()
            let open = try Row.fetchAll(db, sql: "SELECT id, last_seen_s FROM source WHERE kind = 'engine' AND ended_s IS NULL")
            for row in open {
                let id: Int64 = row["id"], lastSeen: Int64 = row["last_seen_s"]
                report.intervals += try Self.closeIntervals(of: id, at: lastSeen, db: db)
                try db.execute(sql: "UPDATE source SET ended_s = last_seen_s, end_reason = 'crash-recovered' WHERE id = ?",
                               arguments: [id])
                report.sessions.append(id)
            }
            return report
        }
    }

    /// Starts the session of one source.
    public func beginSource(_ source: ObservationSource, at now: EpochSeconds, detail: EngineDetail = EngineDetail()) async throws -> EngineSession {
        try await write("starting the \(source) session") { db in
            try db.execute(sql: """
                INSERT INTO source (kind, started_s, last_seen_s, detail, prober, engine) VALUES ('engine', ?, ?, ?, ?, ?)
                """, arguments: [now, now, detail.encoded, source.prober.rawValue, source.engine])
            return EngineSession(id: db.lastInsertedRowID, startedAt: now, source: source)
        }
    }

    /// Ends a source session cleanly: every open interval ends at `at`.
    public func endSource(_ session: EngineSession, at: EpochSeconds, reason: String = "stopped") async throws {
        try await write("ending the \(session.source) session") { db in
            _ = try Self.closeIntervals(of: session.id, at: at, db: db)
            try db.execute(sql: "UPDATE source SET ended_s = ?, last_seen_s = MAX(last_seen_s, ?), end_reason = ? WHERE id = ?",
                           arguments: [at, at, reason, session.id])
        }
    }

    /// Ends the open intervals of a session at `at`; one opened at (or after) `at` covers no time and is dropped.
    static func closeIntervals(of session: Int64, at: EpochSeconds, db: Database) throws -> Int {
        try db.execute(sql: "UPDATE state_interval SET to_s = ? WHERE source_id = ? AND to_s IS NULL AND from_s < ?",
                       arguments: [at, session, at])
        let closed = db.changesCount
        try db.execute(sql: "DELETE FROM state_interval WHERE source_id = ? AND to_s IS NULL", arguments: [session])
        return closed
    }
}
