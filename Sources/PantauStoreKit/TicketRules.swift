import PantauCore

/// A ticket change as the rules decided it, for a store to write in one transaction: the
/// ticket's row after the change, its ledger lines, its outage episode, the reports it folds in
/// and the messages it announces. Every store writes it the same way (`TicketRules` decides;
/// SQL only maps it to rows), so the lifecycle exists once.
public struct TicketWrite: Sendable, Hashable {
    /// What happens to the ticket's outage episodes.
    public enum Episode: Sendable, Hashable {
        /// A new episode starts (one still open ends at its own start: it never counts).
        case begin(startedAt: EpochSeconds, cause: String)
        /// The open episode ends at the recovery.
        case end(recoveredAt: EpochSeconds)
    }

    /// The ticket after the change (id 0 for a ticket still to be inserted).
    public var ticket: Ticket
    /// Ledger lines, in order.
    public var events: [TicketEvent]
    public var episode: Episode?
    /// Reported tickets on these sites fold into this one (the helpdesk's merge rule).
    public var absorbReportsOn: [String]
    /// The change messages announce; nil: nobody is told.
    public var announce: TicketChange?
    /// Announced (`.reported`) only when a report was folded in.
    public var announceAbsorbed: Bool
    /// What the caller is told happened.
    public var change: TicketChange
    /// A requester joins the ticket (before its messages are composed: they tell them too).
    public var addRequester: Requester?

    public init(ticket: Ticket, events: [TicketEvent], episode: Episode? = nil, absorbReportsOn: [String] = [], announce: TicketChange?,
                announceAbsorbed: Bool = false, change: TicketChange, addRequester: Requester? = nil) {
        self.addRequester = addRequester
        self.ticket = ticket
        self.events = events
        self.episode = episode
        self.absorbReportsOn = absorbReportsOn
        self.announce = announce
        self.announceAbsorbed = announceAbsorbed
        self.change = change
    }
}

/// The gangguan ticket lifecycle, as pure functions over the ticket as read: one live ticket
/// per root, reopen within the window as a new episode, a priority that only rises unless the
/// cause changes (a new cause is a new judgement), relapses counted by the ticket, manual
/// resolve of a live ticket, close of a resolved one with the Berita Acara.
public enum TicketRules {
    /// A ticket someone is still working on: at most one per root.
    public static let liveStates: Set<Ticket.State> = [.open, .acknowledged]

    /// Where an opening goes, given the root's live ticket and its most recently resolved one.
    public enum Opening: Sendable, Hashable {
        /// The root already has a live ticket: nothing changes.
        case unchanged(Ticket)
        /// Resolved (not closed) within the reopen window: the same ticket, a new episode.
        case reopen(Ticket)
        /// A new ticket, with a number drawn for the month.
        case create
        /// Live tickets the root explains (a silent site's, an OPD's report): the oldest takes
        /// the root (its number stays), the others are merged into it.
        case reroot(Ticket, merging: [Ticket])
    }

    /// `explained`: the live tickets of the roots the new root explains, and the live reports on
    /// the sites it cuts off (any order).
    public static func opening(live: Ticket?, recentlyResolved: Ticket?, explained: [Ticket] = [], at: EpochSeconds,
                               reopenWithin: Int64) -> Opening {
        if let live { return .unchanged(live) }
        let takeOver = explained.filter { liveStates.contains($0.state) }.sorted { ($0.openedAt, $0.id) < ($1.openedAt, $1.id) }
        if let first = takeOver.first { return .reroot(first, merging: Array(takeOver.dropFirst())) }
        if let r = recentlyResolved, r.state == .resolved, let resolved = r.resolvedAt, resolved >= at - reopenWithin { return .reopen(r) }
        return .create
    }

