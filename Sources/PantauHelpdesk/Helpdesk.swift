import Foundation
import PantauBus
import PantauCore
import PantauNotify
import PantauReports
import PantauStoreKit

/// What the helpdesk reads and writes.
public typealias HelpdeskData = TicketStore & HelpdeskStore & HistoryStore & SampleStore & UserStore

/// The helpdesk steps of the service catalogs, for every face (web, API, command line): an OPD
/// reports a disruption (attached to the engine's ticket when it already sees the outage),
/// installation tickets, and closing with the Berita Acara archived and the requesters told.
/// Escalation runs as its own service (`EscalationService`).
public struct Helpdesk: Sendable {
    public let inventory: Inventory
    public let config: IncidentConfig
    public let report: ReportConfig
    public let store: any HelpdeskData
    public let composer: NotificationComposer
    public let calendar: WorkingCalendar
    /// The office's `berita-acara.mustache`, when it has one.
    let templateFile: String?
    /// Where every ticket change of this process is published (live pages, console).
    public let feed: TicketFeed

    public init(inventory: Inventory, config: IncidentConfig, report: ReportConfig, store: any HelpdeskData, templatesDirectory: String? = nil,
                feed: TicketFeed = TicketFeed()) {
        self.feed = feed
        self.inventory = inventory
        self.config = config
        self.report = report
        self.store = store
        composer = NotificationComposer(inventory: inventory, config: config)
        calendar = WorkingCalendar(spec: inventory.calendar, timeZone: TimeZone(identifier: inventory.timezone) ?? .current)
        templateFile = templatesDirectory.map { ($0 as NSString).appendingPathComponent("berita-acara.mustache") }
    }

    var messages: @Sendable (Ticket, TicketChange) -> [OutboxDraft] { { [composer] t, c in composer.drafts(t, c) } }

    func month(_ at: EpochSeconds) -> String { YearMonth(calendar.localDate(of: at)).description }

