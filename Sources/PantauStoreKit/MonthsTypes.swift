import Foundation
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
