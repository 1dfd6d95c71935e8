import Foundation
import GRDB
import PantauCore
import PantauStoreKit

/// An engine's local spool (a small SQLite file): everything it would write to the central
/// store, in order, kept until the centre has taken it. A batch is on disk before `append`
/// returns, so neither an unreachable centre nor a `kill -9` loses it. Entries are numbered
/// in the spool's own sequence; with the spool's id they key the centre's receipts, so a replay
/// after a lost acknowledgement applies nothing twice.
public final class Spool: Sendable {
    /// One thing to forward.
    public enum Entry: Sendable {
        case begin(session: Int64, source: ObservationSource, at: EpochSeconds, detail: String)
        case batch(session: Int64, ObservationBatch)
        case end(session: Int64, at: EpochSeconds, reason: String)
        /// Close the engine's sessions the centre still holds open from before this spool knew them.
        case recover
        /// Measured directions of a bandwidth test.
        case bandwidth([BandwidthResult])
    }

    public let path: String
    /// Random per spool file: with an entry's sequence, the key of its receipt at the centre.
    public let id: String
    let queue: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        do {
            var config = Configuration()
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS session (
                      local_id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, started_s INTEGER NOT NULL,
                      remote_id INTEGER, last_s INTEGER NOT NULL, ended INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE IF NOT EXISTS entry (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, session INTEGER, at_s INTEGER NOT NULL, payload BLOB
                    );
                    INSERT OR IGNORE INTO meta (key, value) VALUES ('id', lower(hex(randomblob(8))));
                    """)
            }
            id = try queue.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'id'")! }
        } catch {
            throw PantauError(.storage, operation: "opening the engine's spool", subject: path, message: "\(error)")
        }
    }

    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch {
            throw PantauError(.storage, operation: operation, subject: path, message: "\(error)")
        }
    }

    /// Starts a session locally (its central id comes when its `begin` is forwarded).
    public func begin(_ source: ObservationSource, at: EpochSeconds, detail: String) throws -> Int64 {
        let json = String(decoding: try JSONEncoder().encode(source), as: UTF8.self)
        return try write("spooling a session start") { db in
            try db.execute(sql: "INSERT INTO session (source, started_s, last_s) VALUES (?, ?, ?)", arguments: [json, at, at])
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO entry (kind, session, at_s, payload) VALUES ('begin', ?, ?, ?)", arguments: [id, at, detail.data(using: .utf8)])
            return id
        }
    }

    public func append(_ batch: ObservationBatch, session: Int64) throws {
        let data = try JSONEncoder().encode(batch)
        try write("spooling a batch") { db in
            try db.execute(sql: "INSERT INTO entry (kind, session, at_s, payload) VALUES ('batch', ?, ?, ?)", arguments: [session, batch.at, data])
            try db.execute(sql: "UPDATE session SET last_s = MAX(last_s, ?), ended = ? WHERE local_id = ?",
                           arguments: [batch.at, batch.ended, session])
        }
    }

    public func appendBandwidth(_ results: [BandwidthResult]) throws {
        let data = try JSONEncoder().encode(results)
        try write("spooling bandwidth results") { db in
            try db.execute(sql: "INSERT INTO entry (kind, at_s, payload) VALUES ('bandwidth', ?, ?)", arguments: [results.first?.at ?? 0, data])
        }
    }

    public func end(session: Int64, at: EpochSeconds, reason: String) throws {
        try write("spooling a session end") { db in
            try db.execute(sql: "INSERT INTO entry (kind, session, at_s, payload) VALUES ('end', ?, ?, ?)", arguments: [session, at, reason.data(using: .utf8)])
            try db.execute(sql: "UPDATE session SET ended = 1, last_s = MAX(last_s, ?) WHERE local_id = ?", arguments: [at, session])
        }
    }

    /// After a crash: every session the spool still holds open ends at its last spooled
    /// instant, then the centre is asked to close what this engine left open before. Returns
    /// the local sessions closed.
    public func recoverCrashed() throws -> [Int64] {
        try write("recovering the spool's sessions") { db in
            let open = try Row.fetchAll(db, sql: "SELECT local_id, last_s FROM session WHERE ended = 0")
            for r in open {
                let id: Int64 = r["local_id"], last: Int64 = r["last_s"]
                try db.execute(sql: "INSERT INTO entry (kind, session, at_s, payload) VALUES ('end', ?, ?, ?)",
                               arguments: [id, last, "crash-recovered".data(using: .utf8)])
                try db.execute(sql: "UPDATE session SET ended = 1 WHERE local_id = ?", arguments: [id])
            }
            try db.execute(sql: "INSERT INTO entry (kind, at_s) VALUES ('recover', 0)")
            return open.map { $0["local_id"] }
        }
    }

    /// The oldest `limit` entries not yet taken by the centre, in order.
    public func pending(limit: Int) throws -> [(seq: Int64, entry: Entry)] {
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.seq, e.kind, e.session, e.at_s, e.payload, s.source FROM entry e LEFT JOIN session s ON s.local_id = e.session
                ORDER BY e.seq LIMIT ?
                """, arguments: [limit])
        }
        let decoder = JSONDecoder()
        return try rows.map { r in
            let seq: Int64 = r["seq"], kind: String = r["kind"], payload: Data? = r["payload"]
            let text = payload.map { String(decoding: $0, as: UTF8.self) } ?? ""
            switch kind {
            case "begin":
                let src: String = r["source"]
                return (seq, .begin(session: r["session"], source: try decoder.decode(ObservationSource.self, from: Data(src.utf8)), at: r["at_s"], detail: text))
            case "batch": return (seq, .batch(session: r["session"], try decoder.decode(ObservationBatch.self, from: payload ?? Data())))
            case "end": return (seq, .end(session: r["session"], at: r["at_s"], reason: text))
            case "bandwidth": return (seq, .bandwidth(try decoder.decode([BandwidthResult].self, from: payload ?? Data())))
            default: return (seq, .recover)
            }
        }
    }

    /// The central id of a local session, once its `begin` was forwarded.
    public func remoteID(_ session: Int64) throws -> Int64? {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT remote_id FROM session WHERE local_id = ?", arguments: [session]) }
    }

    /// Records that the centre took entry `seq` (and, for a `begin`, the session's central id).
    public func taken(_ seq: Int64, remoteSession: (local: Int64, remote: Int64)? = nil) throws {
        try write("removing a forwarded entry") { db in
            if let r = remoteSession { try db.execute(sql: "UPDATE session SET remote_id = ? WHERE local_id = ?", arguments: [r.remote, r.local]) }
            try db.execute(sql: "DELETE FROM entry WHERE seq = ?", arguments: [seq])
            // Sessions that ended and have nothing left to send are done.
            try db.execute(sql: "DELETE FROM session WHERE ended = 1 AND local_id NOT IN (SELECT session FROM entry WHERE session IS NOT NULL)")
        }
    }

    /// Entries waiting for the centre.
    public func backlog() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM entry") ?? 0 }
    }
}
