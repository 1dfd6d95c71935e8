import PantauCore

/// A queued notification.
public struct OutboxMessage: Sendable, Hashable {
    public var id: Int64
    public var dedupeKey: String
    public var channel: String
    public var subject: String
    public var body: String
    public var attempts: Int
    public var createdAt: EpochSeconds
    /// A requester's address on the channel; nil: the channel's configured destination.
    public var recipient: String?

    public init(id: Int64, dedupeKey: String, channel: String, subject: String, body: String, attempts: Int, createdAt: EpochSeconds,
                recipient: String? = nil) {
        self.recipient = recipient
        self.id = id
        self.dedupeKey = dedupeKey
        self.channel = channel
        self.subject = subject
        self.body = body
        self.attempts = attempts
        self.createdAt = createdAt
    }
}