    /// The same root failed again within the window: a new episode with its own start, cause and priority.
    public static func reopen(_ t: Ticket, root: RootCause, decision: PriorityDecision, at: EpochSeconds) -> TicketWrite {
        var u = t
        u.state = .open
        u.reopened += 1
        u.resolvedAt = nil
        u.recoveredAt = nil
        u.affectedSites = root.affectedSites
        u.evidence = root.evidence
        u.cause = root.cause
        u.startedAt = root.startedAt
        u.priority = decision.priority
        u.priorityReason = decision.reason
        // A new episode takes the kind of its own evidence: a real cut reopening a notice is an
        // outage (every channel, the escalation and the report treat it as one), and a notice
        // reopening an old outage's ticket is a notice (it cuts nobody off now).
        if !t.isHelpdesk { u.kind = root.isOutage ? "outage" : "notice" }
        let text = "same root failed again at \(root.startedAt) (\(root.cause.rawValue); \(decision.priority.rawValue): \(decision.reason)): "
            + (root.evidence.first ?? "")
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "reopened", text: text)],
                           episode: .begin(startedAt: root.startedAt, cause: root.cause.rawValue), absorbReportsOn: root.affectedSites,
                           announce: .reopened, change: .reopened)
    }

    /// A new ticket for a root (its number drawn by the store for the month of opening).
    public static func create(root: RootCause, decision: PriorityDecision, at: EpochSeconds, number: String) -> TicketWrite {
        let t = Ticket(id: 0, number: number, rootKey: root.key, kind: root.isOutage ? "outage" : "notice", cause: root.cause, state: .open,
                       priority: decision.priority, priorityReason: decision.reason, affectedSites: root.affectedSites, evidence: root.evidence,
                       startedAt: root.startedAt, openedAt: at, acknowledgedAt: nil, assignedTo: nil, resolvedAt: nil, recoveredAt: nil,
                       closedAt: nil, reopened: 0, flaps: 0, beritaAcara: nil)
        return TicketWrite(ticket: t, events: [TicketEvent(at: at, kind: "opened", text: "\(root.cause.rawValue) on \(root.key); \(decision.reason)")],
                           episode: .begin(startedAt: root.startedAt, cause: root.cause.rawValue), absorbReportsOn: root.affectedSites,
                           announce: .opened, change: .opened)
    }

    /// Later evidence moved the root of a live ticket: the ticket takes the new root, cause,
    /// evidence and every site cut off, its priority is judged again for the new cause, and its
    /// ledger says why. Its number, officer and requesters stay; one update is announced.
    public static func reroot(_ t: Ticket, root: RootCause, affectedEver: [String], decision: PriorityDecision, at: EpochSeconds) -> TicketWrite {
        var u = t
        u.rootKey = root.key
        u.cause = root.cause
        u.evidence = root.evidence
        u.affectedSites = Array(Set(affectedEver).union(t.affectedSites)).sorted()
        u.startedAt = min(t.startedAt, root.startedAt)
        u.priority = decision.priority
        u.priorityReason = decision.reason
        if root.isOutage || t.kind == "outage" { u.kind = "outage" } else if t.kind == Ticket.reportedKind { u.kind = "notice" }
        let text = "root moved from \(t.rootKey) (\(t.cause.rawValue)) to \(root.key) (\(root.cause.rawValue)): "
            + (root.evidence.first ?? "") + "; \(t.priority.rawValue) -> \(decision.priority.rawValue): \(decision.reason)"
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "rerooted", text: text)], absorbReportsOn: u.affectedSites,
                           announce: .rerooted, change: .rerooted)
    }

    /// A live ticket whose root another root explains, when that root already has its ticket
    /// (both were written down): it closes as merged into that ticket, which gets a ledger line.
    public static func merge(explained t: Ticket, into target: Ticket, root: RootCause, at: EpochSeconds) -> (merged: TicketWrite, targetEvent: TicketEvent) {
        var u = t
        u.state = .closed
        u.closedAt = at
        u.mergedInto = target.number
        u.resolvedAt = t.resolvedAt ?? at
        let w = TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "merged",
                                                            text: "\(root.key) (\(root.cause.rawValue)) explains this outage; handled on \(target.number)")],
                            episode: .end(recoveredAt: at), announce: nil, change: .closed)
        return (w, TicketEvent(at: at, kind: "merged", text: "\(t.number) (\(t.rootKey), \(t.cause.rawValue)) merged: the same outage"))
    }

    /// The root keys of live tickets a new root may take over: the explained roots the
    /// correlator names, and reports on the sites an outage cuts off.
    public static func takeOverKeys(root: RootCause, explaining: [String]) -> [String] {
        var keys = explaining.filter { $0 != root.key }
        if root.isOutage { keys += reportKeys(root.affectedSites) }
        return keys
    }

    /// New evidence or more sites cut off for a live ticket. People are told when the priority,
    /// the sites cut off or the suspected cause change.
    public static func update(_ t: Ticket, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds) -> TicketWrite {
        var u = t, events: [TicketEvent] = []
        if let d = decision, root.cause != t.cause, d.priority != t.priority {
            u.priority = d.priority
            u.priorityReason = d.reason
            events.append(TicketEvent(at: at, kind: "priority", text: "\(t.priority.rawValue) -> \(d.priority.rawValue) with the new cause: \(d.reason)"))
        } else if let d = decision, d.priority < t.priority {
            u.priority = d.priority
            u.priorityReason = d.reason
            events.append(TicketEvent(at: at, kind: "priority", text: "raised \(t.priority.rawValue) -> \(d.priority.rawValue): \(d.reason)"))
        }
        let grew = Set(affectedEver).subtracting(t.affectedSites)
        if !grew.isEmpty { events.append(TicketEvent(at: at, kind: "affected", text: "also cut off: \(grew.sorted().joined(separator: ", "))")) }
        if root.cause != t.cause { events.append(TicketEvent(at: at, kind: "cause", text: "\(t.cause.rawValue) -> \(root.cause.rawValue)")) }
        u.affectedSites = affectedEver
        u.evidence = root.evidence
        u.cause = root.cause
        u.kind = root.isOutage || t.kind == "outage" ? "outage" : t.kind
        let told = u.priority != t.priority || !grew.isEmpty || root.cause != t.cause
        return TicketWrite(ticket: u, events: events, absorbReportsOn: affectedEver, announce: told ? .updated : nil, announceAbsorbed: true,
                           change: .updated)
    }

    /// The element failed again during its recovery hold: same ticket, one more flap, counted by
    /// the ticket (a restart or a reopen does not start again at 1).
    public static func relapse(_ t: Ticket, flaps: Int, at: EpochSeconds) -> TicketWrite {
        var u = t
        u.flaps = max(t.flaps + 1, flaps)
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "flap", text: "failed again before the recovery hold ended (flap \(u.flaps))")],
                           announce: nil, change: .relapsed)
    }

    /// Automatic resolution on recovery; `detail` carries the durations.
    public static func resolve(_ t: Ticket, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String) -> TicketWrite {
        var u = t
        u.state = .resolved
        u.resolvedAt = at
        u.recoveredAt = recoveredAt
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "resolved", text: detail)], episode: .end(recoveredAt: recoveredAt),
                           announce: .resolved, change: .resolved)
    }

    /// An officer takes the ticket. One that recovered before anyone took it stays resolved and
    /// only gets its officer.
    public static func acknowledge(_ t: Ticket, by: String, at: EpochSeconds) throws -> TicketWrite {
        guard t.state != .closed else { throw PantauError(.invalidInput, operation: "acknowledging", subject: t.number, message: "the ticket is closed") }
        var u = t
        if u.state != .resolved { u.state = .acknowledged }
        u.acknowledgedAt = t.acknowledgedAt ?? at
        u.assignedTo = by
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "acknowledged", text: "assigned to \(by)")], announce: nil, change: .acknowledged)
    }

    /// An officer marks a live ticket resolved.
    public static func resolveManually(_ t: Ticket, by: String, note: String, at: EpochSeconds) throws -> TicketWrite {
        guard liveStates.contains(t.state) else {
            throw PantauError(.invalidInput, operation: "resolving", subject: t.number, message: "the ticket is \(t.state.rawValue)")
        }
        var u = t
        u.state = .resolved
        u.resolvedAt = at
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "resolved", text: "by \(by)\(note.isEmpty ? "" : ": \(note)")")],
                           announce: nil, change: .resolved)
    }

    /// Closes a resolved ticket with the Berita Acara fields (an installation's records are the
    /// store's to check: `installationMissing`).
    public static func close(_ t: Ticket, beritaAcara ba: BeritaAcara, at: EpochSeconds) throws -> TicketWrite {
        guard t.state == .resolved else {
            throw PantauError(.invalidInput, operation: "closing", subject: t.number,
                              message: "only a resolved ticket can be closed (it is \(t.state.rawValue))")
        }
        var u = t
        u.state = .closed
        u.closedAt = at
        u.beritaAcara = ba
        let text = "Berita Acara: \(ba.officers.joined(separator: "; "))" + (ba.cause.map { "; cause \($0)" } ?? "")
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "closed", text: text)], announce: .closed, change: .closed)
    }

    /// The ledger line of an archived Berita Acara.
    public static func archived(at: EpochSeconds) -> TicketEvent { TicketEvent(at: at, kind: "archived", text: "Berita Acara archived") }

    /// An installation closes with a passed acceptance test and a handover report: the error
    /// naming what is missing (nil: both are there).
    public static func installationMissing(_ t: Ticket, passedAcceptance: Bool, hasHandover: Bool) -> PantauError? {
        var missing: [String] = []
        if !passedAcceptance { missing.append("a passed bandwidth acceptance test ('pantau bandwidth acceptance \(t.link ?? "LINK") --ticket \(t.number)')") }
        if !hasHandover { missing.append("the handover report ('pantau tickets handover \(t.number)')") }
        guard !missing.isEmpty else { return nil }
        return PantauError(.invalidInput, operation: "closing", subject: t.number, message: "an installation ticket closes only with " + missing.joined(separator: " and "))
    }

    /// The error for a number no ticket has.
    public static func notFound(_ number: String) -> PantauError {
        PantauError(.notFound, operation: "finding the ticket", subject: number,
                    message: "no such ticket ('pantau tickets list' shows the numbers, e.g. GGN-2026-11-0001)")
    }

    // MARK: merging reports

    /// A reported ticket folded into the engine's ticket `number` for the same outage: the
    /// report closes as merged (its requesters move over), and the engine's ticket gets a line
    /// naming them.
    public static func merge(report r: Ticket, requesters: [Requester], into number: String, at: EpochSeconds)
        -> (report: TicketWrite, targetEvent: TicketEvent) {
        var u = r
        u.state = .closed
        u.closedAt = at
        u.mergedInto = number
        u.resolvedAt = r.resolvedAt ?? at
        let w = TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "merged", text: "the engine's ticket \(number) covers this disruption; handled there")],
                            episode: .end(recoveredAt: at), announce: nil, change: .closed)
        let line = "report \(r.number) merged: " + requesters.map { "\($0.name) (\($0.site)): \($0.text)" }.joined(separator: "; ")
        return (w, TicketEvent(at: at, kind: "reported", text: line))
    }

    /// The root keys of reported tickets on `sites` (what an outage cutting them off absorbs).
    public static func reportKeys(_ sites: [String]) -> [String] { sites.map { "report:\($0)" } }
}

extension TicketRules {
    /// What a store looks a typed number up by: the number as normalized with the default
    /// prefix, and for a bare number ("2026-11-0001") the suffix that any office's prefix may
    /// stand before (an office with `number_prefix: TKT` finds `TKT-2026-11-0001` by it).
    public static func lookup(_ typed: String) -> (number: String, bareSuffix: String?) {
        let t = typed.trimmingCharacters(in: .whitespaces).uppercased()
        return (Ticket.normalizedNumber(t), Ticket.isBare(t) ? "-" + t : nil)
    }
}
