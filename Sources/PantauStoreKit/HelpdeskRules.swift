import PantauCore

/// The helpdesk's rules, as pure functions over tickets as read: a report joins the live ticket
/// covering its site or opens a `reported` ticket; one installation ticket per link; each
/// escalation level once, in order, while the ticket is live; a handover only for a live
/// installation; an acceptance test only against an open installation ticket of its link.
public enum HelpdeskRules {
    /// A report attached to the live ticket that covers its site: one ticket, one more requester.
    public static func attach(_ live: Ticket, _ req: Requester, at: EpochSeconds) -> TicketWrite {
        TicketWrite(ticket: live, events: [TicketEvent(at: at, kind: "reported",
                                                      text: "\(req.name) (\(req.site), via \(req.via), written by \(req.reportedBy)): \(req.text)")],
                    announce: .reported, change: .reported, addRequester: req)
    }

    /// A `reported` ticket for a site no live ticket covers (root `report:SITE`).
    public static func openReport(_ req: Requester, evidence: [String], decision: PriorityDecision, at: EpochSeconds, number: String) -> TicketWrite {
        var t = newTicket(number: number, rootKey: "report:\(req.site)", kind: Ticket.reportedKind, decision: decision, affected: [req.site],
                          evidence: evidence, startedAt: req.at, at: at)
        t.cause = .reported  // what the OPD says, not what the monitoring saw
        let text = "reported by \(req.name) (\(req.site), via \(req.via), written by \(req.reportedBy)): \(req.text); \(decision.reason)"
        return TicketWrite(ticket: t, events: [TicketEvent(at: at, kind: "opened", text: text)],
                           episode: .begin(startedAt: req.at, cause: SuspectedCause.reported.rawValue), announce: .opened, change: .opened, addRequester: req)
    }

    /// The root key of a link's installation ticket.
    public static func installationKey(_ link: String) -> String { "install:\(link)" }

    /// One installation ticket per link: refused while one is live for it.
    public static func checkInstallation(live: Ticket?, link: String) throws {
        if let live {
            throw PantauError(.invalidInput, operation: "opening an installation ticket", subject: link, message: "\(live.number) is already open for this installation")
        }
    }

    /// An installation ticket for a new link (after `checkInstallation`).
    public static func openInstallation(site: String, link: String, _ req: Requester, decision: PriorityDecision, at: EpochSeconds,
                                        number: String) -> TicketWrite {
        var t = newTicket(number: number, rootKey: installationKey(link), kind: Ticket.installationKind, decision: decision, affected: [site],
                          evidence: ["installation of \(link) to \(site): \(req.text)"], startedAt: at, at: at)
        t.link = link
        let text = "installation of \(link) to \(site) requested by \(req.name) (written by \(req.reportedBy)): \(req.text)"
        return TicketWrite(ticket: t, events: [TicketEvent(at: at, kind: "opened", text: text)],
                           episode: .begin(startedAt: at, cause: SuspectedCause.siteDown.rawValue), announce: .opened, change: .opened, addRequester: req)
    }

    /// The ticket moves up to `level`: nil when it is no longer live or already there (each level is told once).
    public static func escalate(_ t: Ticket, to level: Int, text: String, at: EpochSeconds) -> TicketWrite? {
        guard TicketRules.liveStates.contains(t.state), t.escalationLevel < level else { return nil }
        var u = t
        u.escalationLevel = level
        return TicketWrite(ticket: u, events: [TicketEvent(at: at, kind: "escalated", text: text)], announce: .escalated, change: .escalated)
    }

    /// The ledger line of a handover report; refused for a ticket that is not a live installation.
    public static func handover(_ t: Ticket, _ h: Handover, at: EpochSeconds) throws -> TicketEvent {
        guard t.kind == Ticket.installationKind else {
            throw PantauError(.invalidInput, operation: "recording a handover", subject: t.number, message: "only an installation ticket has a handover report")
        }
        guard t.state != .closed else { throw PantauError(.invalidInput, operation: "recording a handover", subject: t.number, message: "the ticket is closed") }
        return TicketEvent(at: at, kind: "handover", text: "handed over by \(h.handedBy), received by \(h.receivedBy)")
    }

    /// An acceptance test recorded against a ticket must name an open installation ticket of its
    /// link: the ledger line it adds there.
    public static func acceptance(_ r: AcceptanceRecord, ticket: Ticket?) throws -> TicketEvent? {
        guard r.ticketID != nil else { return nil }
        guard let t = ticket, t.kind == Ticket.installationKind, t.link == r.link, t.state != .closed else {
            throw PantauError(.invalidInput, operation: "recording an acceptance test", subject: r.link,
                              message: "the ticket is not an open installation ticket of this link")
        }
        return TicketEvent(at: r.at, kind: "acceptance",
                           text: "bandwidth acceptance test by \(r.officer): \(r.passed ? "passed" : "not passed") (\(r.verdict))")
    }

    static func newTicket(number: String, rootKey: String, kind: String, decision: PriorityDecision, affected: [String], evidence: [String],
                          startedAt: EpochSeconds, at: EpochSeconds) -> Ticket {
        Ticket(id: 0, number: number, rootKey: rootKey, kind: kind, cause: .siteDown, state: .open, priority: decision.priority,
               priorityReason: decision.reason, affectedSites: affected, evidence: evidence, startedAt: startedAt, openedAt: at,
               acknowledgedAt: nil, assignedTo: nil, resolvedAt: nil, recoveredAt: nil, closedAt: nil, reopened: 0, flaps: 0, beritaAcara: nil)
    }
}

extension HelpdeskRules {
    /// Why a report may not give `contact` now (nil: it may), from the contacts reports gave in
    /// the last 24 hours: each contact is told about at most `perContact` reports a day, and the
    /// reports of one OPD give at most `perSite` different contacts a day (the office's WhatsApp
    /// or e-mail gateway is not a way to message any number, unbounded).
    public static func contactRefusal(_ contact: String, site: String, recent: [(site: String, contact: String)],
                                      perSite: Int, perContact: Int) -> String? {
        let sameContact = recent.filter { $0.contact == contact }.count
        if sameContact >= perContact {
            return "\(contact) was given on \(sameContact) reports in the last 24 hours (at most \(perContact)); send the report without a contact: the OPD's registered contacts are told"
        }
        let siteContacts = Set(recent.filter { $0.site == site }.map(\.contact))
        if !siteContacts.contains(contact), siteContacts.count >= perSite {
            return "reports from \(site) gave \(siteContacts.count) different contacts in the last 24 hours (at most \(perSite)); send the report without a contact: the OPD's registered contacts are told"
        }
        return nil
    }
}

/// A report gave a contact past the daily limits (`HelpdeskRules.contactRefusal`): nothing was recorded.
public struct RequesterLimitError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
