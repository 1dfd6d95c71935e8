import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Messages due for (re)delivery at `at`, oldest first. A ticket's messages go out on each
    /// channel in the order they were written: a message waits while an earlier one of the same
    /// ticket and channel is still undelivered (unless that one was given up), so a recovery
    /// never arrives before the outage it answers.
    public func pendingOutbox(at: EpochSeconds, limit: Int = 100) async throws -> [OutboxMessage] {
        try await read("reading the outbox") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, dedupe_key, channel, subject, body, \(OutboxRules.attemptsSQL) AS attempts, created_s, recipient FROM outbox o
                WHERE sent_s IS NULL AND next_s <= ?
                  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE o.ticket_id IS NOT NULL AND e.ticket_id = o.ticket_id
                                  AND e.channel = o.channel AND COALESCE(e.recipient, '') = COALESCE(o.recipient, '')
                                  AND e.id < o.id AND e.sent_s IS NULL AND e.next_s < ?)
                ORDER BY id LIMIT ?
                """, arguments: [at, Int64.max, limit]).map {
                OutboxMessage(id: $0["id"], dedupeKey: $0["dedupe_key"], channel: $0["channel"], subject: $0["subject"],
                              body: $0["body"], attempts: $0["attempts"], createdAt: $0["created_s"], recipient: $0["recipient"])
            }
        }
    }

    /// The earliest time a pending message is due, if any.
    public func nextOutboxDue() async throws -> EpochSeconds? {
        try await read("reading the outbox") { db in
            try EpochSeconds.fetchOne(db, sql: "SELECT MIN(next_s) FROM outbox WHERE sent_s IS NULL")
        }
    }

    public func beginAttempt(_ id: Int64, at: EpochSeconds) async throws {
        try await write("starting a delivery of message \(id)") { db in
            try db.execute(sql: "UPDATE outbox SET attempts = \(OutboxRules.attemptsSQL), attempt_started_s = ? WHERE id = ?", arguments: [at, id])
        }
    }

    public func markSent(_ id: Int64, at: EpochSeconds) async throws {
        try await write("marking message \(id) sent") { db in
            try db.execute(sql: "UPDATE outbox SET sent_s = ?, attempts = attempts + 1, attempt_started_s = NULL, last_error = NULL WHERE id = ?",
                           arguments: [at, id])
        }
    }

    /// A failed attempt: retried at `retryAt`, or given up (`retryAt` nil) and kept with its error.
    public func markFailed(_ id: Int64, error: String, retryAt: EpochSeconds?) async throws {
        try await write("recording a failed delivery of message \(id)") { db in
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, attempt_started_s = NULL, last_error = ?, next_s = ? WHERE id = ?",
                           arguments: [error, retryAt ?? Int64.max, id])
        }
    }

    /// Delivery state per message, for `pantau tickets show` and tests.
    /// Messages not yet delivered (a count: the dashboard and /metrics ask on every view).
    public func outboxBacklog() async throws -> Int {
        try await read("counting the outbox backlog") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE sent_s IS NULL") ?? 0
        }
    }

    public func outbox() async throws -> [(message: OutboxMessage, sentAt: EpochSeconds?, lastError: String?)] {
        try await read("reading the outbox") { db in
            try Row.fetchAll(db, sql: "SELECT *, \(OutboxRules.attemptsSQL) AS attempts_counted FROM outbox ORDER BY id").map {
                let unfinished: EpochSeconds? = $0["attempt_started_s"]
                return (OutboxMessage(id: $0["id"], dedupeKey: $0["dedupe_key"], channel: $0["channel"], subject: $0["subject"],
                                      body: $0["body"], attempts: $0["attempts_counted"], createdAt: $0["created_s"], recipient: $0["recipient"]),
                        $0["sent_s"], unfinished.map(OutboxRules.unfinished) ?? $0["last_error"])
            }
        }
    }
}
