import Foundation
import PantauCore
import PantauStore
import PostgresNIO

/// Gangguan tickets on PostgreSQL, with the SQLite store's rules (the store contract tests run
/// both): one live ticket per root (a unique index), reopen within the window, priority only
/// rises unless the cause changes, messages queued in the same transaction as the change. Every
/// change is announced on the `pantau_ticket` channel (NOTIFY, delivered at commit) for faces
/// and the outbox sender.
extension PostgresStore: TicketStore {
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           prefix: String, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange) {
        try await transaction("opening the ticket of \(root.key)") { c in
            if let live = try await Self.liveTicket(root.key, on: c, logger: logger) { return (live, .unchanged) }
            let evidence = root.evidence.joined(separator: "\n"), affected = root.affectedSites.joined(separator: ",")
            let recent = try await Self.ids(c, logger, """
                SELECT id FROM ticket WHERE root_key = \(root.key) AND state = 'resolved' AND resolved_s >= \(at - reopenWithin)
                ORDER BY resolved_s DESC LIMIT 1
                """).first
            if let id = recent {
                try await c.query("""
                    UPDATE ticket SET state = 'open', reopened = reopened + 1, resolved_s = NULL, recovered_s = NULL, affected_sites = \(affected),
                      evidence = \(evidence), cause = \(root.cause.rawValue), started_s = \(root.startedAt), priority = \(decision.priority.rawValue),
                      priority_reason = \(decision.reason) WHERE id = \(id)
                    """, logger: logger)
                try await Self.beginEpisode(id, root, on: c, logger: logger)
                try await Self.event(id, at, "reopened", "same root failed again at \(root.startedAt) (\(root.cause.rawValue); "
                                     + "\(decision.priority.rawValue): \(decision.reason)): \(root.evidence.first ?? "")", on: c, logger: logger)
                let t = try await Self.ticket(id: id, on: c, logger: logger)
                try await Self.absorbReports(into: id, number: t.number, sites: root.affectedSites, at: at, on: c, logger: logger)
                let u = try await Self.ticket(id: id, on: c, logger: logger)
                try await Self.enqueue(u, messages(u, .reopened), at: at, on: c, logger: logger)
                return (u, .reopened)
            }
            let seq = try await Self.ids(c, logger, """
                INSERT INTO ticket_counter (month, last) VALUES (\(month), 1)
                ON CONFLICT (month) DO UPDATE SET last = ticket_counter.last + 1 RETURNING last::bigint
                """).first ?? 1
            let number = "\(prefix)-\(month)-\(String(repeating: "0", count: max(0, 4 - String(seq).count)))\(seq)"
            let id = try await Self.ids(c, logger, """
                INSERT INTO ticket (number, root_key, kind, cause, state, priority, priority_reason, affected_sites, evidence, started_s, opened_s)
                VALUES (\(number), \(root.key), \(root.isOutage ? "outage" : "notice"), \(root.cause.rawValue), 'open', \(decision.priority.rawValue),
                        \(decision.reason), \(affected), \(evidence), \(root.startedAt), \(at)) RETURNING id
                """).first!
            try await Self.beginEpisode(id, root, on: c, logger: logger)
            try await Self.event(id, at, "opened", "\(root.cause.rawValue) on \(root.key); \(decision.reason)", on: c, logger: logger)
            try await Self.absorbReports(into: id, number: number, sites: root.affectedSites, at: at, on: c, logger: logger)
            let t = try await Self.ticket(id: id, on: c, logger: logger)
            try await Self.enqueue(t, messages(t, .opened), at: at, on: c, logger: logger)
            return (t, .opened)
        }
    }

    public func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                             messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await transaction("updating the ticket of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return nil }
            var priority = t.priority, reason = t.priorityReason
            if let d = decision, root.cause != t.cause, d.priority != t.priority {
                priority = d.priority
                reason = d.reason
                try await Self.event(t.id, at, "priority", "\(t.priority.rawValue) -> \(d.priority.rawValue) with the new cause: \(d.reason)",
                                     on: c, logger: logger)
            } else if let d = decision, d.priority < t.priority {
                priority = d.priority
                reason = d.reason
                try await Self.event(t.id, at, "priority", "raised \(t.priority.rawValue) -> \(d.priority.rawValue): \(d.reason)", on: c, logger: logger)
            }
            let grew = Set(affectedEver).subtracting(t.affectedSites)
            if !grew.isEmpty { try await Self.event(t.id, at, "affected", "also cut off: \(grew.sorted().joined(separator: ", "))", on: c, logger: logger) }
            if root.cause != t.cause { try await Self.event(t.id, at, "cause", "\(t.cause.rawValue) -> \(root.cause.rawValue)", on: c, logger: logger) }
            let kind = root.isOutage || t.kind == "outage" ? "outage" : "notice"
            try await c.query("""
                UPDATE ticket SET affected_sites = \(affectedEver.joined(separator: ",")), evidence = \(root.evidence.joined(separator: "\n")),
                  cause = \(root.cause.rawValue), kind = \(kind), priority = \(priority.rawValue), priority_reason = \(reason) WHERE id = \(t.id)
                """, logger: logger)
            let absorbed = try await Self.absorbReports(into: t.id, number: t.number, sites: affectedEver, at: at, on: c, logger: logger)
            let u = try await Self.ticket(id: t.id, on: c, logger: logger)
            if absorbed > 0 { try await Self.enqueue(u, messages(u, .reported), at: at, on: c, logger: logger) }
            if priority != t.priority || !grew.isEmpty || root.cause != t.cause { try await Self.enqueue(u, messages(u, .updated), at: at, on: c, logger: logger) }
            return u
        }
    }

    public func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws {
        try await transaction("recording a relapse of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return }
            let n = max(t.flaps + 1, flaps)
            try await c.query("UPDATE ticket SET flaps = \(n) WHERE id = \(t.id)", logger: logger)
            try await Self.event(t.id, at, "flap", "failed again before the recovery hold ended (flap \(n))", on: c, logger: logger)
        }
    }

    public func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                              messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await transaction("resolving the ticket of \(rootKey)") { c in
            guard let t = try await Self.liveTicket(rootKey, on: c, logger: logger) else { return nil }
            try await c.query("UPDATE ticket SET state = 'resolved', resolved_s = \(at), recovered_s = \(recoveredAt) WHERE id = \(t.id)", logger: logger)
            try await c.query("UPDATE ticket_episode SET recovered_s = \(recoveredAt) WHERE ticket_id = \(t.id) AND recovered_s IS NULL", logger: logger)
            try await Self.event(t.id, at, "resolved", detail, on: c, logger: logger)
            let u = try await Self.ticket(id: t.id, on: c, logger: logger)
            try await Self.enqueue(u, messages(u, .resolved), at: at, on: c, logger: logger)
            return u
        }
    }

    public func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket {
        try await transaction("acknowledging \(number)") { c in
            let t = try await Self.require(number, on: c, logger: logger)
            guard t.state != .closed else { throw PantauError(.invalidInput, operation: "acknowledging", subject: number, message: "the ticket is closed") }
            try await c.query("""
                UPDATE ticket SET state = CASE state WHEN 'resolved' THEN 'resolved' ELSE 'acknowledged' END,
                  acknowledged_s = COALESCE(acknowledged_s, \(at)), assigned_to = \(by) WHERE id = \(t.id)
                """, logger: logger)
            try await Self.event(t.id, at, "acknowledged", "assigned to \(by)", on: c, logger: logger)
            return try await Self.ticket(id: t.id, on: c, logger: logger)
        }
    }

    public func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket {
        try await transaction("resolving \(number)") { c in
            let t = try await Self.require(number, on: c, logger: logger)
            guard t.state == .open || t.state == .acknowledged else {
                throw PantauError(.invalidInput, operation: "resolving", subject: number, message: "the ticket is \(t.state.rawValue)")
            }
            try await c.query("UPDATE ticket SET state = 'resolved', resolved_s = \(at) WHERE id = \(t.id)", logger: logger)
            try await Self.event(t.id, at, "resolved", "by \(by)\(note.isEmpty ? "" : ": \(note)")", on: c, logger: logger)
            return try await Self.ticket(id: t.id, on: c, logger: logger)
        }
    }

    public func closeTicket(_ number: String, beritaAcara ba: BeritaAcara, at: EpochSeconds, month: String?,
                            document: (@Sendable (Ticket, [TicketEvent]) -> String)?,
                            messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await transaction("closing \(number)") { c in
            let t = try await Self.require(number, on: c, logger: logger)
            guard t.state == .resolved else {
                throw PantauError(.invalidInput, operation: "closing", subject: number, message: "only a resolved ticket can be closed (it is \(t.state.rawValue))")
            }
            if t.kind == Ticket.installationKind { try await Self.requireInstallationRecords(t, on: c, logger: logger) }
            try await c.query("""
                UPDATE ticket SET state = 'closed', closed_s = \(at), ba_officers = \(ba.officers.joined(separator: "\n")), ba_problem = \(ba.problemSummary),
                  ba_work = \(ba.workSummary), ba_alternative = \(ba.alternativeSolution), ba_location = \(ba.location), ba_cause = \(ba.cause) WHERE id = \(t.id)
                """, logger: logger)
            try await Self.event(t.id, at, "closed", "Berita Acara: \(ba.officers.joined(separator: "; "))" + (ba.cause.map { "; cause \($0)" } ?? ""),
                                 on: c, logger: logger)
            let u = try await Self.ticket(id: t.id, on: c, logger: logger)
            if let document {
                let html = document(u, try await Self.events(t.id, on: c, logger: logger))
                let m = month ?? t.number.split(separator: "-").dropFirst().prefix(2).joined(separator: "-")
                try await c.query("""
                    INSERT INTO ticket_document (ticket_id, number, month, closed_s, html) VALUES (\(t.id), \(t.number), \(m), \(at), \(html))
                    ON CONFLICT (ticket_id) DO UPDATE SET month = excluded.month, closed_s = excluded.closed_s, html = excluded.html, pdf = NULL
                    """, logger: logger)
                try await Self.event(t.id, at, "archived", "Berita Acara archived", on: c, logger: logger)
            }
            try await Self.enqueue(u, messages(u, .closed), at: at, on: c, logger: logger)
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
        let number = Ticket.normalizedNumber(number)
        return try await transaction("reading \(number)") { c in
            guard let id = try await Self.ids(c, logger, "SELECT id FROM ticket WHERE number = \(number)").first else { return nil }
            return try await Self.ticket(id: id, on: c, logger: logger)
        }
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
