import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store: HelpdeskStore {
    public func reportDisruption(_ req: Requester, evidence: [String], decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws
        -> (ticket: Ticket, attached: Bool) {
        try await write("recording the report of \(req.site)") { db in
            if let live = try Self.liveTicket(db, covering: req.site) {
                return (try Self.apply(db, HelpdeskRules.attach(live, req, at: at), at: at, messages: messages), true)
            }
            let w = HelpdeskRules.openReport(req, evidence: evidence, decision: decision, at: at, number: try Self.nextNumber(db, month: month, prefix: prefix))
            return (try Self.apply(db, w, at: at, messages: messages), false)
        }
    }

    public func openInstallation(site: String, link: String, requester req: Requester, decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await write("opening the installation of \(link)") { db in
            let live = try Self.fetchTicket(db, "root_key = ? AND \(Self.live)", [HelpdeskRules.installationKey(link)])
            try HelpdeskRules.checkInstallation(live: live, link: link)
            let w = HelpdeskRules.openInstallation(site: site, link: link, req, decision: decision, at: at,
                                                       number: try Self.nextNumber(db, month: month, prefix: prefix))
            return try Self.apply(db, w, at: at, messages: messages)
        }
    }

    public func escalateTicket(_ number: String, to level: Int, text: String, at: EpochSeconds,
                               messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Bool {
        try await write("escalating \(number)") { db in
            guard let w = HelpdeskRules.escalate(try Self.require(db, number), to: level, text: text, at: at) else { return false }
            _ = try Self.apply(db, w, at: at, messages: messages)
            return true
        }
    }

    public func recordHandover(_ number: String, _ h: Handover, at: EpochSeconds) async throws -> Ticket {
        try await write("recording the handover of \(number)") { db in
            let t = try Self.require(db, number)
            let line = try HelpdeskRules.handover(t, h, at: at)
            try db.execute(sql: """
                INSERT INTO ticket_handover(ticket_id, received_by, handed_by, equipment, note, at_s) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(ticket_id) DO UPDATE SET received_by = excluded.received_by, handed_by = excluded.handed_by,
                  equipment = excluded.equipment, note = excluded.note, at_s = excluded.at_s
                """, arguments: [t.id, h.receivedBy, h.handedBy, h.equipment.joined(separator: "\n"), h.note, h.at])
            try Self.event(db, t.id, line.at, line.kind, line.text)
            return try Self.fetchTicket(db, "id = ?", [t.id])!
        }
    }

    public func recordAcceptance(_ r: AcceptanceRecord) async throws -> Int64 {
        try await write("recording the acceptance test of \(r.link)") { db in
            let line = try HelpdeskRules.acceptance(r, ticket: try r.ticketID.flatMap { try Self.fetchTicket(db, "id = ?", [$0]) })
            try db.execute(sql: """
                INSERT INTO bandwidth_acceptance(link, ticket_id, at_s, officer, passed, upload_mbps, download_mbps, contract_mbps, verdict, html)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.link, r.ticketID, r.at, r.officer, r.passed, r.uploadMbps, r.downloadMbps, r.contractMbps, r.verdict, r.html])
            let id = db.lastInsertedRowID
            if let line, let tid = r.ticketID { try Self.event(db, tid, line.at, line.kind, line.text) }
            return id
        }
    }

    public func acceptances(ticket: Int64) async throws -> [AcceptanceRecord] {
        try await read("reading the acceptance tests of ticket \(ticket)") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bandwidth_acceptance WHERE ticket_id = ? ORDER BY id", arguments: [ticket]).map { r in
                var a = AcceptanceRecord(link: r["link"], ticketID: r["ticket_id"], at: r["at_s"], officer: r["officer"], passed: r["passed"],
                                         uploadMbps: r["upload_mbps"], downloadMbps: r["download_mbps"], contractMbps: r["contract_mbps"],
                                         verdict: r["verdict"], html: r["html"])
                a.id = r["id"]
                return a
            }
        }
    }

    public func handover(ticket: Int64) async throws -> Handover? {
        try await read("reading the handover of ticket \(ticket)") { db in try Self.handover(db, ticket) }
    }

    public func archive(month: String) async throws -> [ArchiveEntry] {
        try await read("listing the archive of \(month)") { db in
            try Row.fetchAll(db, sql: """
                SELECT d.number, d.month, d.closed_s, t.kind, t.root_key, t.affected_sites, d.pdf IS NOT NULL AS has_pdf FROM ticket_document d
                JOIN ticket t ON t.id = d.ticket_id WHERE d.month = ? ORDER BY d.number
                """, arguments: [month]).map(Self.archiveEntry)
        }
    }

    public func archivedDocument(_ number: String) async throws -> (entry: ArchiveEntry, html: String, pdf: Data?)? {
        let number = TicketRules.lookup(number).number
        return try await read("reading the archived Berita Acara of \(number)") { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT d.number, d.month, d.closed_s, t.kind, t.root_key, t.affected_sites, d.pdf IS NOT NULL AS has_pdf, d.html, d.pdf FROM ticket_document d
                JOIN ticket t ON t.id = d.ticket_id WHERE d.number = ?
                """, arguments: [number]) else { return nil }
            return (Self.archiveEntry(r), r["html"], r["pdf"])
        }
    }

    public func storeArchivePDF(_ number: String, _ pdf: Data) async throws {
        try await write("archiving the PDF of \(number)") { db in
            try db.execute(sql: "UPDATE ticket_document SET pdf = ? WHERE number = ?", arguments: [pdf, Ticket.normalizedNumber(number)])
        }
    }

    public func archiveMonths() async throws -> [String] {
        try await read("listing the archive") { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT month FROM ticket_document ORDER BY month DESC")
        }
    }

    // MARK: helpers

    static func archiveEntry(_ r: Row) -> ArchiveEntry {
        let key: String = r["root_key"], sites: String = r["affected_sites"]
        return ArchiveEntry(number: r["number"], month: r["month"], closedAt: r["closed_s"], kind: r["kind"],
                            root: key.firstIndex(of: ":").map { String(key[key.index(after: $0)...]).replacingOccurrences(of: ":degraded", with: "") } ?? key,
                            hasPDF: r["has_pdf"], sites: sites.isEmpty ? [] : sites.split(separator: ",").map(String.init))
    }

    static func handover(_ db: Database, _ ticket: Int64) throws -> Handover? {
        try Row.fetchOne(db, sql: "SELECT * FROM ticket_handover WHERE ticket_id = ?", arguments: [ticket]).map {
            let eq: String = $0["equipment"]
            return Handover(receivedBy: $0["received_by"], handedBy: $0["handed_by"], equipment: eq.split(separator: "\n").map(String.init),
                            note: $0["note"], at: $0["at_s"])
        }
    }

    /// The live ticket a report about `site` belongs to: the site's own outage or report first,
    /// then an outage that cuts it off, then a notice (degradation) that touches it.
    static func liveTicket(_ db: Database, covering site: String) throws -> Ticket? {
        try fetchTicket(db, """
            \(live) AND kind != 'installation'
              AND (root_key IN (?, ?, ?) OR (',' || affected_sites || ',') LIKE ?)
            ORDER BY CASE WHEN kind = 'outage' THEN 0 WHEN kind = 'reported' THEN 1 ELSE 2 END, opened_s
            """, ["site:\(site)", "report:\(site)", "site:\(site):degraded", "%,\(site),%"])
    }

    static func addRequester(_ db: Database, _ ticket: Int64, _ r: Requester) throws {
        try db.execute(sql: """
            INSERT INTO ticket_requester(ticket_id, site, name, contact, via, text, reported_by, at_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [ticket, r.site, r.name, r.contact?.description, r.via, r.text, r.reportedBy, r.at])
    }

    static func requesters(_ db: Database, _ ticket: Int64) throws -> [Requester] {
        try Row.fetchAll(db, sql: "SELECT * FROM ticket_requester WHERE ticket_id = ? ORDER BY id", arguments: [ticket]).map {
            let c: String? = $0["contact"]
            return Requester(site: $0["site"], name: $0["name"], contact: c.flatMap(Contact.init), via: $0["via"], text: $0["text"],
                             reportedBy: $0["reported_by"], at: $0["at_s"])
        }
    }

    /// Draws the next number of local month `month` ("2026-03").
    static func nextNumber(_ db: Database, month: String, prefix: String) throws -> String {
        let seq = (try Int.fetchOne(db, sql: "SELECT last FROM ticket_counter WHERE month = ?", arguments: [month]) ?? 0) + 1
        try db.execute(sql: "INSERT INTO ticket_counter(month, last) VALUES (?, ?) ON CONFLICT(month) DO UPDATE SET last = excluded.last",
                       arguments: [month, seq])
        return Ticket.number(prefix: prefix, month: month, sequence: seq)
    }

    /// Folds live `reported` tickets of `sites` into the engine's ticket `into`: their requesters
    /// move over (and are told by the engine ticket's messages), the report closes as merged.
    @discardableResult
    static func absorbReports(_ db: Database, into id: Int64, number: String, sites: [String], at: EpochSeconds) throws -> Int {
        let keys = TicketRules.reportKeys(sites)
        guard !keys.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let reports = try Row.fetchAll(db, sql: "SELECT * FROM ticket WHERE \(live) AND root_key IN (\(marks)) ORDER BY id",
                                       arguments: StatementArguments(keys)).map(ticket)
        for r in reports {
            let moved = try requesters(db, r.id)
            try db.execute(sql: "UPDATE ticket_requester SET ticket_id = ? WHERE ticket_id = ?", arguments: [id, r.id])
            let (w, line) = TicketRules.merge(report: r, requesters: moved, into: number, at: at)
            _ = try apply(db, w, at: at, messages: { _, _ in [] })
            try event(db, id, line.at, line.kind, line.text)
        }
        return reports.count
    }

    /// An installation closes with a passed acceptance test and a handover report.
    static func requireInstallationRecords(_ db: Database, _ t: Ticket) throws {
        let passed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bandwidth_acceptance WHERE ticket_id = ? AND passed", arguments: [t.id]) ?? 0
        if let e = TicketRules.installationMissing(t, passedAcceptance: passed > 0, hasHandover: try handover(db, t.id) != nil) { throw e }
    }
}

extension Store {
    public func requesterContacts(since: EpochSeconds) async throws -> [(site: String, contact: String)] {
        try await read("reading the requesters' contacts") { db in
            try Row.fetchAll(db, sql: "SELECT site, contact FROM ticket_requester WHERE contact IS NOT NULL AND at_s >= ? ORDER BY id", arguments: [since])
                .map { (site: $0["site"], contact: $0["contact"]) }
        }
    }
}
