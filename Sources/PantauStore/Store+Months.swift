import Foundation
import GRDB
import PantauCore

/// One revision of a closed month ("tutup buku"): the frozen figures and who closed them.
public struct MonthClosure: Sendable, Hashable {
    public var month: String
    /// 0 for the first close, 1 for the first correction ("Revisi 1"), …
    public var revision: Int
    public var closedAt: EpochSeconds
    public var closedBy: String
    public var note: String
    /// Why this revision exists (the reason given when the previous one was reopened); nil for revision 0.
    public var reason: String?
    /// SHA-256 (hex) of `snapshot`.
    public var hash: String
    /// The frozen figures (the report's JSON, canonical form).
    public var snapshot: String
    public var reopenedAt: EpochSeconds?
    public var reopenedBy: String?
    public var reopenReason: String?

    /// Closed and not reopened: its snapshot is the month's figures.
    public var isInForce: Bool { reopenedAt == nil }

    public init(month: String, revision: Int, closedAt: EpochSeconds, closedBy: String, note: String, reason: String?, hash: String,
                snapshot: String, reopenedAt: EpochSeconds?, reopenedBy: String?, reopenReason: String?) {
        self.month = month
        self.revision = revision
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.note = note
        self.reason = reason
        self.hash = hash
        self.snapshot = snapshot
        self.reopenedAt = reopenedAt
        self.reopenedBy = reopenedBy
        self.reopenReason = reopenReason
    }
}

/// Closed months ("tutup buku"): frozen revisions, never changed or deleted, reopened only to
/// close a corrected revision.
public protocol MonthCloseStore: Sendable {
    func monthClosures(_ month: String) async throws -> [MonthClosure]
    func latestMonthClosures() async throws -> [MonthClosure]
    func closeMonth(_ month: String, snapshot: String, hash: String, by: String, note: String, at: EpochSeconds) async throws -> MonthClosure
    func reopenMonth(_ month: String, reason: String, by: String, at: EpochSeconds) async throws -> MonthClosure
}

/// What the monthly report reads: history, tickets and closed months.
public typealias ReportStore = HistoryStore & TicketStore & MonthCloseStore

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

    /// Closes `month` with its frozen figures: revision 0, or the next revision after a reopen.
    /// Refused while the latest revision is in force.
    public func closeMonth(_ month: String, snapshot: String, hash: String, by: String, note: String,
                           at: EpochSeconds) async throws -> MonthClosure {
        try await write("closing the month \(month)") { db in
            let last = try Row.fetchOne(db, sql: "SELECT * FROM month_close WHERE month = ? ORDER BY revision DESC LIMIT 1",
                                        arguments: [month]).map(Self.closure)
            if let last, last.isInForce {
                throw PantauError(.invalidInput, operation: "closing the month", subject: month,
                                  message: "already closed (revision \(last.revision) by \(last.closedBy)); "
                                    + "to correct it: pantau month reopen \(month) --reason TEXT, then close it again")
            }
            let revision = (last?.revision ?? -1) + 1
            try db.execute(sql: """
                INSERT INTO month_close (month, revision, closed_s, closed_by, note, reason, hash, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [month, revision, at, by, note, last?.reopenReason, hash, snapshot])
            return try Row.fetchOne(db, sql: "SELECT * FROM month_close WHERE month = ? AND revision = ?",
                                    arguments: [month, revision]).map(Self.closure)!
        }
    }

    /// Reopens the revision in force so a corrected one can be closed; the old one is kept.
    public func reopenMonth(_ month: String, reason: String, by: String, at: EpochSeconds) async throws -> MonthClosure {
        try await write("reopening the month \(month)") { db in
            guard let last = try Row.fetchOne(db, sql: "SELECT * FROM month_close WHERE month = ? ORDER BY revision DESC LIMIT 1",
                                              arguments: [month]).map(Self.closure) else {
                throw PantauError(.invalidInput, operation: "reopening the month", subject: month, message: "it was never closed")
            }
            guard last.isInForce else {
                throw PantauError(.invalidInput, operation: "reopening the month", subject: month,
                                  message: "already reopened (revision \(last.revision), reason: \(last.reopenReason ?? ""))")
            }
            try db.execute(sql: "UPDATE month_close SET reopened_s = ?, reopened_by = ?, reopen_reason = ? WHERE id = ?",
                           arguments: [at, by, reason, try Int64.fetchOne(db, sql: "SELECT id FROM month_close WHERE month = ? AND revision = ?",
                                                                          arguments: [month, last.revision])])
            var r = last
            r.reopenedAt = at
            r.reopenedBy = by
            r.reopenReason = reason
            return r
        }
    }

    static func closure(_ r: Row) -> MonthClosure {
        MonthClosure(month: r["month"], revision: r["revision"], closedAt: r["closed_s"], closedBy: r["closed_by"], note: r["note"],
                     reason: r["reason"], hash: r["hash"], snapshot: r["snapshot"], reopenedAt: r["reopened_s"],
                     reopenedBy: r["reopened_by"], reopenReason: r["reopen_reason"])
    }
}
