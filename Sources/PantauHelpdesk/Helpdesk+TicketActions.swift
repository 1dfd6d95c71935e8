import PantauBus
import PantauCore
import PantauStoreKit

/// Who acts on a ticket: the account written in the audit log (a dashboard user, `cli`, an
/// API token's user) and the name written in the ticket's ledger.
public struct TicketActor: Sendable, Hashable {
    public var account: String
    public var displayName: String

    public init(account: String, displayName: String) {
        self.account = account
        self.displayName = displayName
    }
}

/// The ticket use cases, one way for every face (web, API, command line): each does the store
/// write, writes the audit line, and publishes the change on the process's `TicketFeed` (live
/// pages, console). A face adds only how it asks and how it answers.
extension Helpdesk {
    /// An officer takes the ticket.
    public func acknowledge(_ number: String, by actor: TicketActor, at: EpochSeconds) async throws -> Ticket {
        let t = try await store.acknowledgeTicket(number, by: actor.displayName, at: at)
        return try await done(t, "acknowledged", audit: "ticket.ack", detail: "", actor: actor, at: at)
    }

    /// An officer marks a live ticket resolved.
    public func resolve(_ number: String, by actor: TicketActor, note: String, at: EpochSeconds) async throws -> Ticket {
        let t = try await store.resolveTicketManually(number, by: actor.displayName, note: note, at: at)
        return try await done(t, "resolved", audit: "ticket.resolve", detail: note, actor: actor, at: at)
    }

    /// The handover report (serah terima) of an installation.
    public func handover(_ number: String, _ h: Handover, by actor: TicketActor, at: EpochSeconds) async throws -> Ticket {
        let t = try await store.recordHandover(number, h, at: at)
        return try await done(t, "handover", audit: "ticket.handover", detail: h.receivedBy, actor: actor, at: at)
    }

    /// Closes a resolved ticket with its Berita Acara (archived, requesters told: `close`).
    public func close(_ number: String, beritaAcara: BeritaAcara, by actor: TicketActor, at: EpochSeconds) async throws -> Ticket {
        let t = try await close(number, beritaAcara: beritaAcara, at: at)
        return try await done(t, "closed", audit: "ticket.close", detail: beritaAcara.cause ?? "", actor: actor, at: at)
    }

    /// A disruption reported for a site (joins the live ticket covering it, or opens one).
    public func report(site: String, name: String, contact: Contact?, text: String, via: String, by actor: TicketActor,
                       at: EpochSeconds) async throws -> (ticket: Ticket, attached: Bool) {
        let r = try await report(site: site, name: name, contact: contact, text: text, via: via, reportedBy: actor.displayName, at: at)
        let t = try await done(r.ticket, r.attached ? "reported" : "opened", audit: "ticket.report", detail: "\(site)\(r.attached ? " (joined)" : "")",
                               actor: actor, at: at)
        return (t, r.attached)
    }

    /// An installation ticket for a new link.
    public func openInstallation(link: String, name: String, contact: Contact?, text: String, via: String, by actor: TicketActor,
                                 at: EpochSeconds) async throws -> Ticket {
        let t = try await openInstallation(link: link, name: name, contact: contact, text: text, via: via, reportedBy: actor.displayName, at: at)
        return try await done(t, "opened", audit: "ticket.install", detail: link, actor: actor, at: at)
    }

    /// Publishes a change on the feed (the correlator and the escalation call this too).
    public func announce(_ t: Ticket, _ change: String, actor: String?, at: EpochSeconds) {
        feed.publish(TicketNews(number: t.number, change: change, state: t.state.rawValue, priority: t.priority.rawValue,
                                cause: t.cause.rawValue, root: t.root, affected: t.affectedSites, actor: actor, at: at))
    }

    func done(_ t: Ticket, _ change: String, audit action: String, detail: String, actor: TicketActor, at: EpochSeconds) async throws -> Ticket {
        try await store.audit(actor: actor.account, action: action, object: t.number, detail: detail, at: at)
        announce(t, change, actor: actor.account, at: at)
        return t
    }
}
