import Foundation
import PantauCore

/// The helpdesk's side of the ticket store: reports by OPDs, escalation, installation
/// tickets (acceptance test, handover) and the archive of closed Berita Acara.
public protocol HelpdeskStore: Sendable {
    /// Attaches a report to the live ticket that already covers `site` (the engine's outage or
    /// an earlier report), or opens a `reported` ticket with `evidence` and `decision`.
    func reportDisruption(_ requester: Requester, evidence: [String], decision: PriorityDecision, month: String, prefix: String,
                          at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws
        -> (ticket: Ticket, attached: Bool)
    /// The contacts (`kind:address`) reports gave since `since`, one per report, with the site
    /// each came from (the daily limits on messages to requesters).
    func requesterContacts(since: EpochSeconds) async throws -> [(site: String, contact: String)]
    /// Opens an installation ticket for a new link to a site (the installation SOP).
    func openInstallation(site: String, link: String, requester: Requester, decision: PriorityDecision, month: String, prefix: String,
                          at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket
    /// Records that a live ticket reached `level`, once: false when it already had.
    func escalateTicket(_ number: String, to level: Int, text: String, at: EpochSeconds,
                        messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Bool
    func recordHandover(_ number: String, _ handover: Handover, at: EpochSeconds) async throws -> Ticket
    func recordAcceptance(_ record: AcceptanceRecord) async throws -> Int64
    func acceptances(ticket: Int64) async throws -> [AcceptanceRecord]
    func handover(ticket: Int64) async throws -> Handover?
    /// Closed tickets' Berita Acara archived in a local month ("2026-11"), by number.
    func archive(month: String) async throws -> [ArchiveEntry]
    /// The archived document of one ticket (HTML, and the PDF once made).
    func archivedDocument(_ number: String) async throws -> (entry: ArchiveEntry, html: String, pdf: Data?)?
    func storeArchivePDF(_ number: String, _ pdf: Data) async throws
    /// Months that have archived documents, newest first.
    func archiveMonths() async throws -> [String]
}

/// The handover report (serah terima) of an installation.
public struct Handover: Sendable, Hashable {
    /// Who received the installation at the OPD ("Name (NIP …)").
    public var receivedBy: String
    /// The officer who handed it over.
    public var handedBy: String
    /// Equipment installed, one item per line.
    public var equipment: [String]
    public var note: String
    public var at: EpochSeconds

    public init(receivedBy: String, handedBy: String, equipment: [String], note: String, at: EpochSeconds) {
        self.receivedBy = receivedBy
        self.handedBy = handedBy
        self.equipment = equipment
        self.note = note
        self.at = at
    }
}

/// One acceptance test of a link (`pantau bandwidth acceptance`), as recorded.
public struct AcceptanceRecord: Sendable, Hashable {
    public var id: Int64 = 0
    public var link: String
    public var ticketID: Int64?
    public var at: EpochSeconds
    public var officer: String
    public var passed: Bool
    public var uploadMbps: Double?
    public var downloadMbps: Double?
    public var contractMbps: Double?
    public var verdict: String
    /// The printable acceptance record.
    public var html: String

    public init(link: String, ticketID: Int64?, at: EpochSeconds, officer: String, passed: Bool, uploadMbps: Double?, downloadMbps: Double?,
                contractMbps: Double?, verdict: String, html: String) {
        self.link = link
        self.ticketID = ticketID
        self.at = at
        self.officer = officer
        self.passed = passed
        self.uploadMbps = uploadMbps
        self.downloadMbps = downloadMbps
        self.contractMbps = contractMbps
        self.verdict = verdict
        self.html = html
    }
}

/// One archived Berita Acara.
public struct ArchiveEntry: Sendable, Hashable {
    public var number: String
    public var month: String
    public var closedAt: EpochSeconds
    public var kind: String
    public var root: String
    public var hasPDF: Bool
    /// The sites the ticket touched (who may read the document).
    public var sites: [String]

    public init(number: String, month: String, closedAt: EpochSeconds, kind: String, root: String, hasPDF: Bool, sites: [String]) {
        self.number = number
        self.month = month
        self.closedAt = closedAt
        self.kind = kind
        self.root = root
        self.hasPDF = hasPDF
        self.sites = sites
    }
}
