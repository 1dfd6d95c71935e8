import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    static let ticketColumns = "*"
    static let live = "state IN ('open', 'acknowledged')"

    /// Opens the ticket of a root cause, idempotently (`TicketRules.opening`): a live ticket for
    /// the same root is returned unchanged; one resolved (not closed) within `reopenWithin`
    /// seconds is reopened; otherwise a new number is drawn for the local month `month` ("2026-03").
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           prefix: String = "GGN", explaining: [String] = [],
                           messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] })
        async throws -> (Ticket, TicketChange) {
        try await write("opening the ticket of \(root.key)") { db in
            let live = try Self.fetchTicket(db, "root_key = ? AND \(Self.live)", [root.key])
            let recent = live != nil ? nil : try Self.fetchTicket(db, "root_key = ? AND state = 'resolved' ORDER BY resolved_s DESC", [root.key])
            let keys = TicketRules.takeOverKeys(root: root, explaining: explaining)
            let explained = keys.isEmpty ? [] : try Row.fetchAll(db, sql: """
                SELECT * FROM ticket WHERE \(Self.live) AND root_key IN (\(Array(repeating: "?", count: keys.count).joined(separator: ", ")))
                """, arguments: StatementArguments(keys)).map(Self.ticket)
            switch TicketRules.opening(live: live, recentlyResolved: recent, explained: explained, at: at, reopenWithin: reopenWithin) {
            case .unchanged(let t):
                for e in explained where !e.isHelpdesk { try Self.mergeExplained(db, e, into: t, root: root, at: at) }
                return (explained.contains { !$0.isHelpdesk } ? try Self.fetchTicket(db, "id = ?", [t.id])! : t, .unchanged)
            case .reopen(let t):
                return (try Self.apply(db, TicketRules.reopen(t, root: root, decision: decision, at: at), at: at, messages: messages), .reopened)
            case .reroot(let t, let merging):
                let w = TicketRules.reroot(t, root: root, affectedEver: root.affectedSites + merging.flatMap(\.affectedSites), decision: decision, at: at)
                let u = try Self.apply(db, w, at: at, messages: messages)
                for e in merging where !e.isHelpdesk { try Self.mergeExplained(db, e, into: u, root: root, at: at) }
                return (try Self.fetchTicket(db, "id = ?", [u.id])!, .rerooted)
            case .create:
                let w = TicketRules.create(root: root, decision: decision, at: at, number: try Self.nextNumber(db, month: month, prefix: prefix))
                return (try Self.apply(db, w, at: at, messages: messages), .opened)
            }
        }
    }

    /// Closes a live ticket another root explains as merged into `target` (`TicketRules.merge(explained:)`).
    static func mergeExplained(_ db: Database, _ e: Ticket, into target: Ticket, root: RootCause, at: EpochSeconds) throws {
        let (w, line) = TicketRules.merge(explained: e, into: target, root: root, at: at)
        try db.execute(sql: "UPDATE ticket_requester SET ticket_id = ? WHERE ticket_id = ?", arguments: [target.id, e.id])
        _ = try apply(db, w, at: at, messages: { _, _ in [] })
        try event(db, target.id, line.at, line.kind, line.text)
    }

    /// New evidence or more sites cut off for a live ticket (`TicketRules.update`).
    public func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                             messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) async throws -> Ticket? {
        try await write("updating the ticket of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND \(Self.live)", [rootKey]) else { return nil }
            return try Self.apply(db, TicketRules.update(t, root: root, affectedEver: affectedEver, decision: decision, at: at), at: at, messages: messages)
        }
    }

    /// The element failed again during its recovery hold: same ticket, one more flap.
    public func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws {
        try await write("recording a relapse of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND \(Self.live)", [rootKey]) else { return }
            _ = try Self.apply(db, TicketRules.relapse(t, flaps: flaps, at: at), at: at, messages: { _, _ in [] })
        }
    }

    /// Automatic resolution on recovery. `detail` carries the durations (wall and working time).
    public func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                              messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) async throws -> Ticket? {
        try await write("resolving the ticket of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND \(Self.live)", [rootKey]) else { return nil }
            return try Self.apply(db, TicketRules.resolve(t, recoveredAt: recoveredAt, at: at, detail: detail), at: at, messages: messages)
        }
    }

    /// An officer takes the ticket.
    public func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket {
        try await write("acknowledging \(number)") { db in
            try Self.apply(db, TicketRules.acknowledge(try Self.require(db, number), by: by, at: at), at: at, messages: { _, _ in [] })
        }
    }

    /// An officer marks the ticket resolved (the automatic path does this on recovery).
    public func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket {
        try await write("resolving \(number)") { db in
            try Self.apply(db, TicketRules.resolveManually(try Self.require(db, number), by: by, note: note, at: at), at: at, messages: { _, _ in [] })
        }
    }

    /// Closes a resolved ticket with the Berita Acara fields. In the same transaction: the
    /// printable Berita Acara as closed is archived (`document`, given the closed ticket and its
    /// ledger; nil: no archive) and the requesters' closing messages are queued. An installation
    /// ticket closes only with a passed acceptance test and a handover report.
    public func closeTicket(_ number: String, beritaAcara ba: BeritaAcara, at: EpochSeconds, month: String? = nil,
                            document: (@Sendable (Ticket, [TicketEvent]) -> String)? = nil,
                            messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) async throws -> Ticket {
        try await write("closing \(number)") { db in
            let t = try Self.require(db, number)
            var w = try TicketRules.close(t, beritaAcara: ba, at: at)
            if t.kind == Ticket.installationKind { try Self.requireInstallationRecords(db, t) }
            let announce = w.announce
            w.announce = nil
            let u = try Self.apply(db, w, at: at, messages: messages)
            if let document {
                try db.execute(sql: """
                    INSERT INTO ticket_document(ticket_id, number, month, closed_s, html) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(ticket_id) DO UPDATE SET month = excluded.month, closed_s = excluded.closed_s, html = excluded.html, pdf = NULL
                    """, arguments: [t.id, t.number, month ?? Ticket.month(ofNumber: t.number), at, document(u, try Self.events(db, t.id))])
                let e = TicketRules.archived(at: at)
                try Self.event(db, t.id, e.at, e.kind, e.text)
            }
            if let announce { try Self.enqueue(db, u, messages(u, announce), at: at) }
            return try Self.fetchTicket(db, "id = ?", [t.id])!
        }
    }

    /// Writes what the rules decided: the ticket row (inserted when new), its ledger, its
    /// episode, the reports it folds in, then the messages it announces. Returns the ticket as stored.
    static func apply(_ db: Database, _ w: TicketWrite, at: EpochSeconds,
                      messages: (Ticket, TicketChange) -> [OutboxDraft]) throws -> Ticket {
        let t = w.ticket
        let ba = t.beritaAcara
        let values: [DatabaseValueConvertible?] = [
            t.kind, t.cause.rawValue, t.state.rawValue, t.priority.rawValue, t.priorityReason, join(t.affectedSites),
            t.evidence.joined(separator: "\n"), t.startedAt, t.acknowledgedAt, t.assignedTo, t.resolvedAt, t.recoveredAt, t.closedAt,
            t.reopened, t.flaps, ba?.officers.joined(separator: "\n"), ba?.problemSummary, ba?.workSummary, ba?.alternativeSolution,
            ba?.location, ba?.cause, t.mergedInto, t.escalationLevel, t.link,
        ]
        let id: Int64
        if t.id == 0 {
            try db.execute(sql: """
                INSERT INTO ticket(kind, cause, state, priority, priority_reason, affected_sites, evidence, started_s, acknowledged_s,
                                   assigned_to, resolved_s, recovered_s, closed_s, reopened, flaps, ba_officers, ba_problem, ba_work,
                                   ba_alternative, ba_location, ba_cause, merged_into, escalation_level, link_id, number, root_key, opened_s)
                VALUES (\(Array(repeating: "?", count: 27).joined(separator: ", ")))
                """, arguments: StatementArguments(values + [t.number, t.rootKey, t.openedAt]))
            id = db.lastInsertedRowID
        } else {
            id = t.id
            try db.execute(sql: """
                UPDATE ticket SET kind = ?, cause = ?, state = ?, priority = ?, priority_reason = ?, affected_sites = ?, evidence = ?,
                  started_s = ?, acknowledged_s = ?, assigned_to = ?, resolved_s = ?, recovered_s = ?, closed_s = ?, reopened = ?, flaps = ?,
                  ba_officers = ?, ba_problem = ?, ba_work = ?, ba_alternative = ?, ba_location = ?, ba_cause = ?, merged_into = ?,
                  escalation_level = ?, link_id = ?, root_key = ? WHERE id = ?
                """, arguments: StatementArguments(values + [t.rootKey, id]))
        }
        switch w.episode {
        case .begin(let started, let cause)?:
            try db.execute(sql: "UPDATE ticket_episode SET recovered_s = started_s WHERE ticket_id = ? AND recovered_s IS NULL", arguments: [id])
            try db.execute(sql: "INSERT INTO ticket_episode (ticket_id, started_s, cause) VALUES (?, ?, ?)", arguments: [id, started, cause])
        case .end(let recovered)?:
            try db.execute(sql: "UPDATE ticket_episode SET recovered_s = ? WHERE ticket_id = ? AND recovered_s IS NULL", arguments: [recovered, id])
        case nil: break
        }
        for e in w.events { try event(db, id, e.at, e.kind, e.text) }
        if let r = w.addRequester { try addRequester(db, id, r) }
        let absorbed = try absorbReports(db, into: id, number: t.number, sites: w.absorbReportsOn, at: at)
        let u = try fetchTicket(db, "id = ?", [id])!
        if absorbed > 0 && w.announceAbsorbed { try enqueue(db, u, messages(u, .reported), at: at) }
        if let change = w.announce { try enqueue(db, u, messages(u, change), at: at) }
        return u
    }

    /// Tickets in these states (all when nil), oldest first; filtered by SQLite, not in memory.
    public func tickets(states: Set<Ticket.State>? = nil) async throws -> [Ticket] {
        try await read("listing tickets") { db in
            guard let states else { return try Row.fetchAll(db, sql: "SELECT * FROM ticket ORDER BY opened_s, id").map(Self.ticket) }
            let list = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")  // enum values, not user input
            return try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE state IN (\(list)) ORDER BY opened_s, id").map(Self.ticket)
        }
    }

    public func ticket(_ number: String) async throws -> Ticket? {
        try await read("reading \(number)") { db in try Self.find(db, number) }
    }

    /// The ticket a typed number names (`TicketRules.lookup`: a bare number under any prefix).
    static func find(_ db: Database, _ typed: String) throws -> Ticket? {
        let (number, bare) = TicketRules.lookup(typed)
        if let t = try fetchTicket(db, "number = ?", [number]) { return t }
        guard let bare else { return nil }
        return try fetchTicket(db, "substr(number, -?) = ? ORDER BY id", [bare.count, bare])
    }

    public func ticketEvents(_ id: Int64) async throws -> [TicketEvent] {
        try await read("reading the ledger of ticket \(id)") { db in try Self.events(db, id) }
    }

    static func events(_ db: Database, _ id: Int64) throws -> [TicketEvent] {
        try Row.fetchAll(db, sql: "SELECT at_s, kind, text FROM ticket_event WHERE ticket_id = ? ORDER BY id", arguments: [id])
            .map { TicketEvent(at: $0["at_s"], kind: $0["kind"], text: $0["text"]) }
    }

    // MARK: helpers

    static func join(_ a: [String]) -> String { a.joined(separator: ",") }

    static func event(_ db: Database, _ id: Int64, _ at: EpochSeconds, _ kind: String, _ text: String) throws {
        try db.execute(sql: "INSERT INTO ticket_event(ticket_id, at_s, kind, text) VALUES (?, ?, ?, ?)", arguments: [id, at, kind, text])
    }

    static func enqueue(_ db: Database, _ t: Ticket, _ drafts: [OutboxDraft], at: EpochSeconds) throws {
        for d in drafts {
            try db.execute(sql: """
                INSERT INTO outbox(dedupe_key, ticket_id, channel, subject, body, created_s, next_s, recipient)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING
                """, arguments: [d.dedupeKey, t.id, d.channel, d.subject, d.body, at, at, d.recipient])
        }
    }

    static func require(_ db: Database, _ number: String) throws -> Ticket {
        guard let t = try find(db, number) else { throw TicketRules.notFound(number) }
        return t
    }

    /// One ticket with its requesters.
    static func fetchTicket(_ db: Database, _ condition: String, _ args: StatementArguments) throws -> Ticket? {
        guard var t = try Row.fetchOne(db, sql: "SELECT * FROM ticket WHERE \(condition) LIMIT 1", arguments: args).map(ticket) else { return nil }
        t.requesters = try requesters(db, t.id)
        return t
    }

    static func ticket(_ r: Row) -> Ticket {
        let officers: String? = r["ba_officers"]
        let ba = officers.map { o in
            BeritaAcara(officers: o.split(separator: "\n").map(String.init), problemSummary: r["ba_problem"] ?? "",
                        workSummary: r["ba_work"] ?? "", alternativeSolution: r["ba_alternative"] ?? "", location: r["ba_location"] ?? "",
                        cause: r["ba_cause"])
        }
        let affected: String = r["affected_sites"], evidence: String = r["evidence"]
        return Ticket(id: r["id"], number: r["number"], rootKey: r["root_key"], kind: r["kind"],
                      cause: SuspectedCause(rawValue: r["cause"]) ?? .siteDown, state: Ticket.State(rawValue: r["state"]) ?? .open,
                      priority: Priority(rawValue: r["priority"]) ?? .p4, priorityReason: r["priority_reason"],
                      affectedSites: affected.isEmpty ? [] : affected.split(separator: ",").map(String.init),
                      evidence: evidence.split(separator: "\n").map(String.init), startedAt: r["started_s"], openedAt: r["opened_s"],
                      acknowledgedAt: r["acknowledged_s"], assignedTo: r["assigned_to"], resolvedAt: r["resolved_s"],
                      recoveredAt: r["recovered_s"], closedAt: r["closed_s"], reopened: r["reopened"], flaps: r["flaps"], beritaAcara: ba,
                      escalationLevel: r["escalation_level"], mergedInto: r["merged_into"], link: r["link_id"])
    }

    /// Every outage episode of a ticket (a reopen starts a new one), oldest first.
    public func ticketEpisodes(_ id: Int64) async throws -> [TicketEpisode] {
        try await read("reading the episodes of ticket \(id)") { db in
            try Row.fetchAll(db, sql: "SELECT started_s, recovered_s, cause FROM ticket_episode WHERE ticket_id = ? ORDER BY id",
                             arguments: [id]).map { TicketEpisode(startedAt: $0["started_s"], recoveredAt: $0["recovered_s"], cause: $0["cause"]) }
        }
    }
}