    /// Records a report about `site`. The ticket it joined or opened, and whether it joined one.
    public func report(site: String, name: String, contact: Contact?, text: String, via: String, reportedBy: String,
                       at: EpochSeconds) async throws -> (ticket: Ticket, attached: Bool) {
        guard let s = inventory.site(site) else {
            throw PantauError(.invalidInput, operation: "recording a report", subject: site, message: "no site with this id in the inventory")
        }
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw PantauError(.invalidInput, operation: "recording a report", subject: site, message: "say what is wrong") }
        if let contact {
            // The office's gateway messages every contact a report gives: bounded per OPD and per contact a day.
            let recent = try await store.requesterContacts(since: at - 86_400)
            if let why = HelpdeskRules.contactRefusal(contact.description, site: site, recent: recent,
                                                       perSite: config.contactsPerSitePerDay, perContact: config.reportsPerContactPerDay) {
                throw RequesterLimitError(message: why)
            }
        }
        let who = name.trimmingCharacters(in: .whitespaces).isEmpty ? reportedBy : name
        let req = Requester(site: site, name: who, contact: contact, via: via, text: text, reportedBy: reportedBy, at: at)
        // The same impact x urgency policy as the engine's tickets: the site's weight, the hour it came in.
        let root = RootCause(element: .site(site), cause: .siteDown, affectedSites: [site], startedAt: at, evidence: [])
        let decision = config.priority.decide(root, inventory: inventory, calendar: calendar, at: at)
        let evidence = ["reported by \(who): \(text)"] + (try await self.evidence(for: s, at: at))
        return try await store.reportDisruption(req, evidence: evidence, decision: decision, month: month(at), prefix: config.numberPrefix,
                                                at: at, messages: messages)
    }

    /// Opens an installation ticket for `link` (new OPD connection). Its priority: the site's impact, low urgency.
    public func openInstallation(link: String, name: String, contact: Contact?, text: String, via: String, reportedBy: String,
                                 at: EpochSeconds) async throws -> Ticket {
        guard let l = inventory.link(link) else {
            throw PantauError(.invalidInput, operation: "opening an installation ticket", subject: link, message: "no link with this id in the inventory")
        }
        let site = inventory.site(l.to) != nil ? l.to : l.from
        let req = Requester(site: site, name: name.isEmpty ? reportedBy : name, contact: contact, via: via, text: text, reportedBy: reportedBy, at: at)
        let p = Priority.p4
        let decision = PriorityDecision(priority: p, impact: .low, urgency: .low, score: 0,
                                        reason: "installation (service request, not a disruption) = \(p.rawValue)")
        return try await store.openInstallation(site: site, link: link, requester: req, decision: decision, month: month(at),
                                                prefix: config.numberPrefix, at: at, messages: messages)
    }

    /// Closes a resolved ticket with its Berita Acara: archived as the printable document in the
    /// same write, the requesters' closing message queued (`notify: false` for history written
    /// after the fact, such as the demo's past month: archived, nobody told).
    public func close(_ number: String, beritaAcara: BeritaAcara, at: EpochSeconds, notify: Bool = true) async throws -> Ticket {
        let inventory = inventory, policy = config.priority, city = report.city, templateFile = templateFile
        // Rendering is checked before the write: a broken office template must not block closing.
        let document: @Sendable (Ticket, [TicketEvent]) -> String = { t, events in
            let timers = TicketTimers(ticket: t, inventory: inventory, policy: policy, now: at)
            let doc = BeritaAcaraDocument(ticket: t, events: events, timers: timers, inventory: inventory, city: city)
            return (try? doc.html(templateFile: templateFile)) ?? (try? doc.html()) ?? ""
        }
        let none: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }
        return try await store.closeTicket(number, beritaAcara: beritaAcara, at: at, month: month(at), document: document,
                                           messages: notify ? messages : none)
    }

    /// The archived Berita Acara as PDF: made once with WeasyPrint from the archived HTML, then kept.
    public func archivedPDF(_ number: String) async throws -> Data {
        guard let doc = try await store.archivedDocument(number) else {
            throw PantauError(.notFound, operation: "reading the archive", subject: number, message: "no archived Berita Acara (the ticket is not closed?)")
        }
        if let pdf = doc.pdf { return pdf }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-ba-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).pdf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await WeasyPrint.render(html: doc.html, to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try await store.storeArchivePDF(doc.entry.number, data)
        return data
    }

    /// What the engine knows about a site right now, for a reported ticket: its state and
    /// since when, the last RTT and loss, and the state and port reading of its uplinks.
    public func evidence(for site: Site, at: EpochSeconds) async throws -> [String] {
        let tz = calendar.timeZone
        let status = try await store.currentStatus()
        let probes = try await store.probeLast()
        let links = try await store.linkLast()
        var out: [String] = []
        func stateLine(_ id: String, _ what: String) -> String {
            guard let st = status[id] else { return "\(what) \(id): no data" }
            var s = "\(what) \(id): \(st.state.rawValue)"
            if let since = st.since { s += " since \(ISO8601.format(since, in: tz))" }
            if st.sessionEnded { s += " (its prober has stopped)" }
            return s
        }
        var line = stateLine(site.id, "site")
        if let p = probes[site.id] {
            line += "; last ping: loss \(p.lossPct.map { String(format: "%.0f%%", $0) } ?? "-"), RTT \(p.rttMs.map { String(format: "%.1f ms", $0) } ?? "-")"
        }
        out.append(line)
        for u in site.uplinks {
            var l = stateLine(u, "uplink")
            if let ll = links[u] {
                l += "; port at \(ISO8601.format(ll.at, in: tz)): \(ll.detail.isEmpty ? "-" : ll.detail)"
                if let rx = ll.rxDbm { l += String(format: ", RX %.1f dBm", rx) }
            }
            out.append(l)
        }
        out.append("evidence taken at \(ISO8601.format(at, in: tz))")
        return out
    }
}
