import Foundation
import GRDB
import PantauCore

/// A source session: one prober (ICMP, SNMP) of one engine run writing to the store. Its
/// heartbeat ends, for every reader, the states it holds open.
public struct EngineSession: Sendable, Hashable {
    public let id: Int64
    public let startedAt: EpochSeconds
    public let source: ObservationSource

    public init(id: Int64, startedAt: EpochSeconds, source: ObservationSource) {
        self.id = id
        self.startedAt = startedAt
        self.source = source
    }
}

/// What the store did to sessions that were never closed (the engine was killed).
public struct RecoveryReport: Sendable, Hashable {
    /// Sessions closed at their last heartbeat.
    public var sessions: [Int64] = []
    /// Open intervals closed there.
    public var intervals: Int = 0
    public init() {}
}

/// Who runs an engine, recorded with each of its source sessions.
public struct EngineDetail: Sendable, Hashable {
    public var host: String
    public var pid: Int32

    public init(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier) {
        self.host = host
        self.pid = pid
    }

    public var encoded: String { "host=\(host) pid=\(pid)" }
}

/// The claim an engine holds on a database for its whole life. With SQLite it is an
/// exclusive `flock` on `<db>.engine.lock`: the kernel releases it when the process dies,
/// however it dies, so a killed engine never blocks the next one (no PID that can be reused).
public final class EngineClaim: Sendable {
    let fd: Int32
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// An exclusive `flock` on `lockPath` for the life of the claim; throws naming `subject`
    /// when another live process holds it.
    public static func lock(_ lockPath: String, subject: String) throws -> EngineClaim {
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PantauError(.storage, operation: "claiming the store for the engine", subject: lockPath,
                              message: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw PantauError(.storage, operation: "starting the engine", subject: subject,
                              message: "another engine is running on this store (it holds \(lockPath))")
        }
        return EngineClaim(fd: fd, path: lockPath)
    }
}

extension Store {
    /// Claims the database for one engine. Throws when another live engine holds it.
    public func claimEngine() throws -> EngineClaim {
        try EngineClaim.lock(path + ".engine.lock", subject: path)
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
