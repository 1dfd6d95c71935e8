import Foundation
import GRDB
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
}

extension Store {
    static let ticketColumns = "*"

    /// Opens the ticket of a root cause, idempotently: a live ticket for the same root is
    /// returned unchanged; one resolved (not closed) within `reopenWithin` seconds is reopened;
    /// otherwise a new number is drawn for the local month `month` ("2026-03").
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           prefix: String = "GGN", messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] })
        async throws -> (Ticket, TicketChange) {
        try await write("opening the ticket of \(root.key)") { db in
            if let live = try Self.fetchTicket(db, "root_key = ? AND state IN ('open', 'acknowledged')", [root.key]) {
                return (live, .unchanged)
            }
            if let recent = try Self.fetchTicket(db, "root_key = ? AND state = 'resolved' AND resolved_s >= ? ORDER BY resolved_s DESC",
                                                 [root.key, at - reopenWithin]) {
                // A new episode: its own start, cause and priority (durations never include the time it was up).
                try db.execute(sql: """
                    UPDATE ticket SET state = 'open', reopened = reopened + 1, resolved_s = NULL, recovered_s = NULL,
                      affected_sites = ?, evidence = ?, cause = ?, started_s = ?, priority = ?, priority_reason = ? WHERE id = ?
                    """, arguments: [Self.join(root.affectedSites), root.evidence.joined(separator: "\n"), root.cause.rawValue,
                                     root.startedAt, decision.priority.rawValue, decision.reason, recent.id])
                try Self.beginEpisode(db, recent.id, root)
                try Self.event(db, recent.id, at, "reopened",
                               "same root failed again at \(root.startedAt) (\(root.cause.rawValue); \(decision.priority.rawValue): \(decision.reason)): \(root.evidence.first ?? "")")
                try Self.absorbReports(db, into: recent.id, number: recent.number, sites: root.affectedSites, at: at)
                let t = try Self.fetchTicket(db, "id = ?", [recent.id])!
                try Self.enqueue(db, t, messages(t, .reopened), at: at)
                return (t, .reopened)
            }
            let seq = (try Int.fetchOne(db, sql: "SELECT last FROM ticket_counter WHERE month = ?", arguments: [month]) ?? 0) + 1
            try db.execute(sql: "INSERT INTO ticket_counter(month, last) VALUES (?, ?) ON CONFLICT(month) DO UPDATE SET last = excluded.last",
                           arguments: [month, seq])
            let number = "\(prefix)-\(month)-\(String(repeating: "0", count: max(0, 4 - String(seq).count)))\(seq)"
            try db.execute(sql: """
                INSERT INTO ticket(number, root_key, kind, cause, state, priority, priority_reason, affected_sites, evidence,
                                   started_s, opened_s)
                VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)
                """, arguments: [number, root.key, root.isOutage ? "outage" : "notice", root.cause.rawValue,
                                 decision.priority.rawValue, decision.reason, Self.join(root.affectedSites),
                                 root.evidence.joined(separator: "\n"), root.startedAt, at])
            let id = db.lastInsertedRowID
            try Self.beginEpisode(db, id, root)
            try Self.event(db, id, at, "opened", "\(root.cause.rawValue) on \(root.key); \(decision.reason)")
            try Self.absorbReports(db, into: id, number: number, sites: root.affectedSites, at: at)
            let t = try Self.fetchTicket(db, "id = ?", [id])!
            try Self.enqueue(db, t, messages(t, .opened), at: at)
            return (t, .opened)
        }
    }

    /// New evidence or more sites cut off for a live ticket; priority only ever rises.
    public func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                             messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) async throws -> Ticket? {
        try await write("updating the ticket of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND state IN ('open', 'acknowledged')", [rootKey]) else { return nil }
            var priority = t.priority, reason = t.priorityReason
            if let d = decision, root.cause != t.cause, d.priority != t.priority {
                // A new cause is a new judgement: the priority follows it, up or down.
                priority = d.priority
                reason = d.reason
                try Self.event(db, t.id, at, "priority", "\(t.priority.rawValue) -> \(d.priority.rawValue) with the new cause: \(d.reason)")
            } else if let d = decision, d.priority < t.priority {
                priority = d.priority
                reason = d.reason
                try Self.event(db, t.id, at, "priority", "raised \(t.priority.rawValue) -> \(d.priority.rawValue): \(d.reason)")
            }
            let grew = Set(affectedEver).subtracting(t.affectedSites)
            if !grew.isEmpty { try Self.event(db, t.id, at, "affected", "also cut off: \(grew.sorted().joined(separator: ", "))") }
            if root.cause != t.cause { try Self.event(db, t.id, at, "cause", "\(t.cause.rawValue) -> \(root.cause.rawValue)") }
            try db.execute(sql: "UPDATE ticket SET affected_sites = ?, evidence = ?, cause = ?, kind = ?, priority = ?, priority_reason = ? WHERE id = ?",
                           arguments: [Self.join(affectedEver), root.evidence.joined(separator: "\n"), root.cause.rawValue,
                                       root.isOutage || t.kind == "outage" ? "outage" : "notice", priority.rawValue, reason, t.id])
            let absorbed = try Self.absorbReports(db, into: t.id, number: t.number, sites: affectedEver, at: at)
            let u = try Self.fetchTicket(db, "id = ?", [t.id])!
            if absorbed > 0 { try Self.enqueue(db, u, messages(u, .reported), at: at) }
            // People are told when the priority, the sites cut off or the suspected cause change.
            if priority != t.priority || !grew.isEmpty || root.cause != t.cause { try Self.enqueue(db, u, messages(u, .updated), at: at) }
            return u
        }
    }

    /// The element failed again during its recovery hold: same ticket, one more flap.
    public func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws {
        try await write("recording a relapse of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND state IN ('open', 'acknowledged')", [rootKey]) else { return }
            // Counted by the ticket, not by the process: a restart or a reopen does not start again at 1.
            let n = max(t.flaps + 1, flaps)
            try db.execute(sql: "UPDATE ticket SET flaps = ? WHERE id = ?", arguments: [n, t.id])
            try Self.event(db, t.id, at, "flap", "failed again before the recovery hold ended (flap \(n))")
        }
    }

    /// Automatic resolution on recovery. `detail` carries the durations (wall and working time).
    public func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                              messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }) async throws -> Ticket? {
        try await write("resolving the ticket of \(rootKey)") { db in
            guard let t = try Self.fetchTicket(db, "root_key = ? AND state IN ('open', 'acknowledged')", [rootKey]) else { return nil }
            try db.execute(sql: "UPDATE ticket SET state = 'resolved', resolved_s = ?, recovered_s = ? WHERE id = ?",
                           arguments: [at, recoveredAt, t.id])
            try db.execute(sql: "UPDATE ticket_episode SET recovered_s = ? WHERE ticket_id = ? AND recovered_s IS NULL",
                           arguments: [recoveredAt, t.id])
            try Self.event(db, t.id, at, "resolved", detail)
            let u = try Self.fetchTicket(db, "id = ?", [t.id])!
            try Self.enqueue(db, u, messages(u, .resolved), at: at)
            return u
        }
    }

    /// An officer takes the ticket.
    public func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket {
        try await write("acknowledging \(number)") { db in
            let t = try Self.require(db, number)
            guard t.state != .closed else {
                throw PantauError(.invalidInput, operation: "acknowledging", subject: number, message: "the ticket is closed")
            }
            // A ticket that recovered before anyone took it keeps its state; it only gets its officer.
            try db.execute(sql: """
                UPDATE ticket SET state = CASE state WHEN 'resolved' THEN 'resolved' ELSE 'acknowledged' END,
                  acknowledged_s = COALESCE(acknowledged_s, ?), assigned_to = ? WHERE id = ?
                """, arguments: [at, by, t.id])
            try Self.event(db, t.id, at, "acknowledged", "assigned to \(by)")
            return try Self.fetchTicket(db, "id = ?", [t.id])!
        }
    }

    /// An officer marks the ticket resolved (the automatic path does this on recovery).
    public func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket {
        try await write("resolving \(number)") { db in
            let t = try Self.require(db, number)
            guard t.state == .open || t.state == .acknowledged else {
                throw PantauError(.invalidInput, operation: "resolving", subject: number, message: "the ticket is \(t.state.rawValue)")
            }
            try db.execute(sql: "UPDATE ticket SET state = 'resolved', resolved_s = ? WHERE id = ?", arguments: [at, t.id])
            try Self.event(db, t.id, at, "resolved", "by \(by)\(note.isEmpty ? "" : ": \(note)")")
            return try Self.fetchTicket(db, "id = ?", [t.id])!
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
            guard t.state == .resolved else {
                throw PantauError(.invalidInput, operation: "closing", subject: number,
                                  message: "only a resolved ticket can be closed (it is \(t.state.rawValue))")
            }
            if t.kind == Ticket.installationKind { try Self.requireInstallationRecords(db, t) }
            try db.execute(sql: """
                UPDATE ticket SET state = 'closed', closed_s = ?, ba_officers = ?, ba_problem = ?, ba_work = ?,
                  ba_alternative = ?, ba_location = ?, ba_cause = ? WHERE id = ?
                """, arguments: [at, ba.officers.joined(separator: "\n"), ba.problemSummary, ba.workSummary,
                                 ba.alternativeSolution, ba.location, ba.cause, t.id])
            try Self.event(db, t.id, at, "closed", "Berita Acara: \(ba.officers.joined(separator: "; "))"
                           + (ba.cause.map { "; cause \($0)" } ?? ""))
            let u = try Self.fetchTicket(db, "id = ?", [t.id])!
            if let document {
                let events = try Self.events(db, t.id)
                try db.execute(sql: """
                    INSERT INTO ticket_document(ticket_id, number, month, closed_s, html) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(ticket_id) DO UPDATE SET month = excluded.month, closed_s = excluded.closed_s, html = excluded.html, pdf = NULL
                    """, arguments: [t.id, t.number, month ?? String(t.number.split(separator: "-").dropFirst().prefix(2).joined(separator: "-")),
                                     at, document(u, events)])
                try Self.event(db, t.id, at, "archived", "Berita Acara archived")
            }
            try Self.enqueue(db, u, messages(u, .closed), at: at)
            return try Self.fetchTicket(db, "id = ?", [t.id])!
        }
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
        let number = Ticket.normalizedNumber(number)
        return try await read("reading \(number)") { db in try Self.fetchTicket(db, "number = ?", [number]) }
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
        guard let t = try fetchTicket(db, "number = ?", [Ticket.normalizedNumber(number)]) else {
            throw PantauError(.notFound, operation: "finding the ticket", subject: number,
                              message: "no such ticket ('pantau tickets list' shows the numbers, e.g. GGN-2026-11-0001)")
        }
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

    static func beginEpisode(_ db: Database, _ ticket: Int64, _ root: RootCause) throws {
        try db.execute(sql: "UPDATE ticket_episode SET recovered_s = started_s WHERE ticket_id = ? AND recovered_s IS NULL", arguments: [ticket])
        try db.execute(sql: "INSERT INTO ticket_episode (ticket_id, started_s, cause) VALUES (?, ?, ?)",
                       arguments: [ticket, root.startedAt, root.cause.rawValue])
    }
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
