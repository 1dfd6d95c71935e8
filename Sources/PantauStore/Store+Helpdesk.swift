import Foundation
import GRDB
import PantauCore

/// The helpdesk's side of the ticket store: reports by OPDs, escalation, installation
/// tickets (acceptance test, handover) and the archive of closed Berita Acara.
public protocol HelpdeskStore: Sendable {
    /// Attaches a report to the live ticket that already covers `site` (the engine's outage or
    /// an earlier report), or opens a `reported` ticket with `evidence` and `decision`.
    func reportDisruption(_ requester: Requester, evidence: [String], decision: PriorityDecision, month: String, prefix: String,
                          at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws
        -> (ticket: Ticket, attached: Bool)
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

extension Store: HelpdeskStore {
    public func reportDisruption(_ req: Requester, evidence: [String], decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws
        -> (ticket: Ticket, attached: Bool) {
        try await write("recording the report of \(req.site)") { db in
            if let live = try Self.liveTicket(db, covering: req.site) {
                try Self.addRequester(db, live.id, req)
                try Self.event(db, live.id, at, "reported", "\(req.name) (\(req.site), via \(req.via), written by \(req.reportedBy)): \(req.text)")
                let t = try Self.fetchTicket(db, "id = ?", [live.id])!
                try Self.enqueue(db, t, messages(t, .reported), at: at)
                return (t, true)
            }
            let id = try Self.insertTicket(db, rootKey: "report:\(req.site)", kind: Ticket.reportedKind, cause: .siteDown, decision: decision,
                                           affected: [req.site], evidence: evidence, startedAt: req.at, at: at, month: month, prefix: prefix)
            try Self.addRequester(db, id, req)
            try Self.event(db, id, at, "opened", "reported by \(req.name) (\(req.site), via \(req.via), written by \(req.reportedBy)): \(req.text); \(decision.reason)")
            let t = try Self.fetchTicket(db, "id = ?", [id])!
            try Self.enqueue(db, t, messages(t, .opened), at: at)
            return (t, false)
        }
    }

    public func openInstallation(site: String, link: String, requester req: Requester, decision: PriorityDecision, month: String, prefix: String,
                                 at: EpochSeconds, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await write("opening the installation of \(link)") { db in
            if let live = try Self.fetchTicket(db, "root_key = ? AND state IN ('open', 'acknowledged')", ["install:\(link)"]) {
                throw PantauError(.invalidInput, operation: "opening an installation ticket", subject: link,
                                  message: "\(live.number) is already open for this installation")
            }
            let id = try Self.insertTicket(db, rootKey: "install:\(link)", kind: Ticket.installationKind, cause: .siteDown, decision: decision,
                                           affected: [site], evidence: ["installation of \(link) to \(site): \(req.text)"],
                                           startedAt: at, at: at, month: month, prefix: prefix)
            try db.execute(sql: "UPDATE ticket SET link_id = ? WHERE id = ?", arguments: [link, id])
            try Self.addRequester(db, id, req)
            try Self.event(db, id, at, "opened", "installation of \(link) to \(site) requested by \(req.name) (written by \(req.reportedBy)): \(req.text)")
            let t = try Self.fetchTicket(db, "id = ?", [id])!
            try Self.enqueue(db, t, messages(t, .opened), at: at)
            return t
        }
    }

    public func escalateTicket(_ number: String, to level: Int, text: String, at: EpochSeconds,
                               messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Bool {
        try await write("escalating \(number)") { db in
            let t = try Self.require(db, number)
            guard t.state == .open || t.state == .acknowledged, t.escalationLevel < level else { return false }
            try db.execute(sql: "UPDATE ticket SET escalation_level = ? WHERE id = ?", arguments: [level, t.id])
            try Self.event(db, t.id, at, "escalated", text)
            let u = try Self.fetchTicket(db, "id = ?", [t.id])!
            try Self.enqueue(db, u, messages(u, .escalated), at: at)
            return true
        }
    }

    public func recordHandover(_ number: String, _ h: Handover, at: EpochSeconds) async throws -> Ticket {
        try await write("recording the handover of \(number)") { db in
            let t = try Self.require(db, number)
            guard t.kind == Ticket.installationKind else {
                throw PantauError(.invalidInput, operation: "recording a handover", subject: number, message: "only an installation ticket has a handover report")
            }
            guard t.state != .closed else { throw PantauError(.invalidInput, operation: "recording a handover", subject: number, message: "the ticket is closed") }
            try db.execute(sql: """
                INSERT INTO ticket_handover(ticket_id, received_by, handed_by, equipment, note, at_s) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(ticket_id) DO UPDATE SET received_by = excluded.received_by, handed_by = excluded.handed_by,
                  equipment = excluded.equipment, note = excluded.note, at_s = excluded.at_s
                """, arguments: [t.id, h.receivedBy, h.handedBy, h.equipment.joined(separator: "\n"), h.note, h.at])
            try Self.event(db, t.id, at, "handover", "handed over by \(h.handedBy), received by \(h.receivedBy)")
            return try Self.fetchTicket(db, "id = ?", [t.id])!
        }
    }

    public func recordAcceptance(_ r: AcceptanceRecord) async throws -> Int64 {
        try await write("recording the acceptance test of \(r.link)") { db in
            if let tid = r.ticketID {
                guard let t = try Self.fetchTicket(db, "id = ?", [tid]), t.kind == Ticket.installationKind, t.link == r.link, t.state != .closed else {
                    throw PantauError(.invalidInput, operation: "recording an acceptance test", subject: r.link,
                                      message: "the ticket is not an open installation ticket of this link")
                }
            }
            try db.execute(sql: """
                INSERT INTO bandwidth_acceptance(link, ticket_id, at_s, officer, passed, upload_mbps, download_mbps, contract_mbps, verdict, html)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [r.link, r.ticketID, r.at, r.officer, r.passed, r.uploadMbps, r.downloadMbps, r.contractMbps, r.verdict, r.html])
            let id = db.lastInsertedRowID
            if let tid = r.ticketID {
                try Self.event(db, tid, r.at, "acceptance", "bandwidth acceptance test by \(r.officer): \(r.passed ? "passed" : "not passed") (\(r.verdict))")
            }
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
        let number = Ticket.normalizedNumber(number)
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
            state IN ('open', 'acknowledged') AND kind != 'installation'
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

    /// A new ticket number in `month` and the row; returns its id.
    static func insertTicket(_ db: Database, rootKey: String, kind: String, cause: SuspectedCause, decision: PriorityDecision, affected: [String],
                             evidence: [String], startedAt: EpochSeconds, at: EpochSeconds, month: String, prefix: String) throws -> Int64 {
        let seq = (try Int.fetchOne(db, sql: "SELECT last FROM ticket_counter WHERE month = ?", arguments: [month]) ?? 0) + 1
        try db.execute(sql: "INSERT INTO ticket_counter(month, last) VALUES (?, ?) ON CONFLICT(month) DO UPDATE SET last = excluded.last",
                       arguments: [month, seq])
        let number = "\(prefix)-\(month)-\(String(repeating: "0", count: max(0, 4 - String(seq).count)))\(seq)"
        try db.execute(sql: """
            INSERT INTO ticket(number, root_key, kind, cause, state, priority, priority_reason, affected_sites, evidence, started_s, opened_s)
            VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)
            """, arguments: [number, rootKey, kind, cause.rawValue, decision.priority.rawValue, decision.reason, join(affected),
                             evidence.joined(separator: "\n"), startedAt, at])
        let id = db.lastInsertedRowID
        try db.execute(sql: "INSERT INTO ticket_episode (ticket_id, started_s, cause) VALUES (?, ?, ?)", arguments: [id, startedAt, cause.rawValue])
        return id
    }

    /// Folds live `reported` tickets of `sites` into the engine's ticket `into`: their requesters
    /// move over (and are told by the engine ticket's messages), the report closes as merged.
    @discardableResult
    static func absorbReports(_ db: Database, into id: Int64, number: String, sites: [String], at: EpochSeconds) throws -> Int {
        guard !sites.isEmpty else { return 0 }
        let keys = sites.map { "report:\($0)" }
        let marks = Array(repeating: "?", count: keys.count).joined(separator: ", ")
        let reports = try Row.fetchAll(db, sql: "SELECT id, number FROM ticket WHERE state IN ('open', 'acknowledged') AND root_key IN (\(marks))",
                                       arguments: StatementArguments(keys))
        for r in reports {
            let rid: Int64 = r["id"], rnumber: String = r["number"]
            let moved = try requesters(db, rid)
            try db.execute(sql: "UPDATE ticket_requester SET ticket_id = ? WHERE ticket_id = ?", arguments: [id, rid])
            try db.execute(sql: "UPDATE ticket SET state = 'closed', closed_s = ?, merged_into = ?, resolved_s = COALESCE(resolved_s, ?) WHERE id = ?",
                           arguments: [at, number, at, rid])
            try db.execute(sql: "UPDATE ticket_episode SET recovered_s = ? WHERE ticket_id = ? AND recovered_s IS NULL", arguments: [at, rid])
            try event(db, rid, at, "merged", "the engine's ticket \(number) covers this disruption; handled there")
            try event(db, id, at, "reported", "report \(rnumber) merged: " + moved.map { "\($0.name) (\($0.site)): \($0.text)" }.joined(separator: "; "))
        }
        return reports.count
    }

    /// An installation closes with a passed acceptance test and a handover report.
    static func requireInstallationRecords(_ db: Database, _ t: Ticket) throws {
        let passed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bandwidth_acceptance WHERE ticket_id = ? AND passed", arguments: [t.id]) ?? 0
        var missing: [String] = []
        if passed == 0 { missing.append("a passed bandwidth acceptance test ('pantau bandwidth acceptance \(t.link ?? "LINK") --ticket \(t.number)')") }
        if try handover(db, t.id) == nil { missing.append("the handover report ('pantau tickets handover \(t.number)')") }
        if !missing.isEmpty {
            throw PantauError(.invalidInput, operation: "closing", subject: t.number,
                              message: "an installation ticket closes only with " + missing.joined(separator: " and "))
        }
    }
}
