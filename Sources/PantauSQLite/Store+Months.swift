import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store: MonthCloseStore {}

extension Store {
    /// Every revision of `month`, oldest first (empty: never closed).
    public func monthClosures(_ month: String) async throws -> [MonthClosure] {
        try await read("reading the closes of \(month)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM month_close WHERE month = ? ORDER BY revision", arguments: [month]).map(Self.closure)
        }
    }

    /// The latest revision of every month ever closed, by month.
    public func latestMonthClosures() async throws -> [MonthClosure] {
        try await read("listing closed months") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM month_close m WHERE revision = (SELECT MAX(revision) FROM month_close WHERE month = m.month)
                ORDER BY month
                """).map(Self.closure)
        }
    }

    /// Closes `month` with its frozen figures (`MonthRules.close`).
    public func closeMonth(_ month: String, snapshot: String, hash: String, by: String, note: String,
                           at: EpochSeconds) async throws -> MonthClosure {
        try await write("closing the month \(month)") { db in
            let c = try MonthRules.close(month, last: try Self.lastClosure(db, month), snapshot: snapshot, hash: hash, by: by, note: note, at: at)
            try db.execute(sql: """
                INSERT INTO month_close (month, revision, closed_s, closed_by, note, reason, hash, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [c.month, c.revision, c.closedAt, c.closedBy, c.note, c.reason, c.hash, c.snapshot])
            return c
        }
    }

    /// Reopens the revision in force so a corrected one can be closed; the old one is kept (`MonthRules.reopen`).
    public func reopenMonth(_ month: String, reason: String, by: String, at: EpochSeconds) async throws -> MonthClosure {
        try await write("reopening the month \(month)") { db in
            let r = try MonthRules.reopen(month, last: try Self.lastClosure(db, month), reason: reason, by: by, at: at)
            try db.execute(sql: "UPDATE month_close SET reopened_s = ?, reopened_by = ?, reopen_reason = ? WHERE month = ? AND revision = ?",
                           arguments: [r.reopenedAt, r.reopenedBy, r.reopenReason, month, r.revision])
            return r
        }
    }

    static func lastClosure(_ db: Database, _ month: String) throws -> MonthClosure? {
        try Row.fetchOne(db, sql: "SELECT * FROM month_close WHERE month = ? ORDER BY revision DESC LIMIT 1", arguments: [month]).map(closure)
    }

    static func closure(_ r: Row) -> MonthClosure {
        MonthClosure(month: r["month"], revision: r["revision"], closedAt: r["closed_s"], closedBy: r["closed_by"], note: r["note"],
                     reason: r["reason"], hash: r["hash"], snapshot: r["snapshot"], reopenedAt: r["reopened_s"],
                     reopenedBy: r["reopened_by"], reopenReason: r["reopen_reason"])
    }
}
