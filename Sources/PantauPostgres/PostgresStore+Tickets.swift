import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Gangguan tickets on PostgreSQL: what `TicketRules` decides, written in one transaction (one
/// live ticket per root is also a unique index; messages are queued with the change). Every
/// change is announced on the `pantau_ticket` channel (NOTIFY, delivered at commit) for faces
/// and the outbox sender.
extension PostgresStore: TicketStore {
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           prefix: String, explaining: [String],
                           messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange) {
        try await transaction("opening the ticket of \(root.key)") { c in
            let live = try await Self.liveTicket(root.key, on: c, logger: logger)
            let recentID = live != nil ? nil : try await Self.ids(c, logger, """
                SELECT id FROM ticket WHERE root_key = \(root.key) AND state = 'resolved' ORDER BY resolved_s DESC LIMIT 1 FOR UPDATE
                """).first
            var recent: Ticket?
            if let recentID { recent = try await Self.ticket(id: recentID, on: c, logger: logger) }
            let keys = TicketRules.takeOverKeys(root: root, explaining: explaining)
            var explained: [Ticket] = []
            if !keys.isEmpty {
                for id in try await Self.ids(c, logger, """
                    SELECT id FROM ticket WHERE state IN ('open', 'acknowledged') AND root_key = ANY(\(keys)) ORDER BY id FOR UPDATE
                    """) { explained.append(try await Self.ticket(id: id, on: c, logger: logger)) }
            }
            switch TicketRules.opening(live: live, recentlyResolved: recent, explained: explained, at: at, reopenWithin: reopenWithin) {
            case .unchanged(let t):
                let engine = explained.filter { !$0.isHelpdesk }
                for e in engine { try await Self.mergeExplained(e, into: t, root: root, at: at, on: c, logger: logger) }
                return (engine.isEmpty ? t : try await Self.ticket(id: t.id, on: c, logger: logger), .unchanged)
            case .reopen(let t):
                return (try await Self.apply(TicketRules.reopen(t, root: root, decision: decision, at: at), at: at, messages: messages, on: c, logger: logger),
                        .reopened)
            case .reroot(let t, let merging):
                let w = TicketRules.reroot(t, root: root, affectedEver: root.affectedSites + merging.flatMap(\.affectedSites), decision: decision, at: at)
                let u = try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
                for e in merging where !e.isHelpdesk { try await Self.mergeExplained(e, into: u, root: root, at: at, on: c, logger: logger) }
                return (try await Self.ticket(id: u.id, on: c, logger: logger), .rerooted)
            case .create:
                let number = try await Self.nextNumber(month: month, prefix: prefix, on: c, logger: logger)
                let w = TicketRules.create(root: root, decision: decision, at: at, number: number)
                return (try await Self.apply(w, at: at, messages: messages, on: c, logger: logger), .opened)
            }
        }
    }

    public func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                             messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await transaction("updating the ticket of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return nil }
            let w = TicketRules.update(t, root: root, affectedEver: affectedEver, decision: decision, at: at)
            return try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
        }
    }

    public func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws {
        try await transaction("recording a relapse of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return }
            _ = try await Self.apply(TicketRules.relapse(t, flaps: flaps, at: at), at: at, messages: { _, _ in [] }, on: c, logger: logger)
        }
    }

    public func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                              messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await transaction("resolving the ticket of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return nil }
            let w = TicketRules.resolve(t, recoveredAt: recoveredAt, at: at, detail: detail)
            return try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
        }
    }

    public func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket {
        try await transaction("acknowledging \(number)") { c in
            let w = try TicketRules.acknowledge(try await Self.require(number, on: c, logger: logger), by: by, at: at)
            return try await Self.apply(w, at: at, messages: { _, _ in [] }, on: c, logger: logger)
        }
    }

    public func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket {
        try await transaction("resolving \(number)") { c in
            let w = try TicketRules.resolveManually(try await Self.require(number, on: c, logger: logger), by: by, note: note, at: at)
            return try await Self.apply(w, at: at, messages: { _, _ in [] }, on: c, logger: logger)
        }
    }

    public func closeTicket(_ number: String, beritaAcara ba: BeritaAcara, at: EpochSeconds, month: String?,
                            document: (@Sendable (Ticket, [TicketEvent]) -> String)?,
                            messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await transaction("closing \(number)") { c in
            let t = try await Self.require(number, on: c, logger: logger)
            var w = try TicketRules.close(t, beritaAcara: ba, at: at)
            if t.kind == Ticket.installationKind { try await Self.requireInstallationRecords(t, on: c, logger: logger) }
            let announce = w.announce
            w.announce = nil
            let u = try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
            if let document {
                let html = document(u, try await Self.events(t.id, on: c, logger: logger))
                let m = month ?? Ticket.month(ofNumber: t.number)
                try await c.query("""
                    INSERT INTO ticket_document (ticket_id, number, month, closed_s, html) VALUES (\(t.id), \(t.number), \(m), \(at), \(html))
                    ON CONFLICT (ticket_id) DO UPDATE SET month = excluded.month, closed_s = excluded.closed_s, html = excluded.html, pdf = NULL
                    """, logger: logger)
                let e = TicketRules.archived(at: at)
                try await Self.event(t.id, e.at, e.kind, e.text, on: c, logger: logger)
            }
            if let announce { try await Self.enqueue(u, messages(u, announce), at: at, on: c, logger: logger) }
            return try await Self.ticket(id: t.id, on: c, logger: logger)
        }
    }

    public func tickets(states: Set<Ticket.State>?) async throws -> [Ticket] {
        let wanted = (states ?? Set(Ticket.State.allCases)).map(\.rawValue).sorted()
        let rows = try await run("listing tickets", "SELECT * FROM ticket WHERE state = ANY(\(wanted)) ORDER BY opened_s, id")
        var out: [Ticket] = []
        for try await row in rows { out.append(try Self.ticket(row.makeRandomAccess())) }
        return out
    }

    public func ticket(_ number: String) async throws -> Ticket? {
        try await transaction("reading \(number)") { c in try await Self.find(number, on: c, logger: logger) }
    }

    public func ticketEvents(_ id: Int64) async throws -> [TicketEvent] {
        try await transaction("reading the ledger of ticket \(id)") { c in try await Self.events(id, on: c, logger: logger) }
    }

    public func ticketEpisodes(_ id: Int64) async throws -> [TicketEpisode] {
        let rows = try await run("reading the episodes of ticket \(id)", "SELECT started_s, recovered_s, cause FROM ticket_episode WHERE ticket_id = \(id) ORDER BY id")
        var out: [TicketEpisode] = []
        for try await (s, r, cause) in rows.decode((Int64, Int64?, String).self) { out.append(TicketEpisode(startedAt: s, recoveredAt: r, cause: cause)) }
        return out
    }
}
