import Foundation
import PantauCore

/// A notification to deliver, written in the same transaction as the ticket change it reports.
public struct OutboxDraft: Sendable, Hashable {
    /// Unique per ticket event and channel: a retried write never queues a message twice.
    public var dedupeKey: String
    public var channel: String
    public var subject: String
    public var body: String
    /// A requester's address on the channel (e-mail address, chat id, phone); nil: the channel's own.
    public var recipient: String?

    public init(dedupeKey: String, channel: String, subject: String, body: String, recipient: String? = nil) {
        self.recipient = recipient
        self.dedupeKey = dedupeKey
        self.channel = channel
        self.subject = subject
        self.body = body
    }
}

/// What happened to a ticket in one write.
public enum TicketChange: String, Sendable, Hashable {
    case opened, reopened, updated, relapsed, acknowledged, resolved, closed, unchanged
    /// A report attached to the ticket (a requester added).
    case reported
    /// The ticket moved up a helpdesk level.
    case escalated
    /// Later evidence moved the ticket's root (a port found down above a silent site, a parent
    /// above a child, an engine root explaining a report): same number, new root and cause.
    case rerooted
}

/// One outage episode of a ticket: from the failure to the recovery (nil while it lasts).
public struct TicketEpisode: Sendable, Hashable {
    public var startedAt: EpochSeconds
    public var recoveredAt: EpochSeconds?
    public var cause: String

    public init(startedAt: EpochSeconds, recoveredAt: EpochSeconds?, cause: String) {
        self.startedAt = startedAt
        self.recoveredAt = recoveredAt
        self.cause = cause
    }
}
