import Foundation
import PantauCore
import PantauStore
import PostgresNIO

/// Closed months on PostgreSQL (the SQLite store's rules; the server refuses any change to a
/// frozen revision, whoever connects).
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

    public func closeMonth(_ month: String, snapshot: String, hash: String, by: String, note: String, at: EpochSeconds) async throws -> MonthClosure {
        let last = try await monthClosures(month).last
        if let last, last.isInForce {
            throw PantauError(.invalidInput, operation: "closing the month", subject: month,
                              message: "already closed (revision \(last.revision) by \(last.closedBy)); "
                                + "to correct it: pantau month reopen \(month) --reason TEXT, then close it again")
        }
        let revision = (last?.revision ?? -1) + 1
        // The unique (month, revision) key refuses a second close racing this one.
        _ = try await run("closing the month \(month)", """
            INSERT INTO month_close (month, revision, closed_s, closed_by, note, reason, hash, snapshot)
            VALUES (\(month), \(Int32(revision)), \(at), \(by), \(note), \(last?.reopenReason), \(hash), \(snapshot))
            """)
        return try await monthClosures(month).last!
    }

    public func reopenMonth(_ month: String, reason: String, by: String, at: EpochSeconds) async throws -> MonthClosure {
        guard let last = try await monthClosures(month).last else {
            throw PantauError(.invalidInput, operation: "reopening the month", subject: month, message: "it was never closed")
        }
        guard last.isInForce else {
            throw PantauError(.invalidInput, operation: "reopening the month", subject: month,
                              message: "already reopened (revision \(last.revision), reason: \(last.reopenReason ?? ""))")
        }
        _ = try await run("reopening the month \(month)", """
            UPDATE month_close SET reopened_s = \(at), reopened_by = \(by), reopen_reason = \(reason)
            WHERE month = \(month) AND revision = \(Int32(last.revision))
            """)
        var r = last
        r.reopenedAt = at
        r.reopenedBy = by
        r.reopenReason = reason
        return r
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
