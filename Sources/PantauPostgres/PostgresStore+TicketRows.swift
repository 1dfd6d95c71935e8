import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// Reading and writing ticket rows inside a transaction (helpers of `PostgresStore+Tickets`).
/// A ticket a transaction reads is locked until it ends (`FOR UPDATE`): the rules decide from
/// what was read and `apply` writes the whole row, so another process's change (a web face
/// acknowledging while the correlator updates) waits instead of being overwritten.
extension PostgresStore {
    /// The first column of every row, as Int64 (ids, counters).
    static func ids(_ c: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [Int64] {
        var out: [Int64] = []
        for try await x in try await c.query(query, logger: logger).decode(Int64.self) { out.append(x) }
        return out
    }

    static func liveTicket(_ rootKey: String, on c: PostgresConnection, logger: Logger) async throws -> Ticket? {
        guard let id = try await ids(c, logger, "SELECT id FROM ticket WHERE root_key = \(rootKey) AND state IN ('open', 'acknowledged') FOR UPDATE").first else {
            return nil
        }
        return try await ticket(id: id, on: c, logger: logger)
    }

    static func require(_ number: String, on c: PostgresConnection, logger: Logger) async throws -> Ticket {
        guard let t = try await find(number, on: c, logger: logger) else { throw TicketRules.notFound(number) }
        return t
    }

    /// The ticket a typed number names (`TicketRules.lookup`: a bare number under any prefix).
    static func find(_ typed: String, on c: PostgresConnection, logger: Logger) async throws -> Ticket? {
        let (number, bare) = TicketRules.lookup(typed)
        var id = try await ids(c, logger, "SELECT id FROM ticket WHERE number = \(number) FOR UPDATE").first
        if id == nil, let bare {
            id = try await ids(c, logger, "SELECT id FROM ticket WHERE right(number, \(Int32(bare.count))) = \(bare) ORDER BY id LIMIT 1 FOR UPDATE").first
        }
        guard let id else { return nil }
        return try await ticket(id: id, on: c, logger: logger)
    }

    /// Draws the next number of local month `month` ("2026-03").
    static func nextNumber(month: String, prefix: String, on c: PostgresConnection, logger: Logger) async throws -> String {
        let seq = try await ids(c, logger, """
            INSERT INTO ticket_counter (month, last) VALUES (\(month), 1)
            ON CONFLICT (month) DO UPDATE SET last = ticket_counter.last + 1 RETURNING last::bigint
            """).first ?? 1
        return Ticket.number(prefix: prefix, month: month, sequence: Int(seq))
    }

    /// Writes what the rules decided: the ticket row (inserted when new), its ledger, its
    /// episode, the reports it folds in, then the messages it announces. Returns the ticket as stored.
    static func apply(_ w: TicketWrite, at: EpochSeconds, messages: (Ticket, TicketChange) -> [OutboxDraft], on c: PostgresConnection,
                      logger: Logger) async throws -> Ticket {
        let t = w.ticket, ba = t.beritaAcara
        let affected = t.affectedSites.joined(separator: ","), evidence = t.evidence.joined(separator: "\n")
        let officers = ba?.officers.joined(separator: "\n")
        let id: Int64
        if t.id == 0 {
            id = try await ids(c, logger, """
                INSERT INTO ticket (number, root_key, opened_s, kind, cause, state, priority, priority_reason, affected_sites, evidence, started_s,
                                    acknowledged_s, assigned_to, resolved_s, recovered_s, closed_s, reopened, flaps, ba_officers, ba_problem, ba_work,
                                    ba_alternative, ba_location, ba_cause, merged_into, escalation_level, link_id)
                VALUES (\(t.number), \(t.rootKey), \(t.openedAt), \(t.kind), \(t.cause.rawValue), \(t.state.rawValue), \(t.priority.rawValue),
                        \(t.priorityReason), \(affected), \(evidence), \(t.startedAt), \(t.acknowledgedAt), \(t.assignedTo), \(t.resolvedAt),
                        \(t.recoveredAt), \(t.closedAt), \(Int32(t.reopened)), \(Int32(t.flaps)), \(officers), \(ba?.problemSummary), \(ba?.workSummary),
                        \(ba?.alternativeSolution), \(ba?.location), \(ba?.cause), \(t.mergedInto), \(Int32(t.escalationLevel)), \(t.link))
                RETURNING id
                """).first!
        } else {
            id = t.id
            try await c.query("""
                UPDATE ticket SET kind = \(t.kind), cause = \(t.cause.rawValue), state = \(t.state.rawValue), priority = \(t.priority.rawValue),
                  priority_reason = \(t.priorityReason), affected_sites = \(affected), evidence = \(evidence), started_s = \(t.startedAt),
                  acknowledged_s = \(t.acknowledgedAt), assigned_to = \(t.assignedTo), resolved_s = \(t.resolvedAt), recovered_s = \(t.recoveredAt),
                  closed_s = \(t.closedAt), reopened = \(Int32(t.reopened)), flaps = \(Int32(t.flaps)), ba_officers = \(officers),
                  ba_problem = \(ba?.problemSummary), ba_work = \(ba?.workSummary), ba_alternative = \(ba?.alternativeSolution),
                  ba_location = \(ba?.location), ba_cause = \(ba?.cause), merged_into = \(t.mergedInto), escalation_level = \(Int32(t.escalationLevel)),
                  link_id = \(t.link), root_key = \(t.rootKey)
                WHERE id = \(id)
                """, logger: logger)
        }
        switch w.episode {
        case .begin(let started, let cause)?:
            try await c.query("UPDATE ticket_episode SET recovered_s = started_s WHERE ticket_id = \(id) AND recovered_s IS NULL", logger: logger)
            try await c.query("INSERT INTO ticket_episode (ticket_id, started_s, cause) VALUES (\(id), \(started), \(cause))", logger: logger)
        case .end(let recovered)?:
            try await c.query("UPDATE ticket_episode SET recovered_s = \(recovered) WHERE ticket_id = \(id) AND recovered_s IS NULL", logger: logger)
        case nil: break
        }
        for e in w.events { try await event(id, e.at, e.kind, e.text, on: c, logger: logger) }
        if let r = w.addRequester { try await addRequester(id, r, on: c, logger: logger) }
        let absorbed = try await absorbReports(into: id, number: t.number, sites: w.absorbReportsOn, at: at, on: c, logger: logger)
        let u = try await ticket(id: id, on: c, logger: logger)
        if absorbed > 0 && w.announceAbsorbed { try await enqueue(u, messages(u, .reported), at: at, on: c, logger: logger) }
        if let change = w.announce { try await enqueue(u, messages(u, change), at: at, on: c, logger: logger) }
        return u
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

    /// Folds live `reported` tickets of `sites` into the engine's ticket (as the SQLite store does).
    @discardableResult
    /// Closes a live ticket another root explains as merged into `target` (`TicketRules.merge(explained:)`).
    static func mergeExplained(_ e: Ticket, into target: Ticket, root: RootCause, at: EpochSeconds, on c: PostgresConnection,
                               logger: Logger) async throws {
        let (w, line) = TicketRules.merge(explained: e, into: target, root: root, at: at)
        try await c.query("UPDATE ticket_requester SET ticket_id = \(target.id) WHERE ticket_id = \(e.id)", logger: logger)
        _ = try await apply(w, at: at, messages: { _, _ in [] }, on: c, logger: logger)
        try await event(target.id, line.at, line.kind, line.text, on: c, logger: logger)
    }

    static func absorbReports(into id: Int64, number: String, sites: [String], at: EpochSeconds, on c: PostgresConnection,
                              logger: Logger) async throws -> Int {
        let keys = TicketRules.reportKeys(sites)
        guard !keys.isEmpty else { return 0 }
        let reportIDs = try await ids(c, logger, "SELECT id FROM ticket WHERE state IN ('open', 'acknowledged') AND root_key = ANY(\(keys)) ORDER BY id FOR UPDATE")
        for rid in reportIDs {
            let r = try await ticket(id: rid, on: c, logger: logger)
            try await c.query("UPDATE ticket_requester SET ticket_id = \(id) WHERE ticket_id = \(rid)", logger: logger)
            let (w, line) = TicketRules.merge(report: r, requesters: r.requesters, into: number, at: at)
            _ = try await apply(w, at: at, messages: { _, _ in [] }, on: c, logger: logger)
            try await event(id, line.at, line.kind, line.text, on: c, logger: logger)
        }
        return reportIDs.count
    }
}

