import Foundation
import PantauCore
import PantauStoreKit
import PostgresNIO

/// The helpdesk on PostgreSQL, writing what `HelpdeskRules` decides: a report joins the live ticket
/// covering the site or opens a `reported` one; installation tickets close only with a passed
/// acceptance test and a handover report; each escalation level recorded once; the archive of
/// closed Berita Acara.
extension PostgresStore: HelpdeskStore {
    public func reportDisruption(_ req: Requester, evidence: [String], decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws
        -> (ticket: Ticket, attached: Bool) {
        try await transaction("recording the report of \(req.site)") { c in
            let covering = try await Self.ids(c, logger, """
                SELECT id FROM ticket WHERE state IN ('open', 'acknowledged') AND kind <> 'installation'
                  AND (root_key IN (\("site:\(req.site)"), \("report:\(req.site)"), \("site:\(req.site):degraded")) OR (',' || affected_sites || ',') LIKE \("%,\(req.site),%"))
                ORDER BY CASE WHEN kind = 'outage' THEN 0 WHEN kind = 'reported' THEN 1 ELSE 2 END, opened_s LIMIT 1 FOR UPDATE
                """).first
            if let id = covering {
                let w = HelpdeskRules.attach(try await Self.ticket(id: id, on: c, logger: logger), req, at: at)
                return (try await Self.apply(w, at: at, messages: messages, on: c, logger: logger), true)
            }
            let number = try await Self.nextNumber(month: month, prefix: prefix, on: c, logger: logger)
            let w = HelpdeskRules.openReport(req, evidence: evidence, decision: decision, at: at, number: number)
            return (try await Self.apply(w, at: at, messages: messages, on: c, logger: logger), false)
        }
    }

    public func openInstallation(site: String, link: String, requester req: Requester, decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await transaction("opening the installation of \(link)") { c in
            try HelpdeskRules.checkInstallation(live: try await Self.liveTicket(HelpdeskRules.installationKey(link), on: c, logger: logger), link: link)
            let number = try await Self.nextNumber(month: month, prefix: prefix, on: c, logger: logger)
            let w = HelpdeskRules.openInstallation(site: site, link: link, req, decision: decision, at: at, number: number)
            return try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
        }
    }

    public func escalateTicket(_ number: String, to level: Int, text: String, at: EpochSeconds,
                               messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Bool {
        try await transaction("escalating \(number)") { c in
            guard let w = HelpdeskRules.escalate(try await Self.require(number, on: c, logger: logger), to: level, text: text, at: at) else { return false }
            _ = try await Self.apply(w, at: at, messages: messages, on: c, logger: logger)
            return true
        }
    }

    public func recordHandover(_ number: String, _ h: Handover, at: EpochSeconds) async throws -> Ticket {
        try await transaction("recording the handover of \(number)") { c in
            let t = try await Self.require(number, on: c, logger: logger)
            let line = try HelpdeskRules.handover(t, h, at: at)
            try await c.query("""
                INSERT INTO ticket_handover (ticket_id, received_by, handed_by, equipment, note, at_s)
                VALUES (\(t.id), \(h.receivedBy), \(h.handedBy), \(h.equipment.joined(separator: "\n")), \(h.note), \(h.at))
                ON CONFLICT (ticket_id) DO UPDATE SET received_by = excluded.received_by, handed_by = excluded.handed_by,
                  equipment = excluded.equipment, note = excluded.note, at_s = excluded.at_s
                """, logger: logger)
            try await Self.event(t.id, line.at, line.kind, line.text, on: c, logger: logger)
            return try await Self.ticket(id: t.id, on: c, logger: logger)
        }
    }

    public func recordAcceptance(_ r: AcceptanceRecord) async throws -> Int64 {
        try await transaction("recording the acceptance test of \(r.link)") { c in
            var t: Ticket?
            if let tid = r.ticketID { t = try? await Self.ticket(id: tid, on: c, logger: logger) }
            let line = try HelpdeskRules.acceptance(r, ticket: t)
            let id = try await Self.ids(c, logger, """
                INSERT INTO bandwidth_acceptance (link, ticket_id, at_s, officer, passed, upload_mbps, download_mbps, contract_mbps, verdict, html)
                VALUES (\(r.link), \(r.ticketID), \(r.at), \(r.officer), \(r.passed), \(r.uploadMbps), \(r.downloadMbps), \(r.contractMbps), \(r.verdict), \(r.html))
                RETURNING id
                """).first!
            if let line, let tid = r.ticketID { try await Self.event(tid, line.at, line.kind, line.text, on: c, logger: logger) }
            return id
        }
    }

    public func acceptances(ticket: Int64) async throws -> [AcceptanceRecord] {
        let rows = try await run("reading the acceptance tests of ticket \(ticket)", """
            SELECT id, link, ticket_id, at_s, officer, passed, upload_mbps, download_mbps, contract_mbps, verdict, html FROM bandwidth_acceptance
            WHERE ticket_id = \(ticket) ORDER BY id
            """)
        var out: [AcceptanceRecord] = []
        for try await (id, link, tid, at, officer, passed, up, down, contract, verdict, html)
            in rows.decode((Int64, String, Int64?, Int64, String, Bool, Double?, Double?, Double?, String, String).self) {
            var a = AcceptanceRecord(link: link, ticketID: tid, at: at, officer: officer, passed: passed, uploadMbps: up, downloadMbps: down,
                                     contractMbps: contract, verdict: verdict, html: html)
            a.id = id
            out.append(a)
        }
        return out
    }

    public func handover(ticket: Int64) async throws -> Handover? {
        try await transaction("reading the handover of ticket \(ticket)") { c in try await Self.handover(ticket, on: c, logger: logger) }
    }

    public func archive(month: String) async throws -> [ArchiveEntry] {
        let rows = try await run("listing the archive of \(month)", """
            SELECT d.number, d.month, d.closed_s, t.kind, t.root_key, t.affected_sites, d.pdf IS NOT NULL FROM ticket_document d
            JOIN ticket t ON t.id = d.ticket_id WHERE d.month = \(month) ORDER BY d.number
            """)
        var out: [ArchiveEntry] = []
        for try await x in rows.decode((String, String, Int64, String, String, String, Bool).self) { out.append(Self.archiveEntry(x)) }
        return out
    }

    public func archivedDocument(_ number: String) async throws -> (entry: ArchiveEntry, html: String, pdf: Data?)? {
        let rows = try await run("reading the archived Berita Acara of \(number)", """
            SELECT d.number, d.month, d.closed_s, t.kind, t.root_key, t.affected_sites, d.pdf IS NOT NULL, d.html, d.pdf FROM ticket_document d
            JOIN ticket t ON t.id = d.ticket_id WHERE d.number = \(TicketRules.lookup(number).number)
            """)
        var out: (entry: ArchiveEntry, html: String, pdf: Data?)?
        for try await (n, m, closed, kind, key, sites, has, html, pdf) in rows.decode((String, String, Int64, String, String, String, Bool, String, ByteBuffer?).self) {
            out = (Self.archiveEntry((n, m, closed, kind, key, sites, has)), html, pdf.map { Data($0.readableBytesView) })
        }
        return out
    }

    public func storeArchivePDF(_ number: String, _ pdf: Data) async throws {
        _ = try await run("archiving the PDF of \(number)",
                          "UPDATE ticket_document SET pdf = \(ByteBuffer(bytes: pdf)) WHERE number = \(TicketRules.lookup(number).number)")
    }

    public func archiveMonths() async throws -> [String] {
        var out: [String] = []
        for try await m in try await run("listing the archive", "SELECT DISTINCT month FROM ticket_document ORDER BY month DESC").decode(String.self) {
            out.append(m)
        }
        return out
    }

    // MARK: helpers

    static func archiveEntry(_ r: (String, String, Int64, String, String, String, Bool)) -> ArchiveEntry {
        let (number, month, closed, kind, key, sites, hasPDF) = r
        return ArchiveEntry(number: number, month: month, closedAt: closed, kind: kind,
                            root: key.firstIndex(of: ":").map { String(key[key.index(after: $0)...]).replacingOccurrences(of: ":degraded", with: "") } ?? key,
                            hasPDF: hasPDF, sites: sites.isEmpty ? [] : sites.split(separator: ",").map(String.init))
    }

    static func handover(_ ticket: Int64, on c: PostgresConnection, logger: Logger) async throws -> Handover? {
        var out: Handover?
        let rows = try await c.query("SELECT received_by, handed_by, equipment, note, at_s FROM ticket_handover WHERE ticket_id = \(ticket)", logger: logger)
        for try await (r, h, eq, note, at) in rows.decode((String, String, String, String, Int64).self) {
            out = Handover(receivedBy: r, handedBy: h, equipment: eq.split(separator: "\n").map(String.init), note: note, at: at)
        }
        return out
    }

    static func addRequester(_ ticket: Int64, _ r: Requester, on c: PostgresConnection, logger: Logger) async throws {
        try await c.query("""
            INSERT INTO ticket_requester (ticket_id, site, name, contact, via, text, reported_by, at_s)
            VALUES (\(ticket), \(r.site), \(r.name), \(r.contact?.description), \(r.via), \(r.text), \(r.reportedBy), \(r.at))
            """, logger: logger)
    }

    /// An installation closes with a passed acceptance test and a handover report.
    static func requireInstallationRecords(_ t: Ticket, on c: PostgresConnection, logger: Logger) async throws {
        let passed = try await ids(c, logger, "SELECT COUNT(*)::bigint FROM bandwidth_acceptance WHERE ticket_id = \(t.id) AND passed").first ?? 0
        let hasHandover = try await handover(t.id, on: c, logger: logger) != nil
        if let e = TicketRules.installationMissing(t, passedAcceptance: passed > 0, hasHandover: hasHandover) { throw e }
    }
}

extension PostgresStore {
    public func requesterContacts(since: EpochSeconds) async throws -> [(site: String, contact: String)] {
        let rows = try await run("reading the requesters' contacts",
                                 "SELECT site, contact FROM ticket_requester WHERE contact IS NOT NULL AND at_s >= \(since) ORDER BY id")
        var out: [(site: String, contact: String)] = []
        for try await (site, contact) in rows.decode((String, String).self) { out.append((site, contact)) }
        return out
    }
}
