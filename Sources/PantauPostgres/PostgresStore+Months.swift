import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Closed months on PostgreSQL, writing what `MonthRules` decides (the server refuses any change
/// to a frozen revision, whoever connects).
extension PostgresStore: MonthCloseStore {
    static let closureColumns = "month, revision, closed_s, closed_by, note, reason, hash, snapshot, reopened_s, reopened_by, reopen_reason"

    public func monthClosures(_ month: String) async throws -> [MonthClosure] {
        try await closures("reading the closes of \(month)", PostgresQuery(unsafeSQL: """
            SELECT \(Self.closureColumns) FROM month_close WHERE month = $1 ORDER BY revision
            """, binds: try Self.binds(month)))
    }

    public func latestMonthClosures() async throws -> [MonthClosure] {
        try await closures("listing closed months", PostgresQuery(unsafeSQL: """
            SELECT \(Self.closureColumns) FROM month_close m WHERE revision = (SELECT MAX(revision) FROM month_close WHERE month = m.month) ORDER BY month
            """))
    }

    /// Closes `month` (`MonthRules.close`): the latest revision is read and the new one written
    /// in one transaction, holding the month's row lock (a second close waits, then is refused).
    public func closeMonth(_ month: String, snapshot: String, hash: String, by: String, note: String, at: EpochSeconds) async throws -> MonthClosure {
        try await transaction("closing the month \(month)") { c in
            let r = try MonthRules.close(month, last: try await Self.lastClosure(month, on: c, logger: logger), snapshot: snapshot, hash: hash,
                                         by: by, note: note, at: at)
            try await c.query("""
                INSERT INTO month_close (month, revision, closed_s, closed_by, note, reason, hash, snapshot)
                VALUES (\(r.month), \(Int32(r.revision)), \(r.closedAt), \(r.closedBy), \(r.note), \(r.reason), \(r.hash), \(r.snapshot))
                """, logger: logger)
            return r
        }
    }

    /// Reopens the revision in force (`MonthRules.reopen`), in one transaction.
    public func reopenMonth(_ month: String, reason: String, by: String, at: EpochSeconds) async throws -> MonthClosure {
        try await transaction("reopening the month \(month)") { c in
            let r = try MonthRules.reopen(month, last: try await Self.lastClosure(month, on: c, logger: logger), reason: reason, by: by, at: at)
            try await c.query("""
                UPDATE month_close SET reopened_s = \(r.reopenedAt), reopened_by = \(r.reopenedBy), reopen_reason = \(r.reopenReason)
                WHERE month = \(month) AND revision = \(Int32(r.revision))
                """, logger: logger)
            return r
        }
    }

    /// The latest revision of `month`, its row locked until the transaction ends; a transaction
    /// lock on the month's name serialises two first closes (no row to lock yet).
    static func lastClosure(_ month: String, on c: PostgresConnection, logger: Logger) async throws -> MonthClosure? {
        try await c.query("SELECT pg_advisory_xact_lock(7274421, hashtext(\(month)))", logger: logger)
        var out: MonthClosure?
        let rows = try await c.query("""
            SELECT \(unescaped: closureColumns) FROM month_close WHERE month = \(month) ORDER BY revision DESC LIMIT 1 FOR UPDATE
            """, logger: logger)
        for try await (month, revision, closed, by, note, reason, hash, snapshot, reopened, reopenedBy, reopenReason)
            in rows.decode((String, Int32, Int64, String, String, String?, String, String, Int64?, String?, String?).self) {
            out = MonthClosure(month: month, revision: Int(revision), closedAt: closed, closedBy: by, note: note, reason: reason, hash: hash,
                               snapshot: snapshot, reopenedAt: reopened, reopenedBy: reopenedBy, reopenReason: reopenReason)
        }
        return out
    }

    func closures(_ operation: String, _ query: PostgresQuery) async throws -> [MonthClosure] {
        var out: [MonthClosure] = []
        for try await (month, revision, closed, by, note, reason, hash, snapshot, reopened, reopenedBy, reopenReason)
            in try await run(operation, query).decode((String, Int32, Int64, String, String, String?, String, String, Int64?, String?, String?).self) {
            out.append(MonthClosure(month: month, revision: Int(revision), closedAt: closed, closedBy: by, note: note, reason: reason, hash: hash,
                                    snapshot: snapshot, reopenedAt: reopened, reopenedBy: reopenedBy, reopenReason: reopenReason))
        }
        return out
    }

    static func binds(_ values: String...) throws -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }
}
