import Synchronization
import Foundation
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
    /// What this engine run must say wherever its sessions are read (`pantau status` at the
    /// centre): a damaged spool moved aside at its start, with what did not reach the centre.
    public var notice: String?

    public init(host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier, notice: String? = nil) {
        self.host = host
        self.pid = pid
        self.notice = notice
    }

    static let noticeMark = "; notice: "

    public var encoded: String { "host=\(host) pid=\(pid)" + (notice.map { Self.noticeMark + $0 } ?? "") }

    /// The notice in a session's stored detail, if it has one.
    public static func notice(inEncoded detail: String?) -> String? {
        guard let detail, let r = detail.range(of: noticeMark) else { return nil }
        return String(detail[r.upperBound...])
    }
}

/// The claim an engine holds on a database for its whole life. With SQLite it is an
/// exclusive `flock` on the database file itself (its inode: another path, a symlink, is the same lock), or a lock file for stores that are no file; the kernel releases it when the process dies,
/// however it dies, so a killed engine never blocks the next one (no PID that can be reused).
public final class EngineClaim: Sendable {
    let fd: Int32
    public let path: String

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// The claim ends with an unlock, never a `close`: the descriptor may be the database file
    /// itself, and closing any descriptor of a file drops every POSIX lock the process holds on
    /// it, SQLite's included. Another process would then take itself for the last reader, delete
    /// the `-wal` and `-shm` under this process's open connections, and this process would read
    /// a stale or "malformed" database (seen: `pantau user token` beside the demo's dashboard
    /// after its engine ended). The descriptor is kept, parked, until the process exits.
    deinit {
        flock(fd, LOCK_UN)
        Self.park(fd)
    }

    static let parked = Mutex<[Int32]>([])
    static func park(_ fd: Int32) { parked.withLock { $0.append(fd) } }

    /// An exclusive `flock` on `lockPath` for the life of the claim; throws naming `subject`
    /// when another live process holds it.
    public static func lock(_ lockPath: String, subject: String) throws -> EngineClaim {
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw PantauError(.storage, operation: "claiming the store for the engine", subject: lockPath,
                              message: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            park(fd)  // never close: see deinit
            throw PantauError(.storage, operation: "starting the engine", subject: subject,
                              message: "another engine is running on this store (it holds \(lockPath))")
        }
        return EngineClaim(fd: fd, path: lockPath)
    }
}
