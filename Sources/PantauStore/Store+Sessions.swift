import Foundation
import GRDB
import PantauCore

/// An engine session: one run of `pantau run` (or the demo) writing to the store.
public struct EngineSession: Sendable, Hashable {
    public let id: Int64
    public let startedAt: EpochSeconds
}

/// What the store did to sessions that were never closed (the engine was killed).
public struct RecoveryReport: Sendable, Hashable {
    /// Sessions closed at their last heartbeat.
    public var sessions: [Int64] = []
    /// Open intervals closed there.
    public var intervals: Int = 0
}

extension Store {
    /// Starts an engine session. Sessions left open by a crash are closed first at their last
    /// heartbeat, so the time the engine was not running reads as unknown. Refuses to start
    /// when another live engine (same host, process still running) owns an open session.
    public func beginEngineSession(at now: EpochSeconds, detail: EngineDetail) throws -> (EngineSession, RecoveryReport) {
        try write("starting an engine session") { db in
            var report = RecoveryReport()
            let open = try Row.fetchAll(db, sql: "SELECT id, last_seen_s, detail FROM source WHERE kind = 'engine' AND ended_s IS NULL")
            for row in open {
                let id: Int64 = row["id"], lastSeen: Int64 = row["last_seen_s"], d: String = row["detail"]
                if let other = EngineDetail(encoded: d), other.host == detail.host, other.pid != detail.pid, other.isAlive {
                    throw PantauError(.storage, operation: "starting an engine session", subject: path,
                                      message: "another engine (pid \(other.pid)) is running on this database")
                }
                try db.execute(sql: "UPDATE state_interval SET to_s = ? WHERE source_id = ? AND to_s IS NULL AND from_s < ?",
                               arguments: [lastSeen, id, lastSeen])
                report.intervals += db.changesCount
                // An interval opened at (or after) the last heartbeat covers no time: drop it.
                try db.execute(sql: "DELETE FROM state_interval WHERE source_id = ? AND to_s IS NULL", arguments: [id])
                try db.execute(sql: "UPDATE source SET ended_s = last_seen_s, end_reason = 'crash-recovered' WHERE id = ?",
                               arguments: [id])
                report.sessions.append(id)
            }
            try db.execute(sql: "INSERT INTO source (kind, started_s, last_seen_s, detail) VALUES ('engine', ?, ?, ?)",
                           arguments: [now, now, detail.encoded])
            return (EngineSession(id: db.lastInsertedRowID, startedAt: now), report)
        }
    }

    /// Ends a session cleanly: every open interval ends at `at`.
    public func endEngineSession(_ session: EngineSession, at: EpochSeconds, reason: String = "stopped") throws {
        try write("ending the engine session") { db in
            try db.execute(sql: "UPDATE state_interval SET to_s = ? WHERE source_id = ? AND to_s IS NULL AND from_s < ?",
                           arguments: [at, session.id, at])
            try db.execute(sql: "DELETE FROM state_interval WHERE source_id = ? AND to_s IS NULL", arguments: [session.id])
            try db.execute(sql: "UPDATE source SET ended_s = ?, last_seen_s = ?, end_reason = ? WHERE id = ?",
                           arguments: [at, at, reason, session.id])
        }
    }
}

/// Who runs an engine session, so a second engine on the same database can be refused.
public struct EngineDetail: Sendable, Hashable {
    public var host: String
    public var pid: Int32

    public init(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        self.host = host
        self.pid = pid
    }

    init?(encoded: String) {
        let p = encoded.split(separator: " ")
        guard p.count == 2, let pid = Int32(p[1].dropFirst(4)) else { return nil }
        host = String(p[0].dropFirst(5))
        self.pid = pid
    }

    var encoded: String { "host=\(host) pid=\(pid)" }

    var isAlive: Bool { kill(pid, 0) == 0 || errno == EPERM }
}
