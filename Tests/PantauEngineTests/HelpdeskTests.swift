import Foundation
import Logging
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauHelpdesk
import PantauNotify
import PantauSQLite
import PantauStoreKit

/// A channel that keeps what it was given (the snmp_exporter scraper-mock idea for notifiers).
actor RecordingNotifier: Notifier {
    private(set) var messages: [OutboxMessage] = []
    func deliver(_ message: OutboxMessage) async -> DeliveryResult {
        messages.append(message)
        return .sent
    }
}

/// The helpdesk steps of the service catalogs on a real store: reports that join the engine's
/// ticket or open their own with evidence, escalation in working time told once per level,
/// requesters told on opening and closing, the archive, and installation tickets.
class HelpdeskTests: XCTestCase {
    let wib = TimeZone(identifier: "Asia/Jakarta")!
    /// Monday 2026-12-07 09:00 WIB.
    let monday: EpochSeconds = ISO8601.parse("2026-12-07T09:00:00+07:00")!

    func inventory() -> Inventory {
        var cal = CalendarSpec()
        cal.holidays[LocalDate(iso: "2026-12-14")!] = "Libur uji"
        var bkd = Site(id: "bkd", name: "Badan Kepegawaian", criticality: .high, users: 70, address: "127.0.0.3", uplinks: ["fo-bkd"])
        bkd.contacts = [Contact("whatsapp:+6281200000003")!, Contact("email:umum@bkd.example.go.id")!]
        return Inventory(organization: "Diskominfo Uji", timezone: "Asia/Jakarta", calendar: cal, sla: SLA(), sites: [
            Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1"),
            Site(id: "pop", name: "POP Kota", role: .distribution, address: "127.0.0.2", uplinks: ["fo-pop"]),
            bkd,
            Site(id: "dinkes", name: "Dinas Kesehatan", criticality: .medium, users: 40, address: "127.0.0.4", uplinks: ["fo-dinkes"]),
        ], links: [
            Link(id: "fo-pop", kind: .foUnderground, from: "dc", to: "pop"),
            Link(id: "fo-bkd", kind: .foUnderground, from: "pop", to: "bkd"),
            Link(id: "fo-dinkes", kind: .foUnderground, from: "pop", to: "dinkes"),
            Link(id: "fo-dishub-baru", kind: .foAerial, from: "pop", to: "dinkes"),
        ], devices: [], maintenance: [])
    }

    func config() -> IncidentConfig {
        var c = IncidentConfig()
        c.channels = [NotifyChannel(name: "noc", kind: .webhook(url: "http://127.0.0.1:9/noc", headers: [:])),
                      NotifyChannel(name: "teknisi", kind: .webhook(url: "http://127.0.0.1:9/teknisi", headers: [:])),
                      NotifyChannel(name: "kabid", kind: .email(host: "127.0.0.1", port: 9, from: "p@x.go.id", to: ["kabid@x.go.id"])),
                      NotifyChannel(name: "wa", kind: .webhook(url: "http://127.0.0.1:9/wa", headers: [:])),
                      NotifyChannel(name: "opd-mail", kind: .email(host: "127.0.0.1", port: 9, from: "helpdesk@x.go.id", to: []))]
        c.channels[1].broadcast = false
        c.channels[2].broadcast = false
        c.channels[3].broadcast = false
        c.channels[4].broadcast = false
        c.requesterChannels = [.whatsapp: "wa", .email: "opd-mail"]
        c.escalation = EscalationPolicy(
            levels: [.init(level: 1, name: "Petugas piket", channels: ["noc"]), .init(level: 2, name: "Pranata Komputer", people: ["Andi"], channels: ["teknisi"]),
                     .init(level: 3, name: "Kabid Aptika", channels: ["kabid"])],
            rules: [.init(priority: .p1, level: 2, unacknowledgedSeconds: 1800, unresolvedSeconds: 4 * 3600),
                    .init(priority: .p1, level: 3, unacknowledgedSeconds: 2 * 3600, unresolvedSeconds: 8 * 3600),
                    .init(priority: .p2, level: 2, unacknowledgedSeconds: 1800),
                    .init(priority: .p2, level: 3, unacknowledgedSeconds: 2 * 3600),
                    .init(priority: .p3, level: 2, unacknowledgedSeconds: 3600),
                    .init(priority: .p4, level: 2, unacknowledgedSeconds: 3600)])
        return c
    }

