import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// The notification outbox on PostgreSQL: the SQLite store's ordering rule (a ticket's messages
/// on a channel and recipient go out in the order they were written).
extension PostgresStore: OutboxStore {
    public func pendingOutbox(at: EpochSeconds, limit: Int) async throws -> [OutboxMessage] {
        let rows = try await run("reading the outbox", """
            SELECT id, dedupe_key, channel, subject, body, \(unescaped: OutboxRules.attemptsSQL), created_s, recipient FROM outbox o
            WHERE sent_s IS NULL AND next_s <= \(at)
              AND NOT EXISTS (SELECT 1 FROM outbox e WHERE o.ticket_id IS NOT NULL AND e.ticket_id = o.ticket_id
                              AND e.channel = o.channel AND COALESCE(e.recipient, '') = COALESCE(o.recipient, '')
                              AND e.id < o.id AND e.sent_s IS NULL AND e.next_s < \(Int64.max))
            ORDER BY id LIMIT \(limit)
            """)
        var out: [OutboxMessage] = []
        for try await (id, key, channel, subject, body, attempts, created, recipient) in rows.decode((Int64, String, String, String, String, Int32, Int64, String?).self) {
            out.append(OutboxMessage(id: id, dedupeKey: key, channel: channel, subject: subject, body: body, attempts: Int(attempts), createdAt: created,
                                     recipient: recipient))
        }
        return out
    }

    public func nextOutboxDue() async throws -> EpochSeconds? {
        var due: EpochSeconds?
        for try await x in try await run("reading the outbox", "SELECT MIN(next_s) FROM outbox WHERE sent_s IS NULL").decode(Int64?.self) { due = x }
        return due
    }

    public func beginAttempt(_ id: Int64, at: EpochSeconds) async throws {
        _ = try await run("starting a delivery of message \(id)",
                          "UPDATE outbox SET attempts = \(unescaped: OutboxRules.attemptsSQL), attempt_started_s = \(at) WHERE id = \(id)")
    }

    public func markSent(_ id: Int64, at: EpochSeconds) async throws {
        _ = try await run("marking message \(id) sent",
                          "UPDATE outbox SET sent_s = \(at), attempts = attempts + 1, attempt_started_s = NULL, last_error = NULL WHERE id = \(id)")
    }

    public func markFailed(_ id: Int64, error: String, retryAt: EpochSeconds?) async throws {
        _ = try await run("recording a failed delivery of message \(id)",
                          "UPDATE outbox SET attempts = attempts + 1, attempt_started_s = NULL, last_error = \(error), next_s = \(retryAt ?? Int64.max) WHERE id = \(id)")
    }

    public func outbox() async throws -> [(message: OutboxMessage, sentAt: EpochSeconds?, lastError: String?)] {
        let rows = try await run("reading the outbox", """
            SELECT id, dedupe_key, channel, subject, body, \(unescaped: OutboxRules.attemptsSQL), created_s, recipient, sent_s, last_error,
              attempt_started_s FROM outbox ORDER BY id
            """)
        var out: [(message: OutboxMessage, sentAt: EpochSeconds?, lastError: String?)] = []
        for try await (id, key, channel, subject, body, attempts, created, recipient, sent, error, unfinished)
            in rows.decode((Int64, String, String, String, String, Int32, Int64, String?, Int64?, String?, Int64?).self) {
            out.append((OutboxMessage(id: id, dedupeKey: key, channel: channel, subject: subject, body: body, attempts: Int(attempts),
                                      createdAt: created, recipient: recipient), sent, unfinished.map(OutboxRules.unfinished) ?? error))
        }
        return out
    }

    public func outboxBacklog() async throws -> Int {
        var n = 0
        for try await x in try await run("counting the outbox backlog", "SELECT COUNT(*) FROM outbox WHERE sent_s IS NULL").decode(Int.self) { n = x }
        return n
    }
}
