import Foundation
import PantauCore
import PantauStore
import PostgresNIO

/// Reading and writing ticket rows inside a transaction (helpers of `PostgresStore+Tickets`).
extension PostgresStore {
    /// The first column of every row, as Int64 (ids, counters).
    static func ids(_ c: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [Int64] {
        var out: [Int64] = []
        for try await x in try await c.query(query, logger: logger).decode(Int64.self) { out.append(x) }
        return out
    }

    static func liveTicket(_ rootKey: String, on c: PostgresConnection, logger: Logger) async throws -> Ticket? {
        guard let id = try await ids(c, logger, "SELECT id FROM ticket WHERE root_key = \(rootKey) AND state IN ('open', 'acknowledged')").first else {
            return nil
        }
        return try await ticket(id: id, on: c, logger: logger)
    }

    static func require(_ number: String, on c: PostgresConnection, logger: Logger) async throws -> Ticket {
        guard let id = try await ids(c, logger, "SELECT id FROM ticket WHERE number = \(Ticket.normalizedNumber(number))").first else {
            throw PantauError(.notFound, operation: "finding the ticket", subject: number,
                              message: "no such ticket ('pantau tickets list' shows the numbers, e.g. GGN-2026-11-0001)")
        }
        return try await ticket(id: id, on: c, logger: logger)
    }

    /// One ticket with its requesters.
    static func ticket(id: Int64, on c: PostgresConnection, logger: Logger) async throws -> Ticket {
        var found: Ticket?
        for try await row in try await c.query("SELECT * FROM ticket WHERE id = \(id)", logger: logger) { found = try ticket(row.makeRandomAccess()) }
        guard var t = found else {
            throw PantauError(.notFound, operation: "reading a ticket", subject: "\(id)", message: "the ticket row is gone")
        }
        let rows = try await c.query("SELECT site, name, contact, via, text, reported_by, at_s FROM ticket_requester WHERE ticket_id = \(id) ORDER BY id",
                                     logger: logger)
        for try await (site, name, contact, via, text, by, at) in rows.decode((String, String, String?, String, String, String, Int64).self) {
            t.requesters.append(Requester(site: site, name: name, contact: contact.flatMap(Contact.init), via: via, text: text, reportedBy: by, at: at))
        }
        return t
    }

    static func ticket(_ r: PostgresRandomAccessRow) throws -> Ticket {
        func v<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T { try r[name].decode(T.self) }
        let officers: String? = try v("ba_officers")
        let ba = try officers.map { o in
            BeritaAcara(officers: o.split(separator: "\n").map(String.init), problemSummary: try v("ba_problem", String?.self) ?? "",
                        workSummary: try v("ba_work", String?.self) ?? "", alternativeSolution: try v("ba_alternative", String?.self) ?? "",
                        location: try v("ba_location", String?.self) ?? "", cause: try v("ba_cause", String?.self))
        }
        let affected: String = try v("affected_sites"), evidence: String = try v("evidence")
        return Ticket(id: try v("id"), number: try v("number"), rootKey: try v("root_key"), kind: try v("kind"),
                      cause: SuspectedCause(rawValue: try v("cause")) ?? .siteDown, state: Ticket.State(rawValue: try v("state")) ?? .open,
                      priority: Priority(rawValue: try v("priority")) ?? .p4, priorityReason: try v("priority_reason"),
                      affectedSites: affected.isEmpty ? [] : affected.split(separator: ",").map(String.init),
                      evidence: evidence.split(separator: "\n").map(String.init), startedAt: try v("started_s"), openedAt: try v("opened_s"),
                      acknowledgedAt: try v("acknowledged_s"), assignedTo: try v("assigned_to"), resolvedAt: try v("resolved_s"),
                      recoveredAt: try v("recovered_s"), closedAt: try v("closed_s"), reopened: Int(try v("reopened", Int32.self)),
                      flaps: Int(try v("flaps", Int32.self)), beritaAcara: ba, escalationLevel: Int(try v("escalation_level", Int32.self)),
                      mergedInto: try v("merged_into"), link: try v("link_id"))
    }

    static func events(_ id: Int64, on c: PostgresConnection, logger: Logger) async throws -> [TicketEvent] {
        var out: [TicketEvent] = []
        let rows = try await c.query("SELECT at_s, kind, text FROM ticket_event WHERE ticket_id = \(id) ORDER BY id", logger: logger)
        for try await (at, kind, text) in rows.decode((Int64, String, String).self) { out.append(TicketEvent(at: at, kind: kind, text: text)) }
        return out
    }

    static func event(_ id: Int64, _ at: EpochSeconds, _ kind: String, _ text: String, on c: PostgresConnection, logger: Logger) async throws {
        try await c.query("INSERT INTO ticket_event (ticket_id, at_s, kind, text) VALUES (\(id), \(at), \(kind), \(text))", logger: logger)
        // Faces and the outbox sender listen; delivered when the transaction commits.
        try await c.query("SELECT pg_notify('pantau_ticket', \(kind))", logger: logger)
    }

    /// Queues messages once each (the dedupe key is unique: a retried write queues nothing twice).
    static func enqueue(_ t: Ticket, _ drafts: [OutboxDraft], at: EpochSeconds, on c: PostgresConnection, logger: Logger) async throws {
        for d in drafts {
            try await c.query("""
                INSERT INTO outbox (dedupe_key, ticket_id, channel, subject, body, created_s, next_s, recipient)
                VALUES (\(d.dedupeKey), \(t.id), \(d.channel), \(d.subject), \(d.body), \(at), \(at), \(d.recipient)) ON CONFLICT (dedupe_key) DO NOTHING
                """, logger: logger)
        }
        if !drafts.isEmpty { try await c.query("SELECT pg_notify('pantau_outbox', '')", logger: logger) }
    }

    static func beginEpisode(_ id: Int64, _ root: RootCause, on c: PostgresConnection, logger: Logger) async throws {
        try await c.query("UPDATE ticket_episode SET recovered_s = started_s WHERE ticket_id = \(id) AND recovered_s IS NULL", logger: logger)
        try await c.query("INSERT INTO ticket_episode (ticket_id, started_s, cause) VALUES (\(id), \(root.startedAt), \(root.cause.rawValue))",
                          logger: logger)
    }

    /// Folds live `reported` tickets of `sites` into the engine's ticket (as the SQLite store does).
    @discardableResult
    static func absorbReports(into id: Int64, number: String, sites: [String], at: EpochSeconds, on c: PostgresConnection,
                              logger: Logger) async throws -> Int {
        guard !sites.isEmpty else { return 0 }
        let keys = sites.map { "report:\($0)" }
        var reports: [(Int64, String)] = []
        let rows = try await c.query("SELECT id, number FROM ticket WHERE state IN ('open', 'acknowledged') AND root_key = ANY(\(keys)) ORDER BY id",
                                     logger: logger)
        for try await x in rows.decode((Int64, String).self) { reports.append(x) }
        for (rid, rnumber) in reports {
            let moved = try await ticket(id: rid, on: c, logger: logger).requesters
            try await c.query("UPDATE ticket_requester SET ticket_id = \(id) WHERE ticket_id = \(rid)", logger: logger)
            try await c.query("""
                UPDATE ticket SET state = 'closed', closed_s = \(at), merged_into = \(number), resolved_s = COALESCE(resolved_s, \(at)) WHERE id = \(rid)
                """, logger: logger)
            try await c.query("UPDATE ticket_episode SET recovered_s = \(at) WHERE ticket_id = \(rid) AND recovered_s IS NULL", logger: logger)
            try await event(rid, at, "merged", "the engine's ticket \(number) covers this disruption; handled there", on: c, logger: logger)
            try await event(id, at, "reported", "report \(rnumber) merged: " + moved.map { "\($0.name) (\($0.site)): \($0.text)" }.joined(separator: "; "),
                            on: c, logger: logger)
        }
        return reports.count
    }
}