    /// The store under test: SQLite here, PostgreSQL in `PostgresHelpdeskTests` (same tests).
    func makeStore() async throws -> any HelpdeskData & OutboxStore & SessionStore {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-helpdesk-\(UUID().uuidString).sqlite").path)
    }

    func helpdesk(_ store: any HelpdeskData) -> Helpdesk {
        Helpdesk(inventory: inventory(), config: config(), report: ReportConfig(), store: store)
    }

    /// The engine's FO cut of the POP's trunk, opened as the correlator does.
    func openEngineOutage(_ h: Helpdesk, at: EpochSeconds) async throws -> Ticket {
        let root = RootCause(element: .link("fo-pop"), cause: .foCut, affectedSites: ["bkd", "dinkes", "pop"], startedAt: at - 60,
                             evidence: ["fo-pop: ifOperStatus down"])
        let decision = h.config.priority.decide(root, inventory: h.inventory, calendar: h.calendar, at: at)
        return try await h.store.openTicket(root, decision: decision, at: at, month: "2026-12", reopenWithin: 3600, prefix: "GGN",
                                            messages: { [composer = h.composer] t, c in composer.drafts(t, c) }).0
    }

    /// Issue 27: any OPD user could make the office's WhatsApp gateway message any number,
    /// unbounded (30 reports with 30 numbers: 30 messages). Per OPD at most N different contacts a
    /// day, per contact at most M reports a day; a report without a contact always goes in.
    func testContactsAReportMayGiveAreBoundedPerOPDAndPerContactADay() async throws {
        let store = try await makeStore()
        var c = config()
        c.contactsPerSitePerDay = 3
        c.reportsPerContactPerDay = 2
        let h = Helpdesk(inventory: inventory(), config: c, report: ReportConfig(), store: store)
        var at = monday
        for i in 1...3 {
            at += 60
            _ = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+62812999900\(i)\(i)"), text: "mati \(i)", via: "web",
                                   reportedBy: "Operator BKD", at: at)
        }
        do {
            _ = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+6281299990044"), text: "mati 4", via: "web",
                                   reportedBy: "Operator BKD", at: at + 60)
            XCTFail("a fourth number from bkd in a day")
        } catch let e as RequesterLimitError {
            XCTAssertTrue(e.message.contains("3 different contacts in the last 24 hours (at most 3)"), e.message)
        }
        // A number already given may be given again (up to its own limit); without a contact, always.
        _ = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+6281299990011"), text: "masih", via: "web",
                               reportedBy: "Operator BKD", at: at + 120)
        do {
            _ = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+6281299990011"), text: "masih juga", via: "web",
                                   reportedBy: "Operator BKD", at: at + 180)
            XCTFail("a third report for one number in a day")
        } catch let e as RequesterLimitError {
            XCTAssertTrue(e.message.contains("on 2 reports in the last 24 hours (at most 2)"), e.message)
        }
        _ = try await h.report(site: "bkd", name: "Rina", contact: nil, text: "tanpa kontak", via: "web", reportedBy: "Operator BKD", at: at + 240)
        // Another OPD has its own allowance; the next day the window has moved on.
        _ = try await h.report(site: "dinkes", name: "Sari", contact: Contact("whatsapp:+6281299990099"), text: "x", via: "web",
                               reportedBy: "Operator Dinkes", at: at + 300)
        _ = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+6281299990044"), text: "besok", via: "web",
                               reportedBy: "Operator BKD", at: at + 86_400 + 300)
    }

    func testReportsWhileTheEngineTracksTheOutageJoinItsTicket() async throws {
        let store = try await makeStore()
        let h = helpdesk(store)
        let engine = try await openEngineOutage(h, at: monday)
        let a = try await h.report(site: "bkd", name: "Rina (Kasubag Umum BKD)", contact: Contact("whatsapp:+6281299990001"),
                                   text: "internet mati", via: "web", reportedBy: "Operator BKD", at: monday + 120)
        let b = try await h.report(site: "dinkes", name: "Sari", contact: Contact("email:sari@dinkes.example.go.id"),
                                   text: "SIMPUS tidak bisa dibuka", via: "phone", reportedBy: "Budi NOC", at: monday + 180)
        XCTAssertTrue(a.attached)
        XCTAssertTrue(b.attached)
        XCTAssertEqual(a.ticket.number, engine.number)
        XCTAssertEqual(b.ticket.number, engine.number)
        let all = try await store.tickets(states: nil)
        XCTAssertEqual(all.count, 1, "no duplicate ticket: \(all.map(\.number))")
        let t = try await store.ticket(engine.number)!
        XCTAssertEqual(t.requesters.map(\.name), ["Rina (Kasubag Umum BKD)", "Sari"])
        XCTAssertEqual(t.kind, "outage")
        let events = try await store.ticketEvents(t.id).map(\.kind)
        XCTAssertEqual(events.filter { $0 == "reported" }.count, 2)
        // Everyone who reported, and the OPDs' registered contacts, got the opening acknowledgement once.
        let acks = try await store.outbox().map(\.message).filter { $0.dedupeKey.contains("/ack-") }
        XCTAssertEqual(Set(acks.compactMap(\.recipient)), ["+6281299990001", "sari@dinkes.example.go.id", "+6281200000003", "umum@bkd.example.go.id"])
        XCTAssertEqual(acks.count, 4)
        XCTAssertEqual(Set(acks.map(\.channel)), ["wa", "opd-mail"])
    }

    func testAReportWithNoOutageSeenOpensAReportedTicketWithTheSitesEvidence() async throws {
        let store = try await makeStore()
        let h = helpdesk(store)
        // What the engine knows: dinkes answers ping with 20% loss, its uplink port is up.
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: monday - 600, detail: EngineDetail())
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: monday - 5, observations: [
            Observation(kind: .site, element: "dinkes", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .up), since: monday - 600),
        ], icmpSamples: [ProbeSample(target: "dinkes", at: monday - 5, sent: 5, received: 4, rttsMs: [2.1, 2.3, 2.0, 2.2], jitterMs: 0.1)],
           cycle: CycleReport(startedAt: Double(monday - 5), durationMs: 10, done: 1, answered: 1, late: 0)), session: icmp)
        let r = try await h.report(site: "dinkes", name: "Sari", contact: nil, text: "lambat sekali sejak jam 8", via: "phone",
                                   reportedBy: "Budi NOC", at: monday)
        XCTAssertFalse(r.attached)
        XCTAssertEqual(r.ticket.kind, "reported")
        XCTAssertEqual(r.ticket.affectedSites, ["dinkes"])
        XCTAssertEqual(r.ticket.root, "dinkes")
        let evidence = r.ticket.evidence.joined(separator: "\n")
        XCTAssertTrue(evidence.contains("site dinkes: up since 2026-12-07T08:50:00+07:00"), evidence)
        XCTAssertTrue(evidence.contains("loss 20%"), evidence)
        XCTAssertTrue(evidence.contains("uplink fo-dinkes"), evidence)
        // The same impact x urgency policy as the engine's tickets (a medium OPD in working hours).
        XCTAssertTrue(r.ticket.priorityReason.contains("urgency high"), r.ticket.priorityReason)
        // A second report for the same site joins it; then the engine sees the cut: the report folds into its ticket.
        let again = try await h.report(site: "dinkes", name: "Kepala Puskesmas", contact: nil, text: "masih", via: "phone", reportedBy: "Budi NOC",
                                       at: monday + 60)
        XCTAssertTrue(again.attached)
        XCTAssertEqual(again.ticket.number, r.ticket.number)
        // Then the engine finds the cut that explains it: the report's ticket takes the root (the
        // number the OPD wrote down stays), announced as an update of the root, not a new gangguan.
        let engine = try await openEngineOutage(h, at: monday + 120)
        XCTAssertEqual(engine.number, r.ticket.number)
        let live = try await store.ticket(engine.number)!
        XCTAssertEqual(live.rootKey, "link:fo-pop")
        XCTAssertEqual(live.kind, "outage")
        XCTAssertEqual(live.cause, .foCut)
        XCTAssertEqual(live.affectedSites, ["bkd", "dinkes", "pop"])
        XCTAssertEqual(live.requesters.map(\.name), ["Sari", "Kepala Puskesmas"])
        let ledger = try await store.ticketEvents(live.id).map(\.kind)
        XCTAssertEqual(ledger.filter { $0 == "rerooted" }.count, 1, "\(ledger)")
        let liveCount = try await store.tickets(states: [.open, .acknowledged]).count
        XCTAssertEqual(liveCount, 1)
    }

    func testEscalationRunsInWorkingTimeAndTellsEachLevelOnce() async throws {
        let store = try await makeStore()
        let h = helpdesk(store)
        // Friday 2026-12-11 15:30: a P1 outage (critical impact); Monday 14th is a holiday.
        let friday = ISO8601.parse("2026-12-11T15:30:00+07:00")!
        let root = RootCause(element: .link("fo-pop"), cause: .foCut, affectedSites: ["bkd", "dinkes", "pop"], startedAt: friday - 60, evidence: [])
        let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 20, reason: "test P1")
        let (t, _) = try await store.openTicket(root, decision: p1, at: friday, month: "2026-12", reopenWithin: 0, prefix: "GGN",
                                                messages: { [composer = h.composer] t, c in composer.drafts(t, c) })
        let service = EscalationService(helpdesk: h, clock: SystemWallClock(), logger: Logger(label: "test"))
        let recorders = ["noc": RecordingNotifier(), "teknisi": RecordingNotifier(), "kabid": RecordingNotifier(),
                         "wa": RecordingNotifier(), "opd-mail": RecordingNotifier()]
        func deliver(at: EpochSeconds) async throws {
            let clock = FixedTestClock(t: Double(at))
            let n = NotificationService(store: store, notifiers: recorders, clock: clock, logger: Logger(label: "test"))
            try await n.deliverDue()
        }
        func at(_ iso: String) -> EpochSeconds { ISO8601.parse(iso)! }
        var done = try await service.escalateDue(at: at("2026-12-11T15:59:59+07:00"))
        XCTAssertTrue(done.isEmpty)
        done = try await service.escalateDue(at: at("2026-12-11T16:00:00+07:00"))
        XCTAssertEqual(done.map(\.level), [2])
        // Over the weekend and the Monday holiday: no more working time, nothing moves; beats repeat harmlessly.
        for when in ["2026-12-12T10:00:00+07:00", "2026-12-13T10:00:00+07:00", "2026-12-14T15:00:00+07:00", "2026-12-15T09:29:59+07:00"] {
            let again = try await service.escalateDue(at: at(when))
            XCTAssertTrue(again.isEmpty, "\(when): \(again)")
        }
        done = try await service.escalateDue(at: at("2026-12-15T09:30:00+07:00"))
        XCTAssertEqual(done.map(\.level), [3])
        let nothing = try await service.escalateDue(at: at("2026-12-16T09:30:00+07:00"))
        XCTAssertTrue(nothing.isEmpty)
        try await deliver(at: at("2026-12-16T10:00:00+07:00"))
        let teknisi = await recorders["teknisi"]!.messages, kabid = await recorders["kabid"]!.messages
        XCTAssertEqual(teknisi.count, 1, "level 2 told exactly once")
        XCTAssertEqual(kabid.count, 1, "level 3 told exactly once")
        XCTAssertTrue(teknisi[0].subject.contains("ESKALASI level 2"), teknisi[0].subject)
        XCTAssertTrue(teknisi[0].body.contains("Andi"), teknisi[0].body)
        let ticket = try await store.ticket(t.number)!
        XCTAssertEqual(ticket.escalationLevel, 3)
        let ledger = try await store.ticketEvents(t.id).filter { $0.kind == "escalated" }
        XCTAssertEqual(ledger.map(\.at), [at("2026-12-11T16:00:00+07:00"), at("2026-12-15T09:30:00+07:00")])
        XCTAssertTrue(ledger[0].text.contains("not acknowledged after 30m 00s of working time"), ledger[0].text)

        // Acknowledgement stops it: a P2 ticket acknowledged before its threshold never escalates on that ground.
        let root2 = RootCause(element: .site("dinkes"), cause: .opdDeviceOrPower, affectedSites: ["dinkes"], startedAt: friday, evidence: [])
        let p2 = PriorityDecision(priority: .p2, impact: .medium, urgency: .high, score: 4, reason: "test P2")
        let (t2, _) = try await store.openTicket(root2, decision: p2, at: at("2026-12-16T09:00:00+07:00"), month: "2026-12", reopenWithin: 0,
                                                 prefix: "GGN", messages: { _, _ in [] })
        _ = try await store.acknowledgeTicket(t2.number, by: "Budi", at: at("2026-12-16T09:10:00+07:00"))
        let later = try await service.escalateDue(at: at("2026-12-17T15:00:00+07:00"))
        XCTAssertTrue(later.filter { $0.number == t2.number }.isEmpty)
        let t2now = try await store.ticket(t2.number)!
        XCTAssertEqual(t2now.escalationLevel, 1)
    }

    func testClosingArchivesTheBeritaAcaraAndTellsTheRequesters() async throws {
        let store = try await makeStore()
        let h = helpdesk(store)
        let r = try await h.report(site: "bkd", name: "Rina", contact: Contact("whatsapp:+6281299990001"), text: "internet mati", via: "web",
                                   reportedBy: "Operator BKD", at: monday)
        _ = try await store.acknowledgeTicket(r.ticket.number, by: "Budi (NIP 1980)", at: monday + 300)
        _ = try await store.resolveTicketManually(r.ticket.number, by: "Budi (NIP 1980)", note: "ONT dinyalakan", at: monday + 3600)
        let ba = BeritaAcara(officers: ["Budi (NIP 198001012006041001)"], problemSummary: "ONT di BKD mati", workSummary: "ONT dinyalakan ulang",
                             alternativeSolution: "-", location: "Ruang server BKD", cause: "opd-power")
        let closed = try await h.close(r.ticket.number, beritaAcara: ba, at: monday + 4000)
        XCTAssertEqual(closed.state, .closed)
        let archive = try await store.archive(month: "2026-12")
        XCTAssertEqual(archive.map(\.number), [r.ticket.number])
        let doc = try await store.archivedDocument(r.ticket.number)!
        XCTAssertTrue(doc.html.contains(r.ticket.number))
        XCTAssertTrue(doc.html.contains("ONT dinyalakan ulang"))
        XCTAssertTrue(doc.html.contains("Rina"), "the requester signs the Berita Acara")
        XCTAssertTrue(doc.html.contains("Laporan OPD"), "the helpdesk steps are in the document")
        // The closing message with the Berita Acara summary, to the reporter and the OPD's contacts.
        let closing = try await store.outbox().map(\.message).filter { $0.dedupeKey.contains("/closed-") }
        XCTAssertEqual(Set(closing.compactMap(\.recipient)), ["+6281299990001", "+6281200000003", "umum@bkd.example.go.id"])
        for m in closing {
            XCTAssertTrue(m.body.contains("ONT dinyalakan ulang") && m.body.contains("Budi (NIP 198001012006041001)"), m.body)
        }
        // Closing twice is refused and queues nothing more.
        do {
            _ = try await h.close(r.ticket.number, beritaAcara: ba, at: monday + 5000)
            XCTFail("closed twice")
        } catch let e as PantauError { XCTAssertEqual(e.code, .invalidInput) }
        let closingNow = try await store.outbox().filter { $0.message.dedupeKey.contains("/closed-") }
        XCTAssertEqual(closingNow.count, 3)
    }

    func testAnInstallationClosesOnlyWithAPassedAcceptanceTestAndTheHandover() async throws {
        let store = try await makeStore()
        let h = helpdesk(store)
        let t = try await h.openInstallation(link: "fo-dishub-baru", name: "Kabid Dinkes", contact: nil, text: "sambungan baru gedung B",
                                             via: "cli", reportedBy: "Budi", at: monday)
        XCTAssertEqual(t.kind, "installation")
        XCTAssertEqual(t.link, "fo-dishub-baru")
        _ = try await store.resolveTicketManually(t.number, by: "Budi", note: "terpasang", at: monday + 3600)
        let ba = BeritaAcara(officers: ["Budi (NIP 1980)"], problemSummary: "pemasangan", workSummary: "FO udara 300 m, ONT, switch",
                             alternativeSolution: "-", location: "Gedung B")
        func closeFails(_ expect: String) async throws {
            do {
                _ = try await h.close(t.number, beritaAcara: ba, at: monday + 7200)
                XCTFail("closed without \(expect)")
            } catch let e as PantauError { XCTAssertTrue(e.message.contains(expect), e.message) }
        }
        try await closeFails("acceptance test")
        // A failed test does not count.
        _ = try await store.recordAcceptance(AcceptanceRecord(link: "fo-dishub-baru", ticketID: t.id, at: monday + 4000, officer: "Budi", passed: false,
                                                              uploadMbps: 12, downloadMbps: 30, contractMbps: 50, verdict: "TIDAK LULUS", html: "<p>x</p>"))
        try await closeFails("acceptance test")
        _ = try await store.recordAcceptance(AcceptanceRecord(link: "fo-dishub-baru", ticketID: t.id, at: monday + 5000, officer: "Budi", passed: true,
                                                              uploadMbps: 47, downloadMbps: 48, contractMbps: 50, verdict: "LULUS", html: "<p>y</p>"))
        try await closeFails("handover report")
        _ = try await store.recordHandover(t.number, Handover(receivedBy: "Kasubag Umum Dinkes (NIP 1975)", handedBy: "Budi",
                                                              equipment: ["ONT ZTE F660", "switch 8 port"], note: "", at: monday + 6000), at: monday + 6000)
        let closed = try await h.close(t.number, beritaAcara: ba, at: monday + 7200)
        XCTAssertEqual(closed.state, .closed)
        let html = try await store.archivedDocument(t.number)!.html
        XCTAssertTrue(html.contains("Uji terima bandwidth") && html.contains("Serah terima"), "the document carries both records")
        // An acceptance record cannot be tied to the wrong link's ticket.
        do {
            _ = try await store.recordAcceptance(AcceptanceRecord(link: "fo-bkd", ticketID: t.id, at: monday, officer: "x", passed: true, uploadMbps: nil,
                                                                  downloadMbps: nil, contractMbps: nil, verdict: "", html: ""))
            XCTFail("recorded against another link's ticket")
        } catch let e as PantauError { XCTAssertEqual(e.code, .invalidInput) }
    }
}

/// A clock that stands still at `t`.
struct FixedTestClock: WallClock {
    let t: Double
    func now() -> Double { t }
    func sleep(until deadline: Double) async throws { try await Task.sleep(for: .seconds(max(0, deadline - t))) }
}
