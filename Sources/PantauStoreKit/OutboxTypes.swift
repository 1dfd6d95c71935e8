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

/// The outbox's delivery-attempt rules, the same on every store. An attempt is written before
/// it starts (`attempt_started_s`), so a process killed during a send leaves it counted; the
/// next attempt (or the reader) counts an unfinished one as an attempt that may have delivered.
public enum OutboxRules {
    /// SQL for the attempts a message has had, an unfinished one included.
    public static let attemptsSQL = "attempts + CASE WHEN attempt_started_s IS NULL THEN 0 ELSE 1 END"

    /// What an unfinished attempt says where the last error would be.
    public static func unfinished(startedAt: EpochSeconds) -> String {
        "the last attempt (\(ISO8601.format(startedAt, in: .gmt))) did not finish: still sending, or the process stopped during the send (it may have been delivered)"
    }
}
