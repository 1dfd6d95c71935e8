import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb
import XCTest

/// Issue 27: OPD scoping is one rule, checked on every route, API path and the live stream over a
/// generated network (a core, 3 POPs on trunks, 4 OPDs behind each): an OPD user behind POP 0
/// reads its own site; of what it shares (the trunk above it, the ticket of the trunk's cut with
/// three other OPDs on it) only the state; never another OPD's name, id, contact, text or traffic.
final class WebScopeGeneratedTests: XCTestCase {
    static let now: EpochSeconds = 1_764_554_400
    static let pops = 3, perPOP = 4

    static var inventory: Inventory {
        var sites = [Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1")]
        var links: [Link] = []
        for p in 0..<pops {
            sites.append(Site(id: "pop\(p)", name: "Simpul Wilayah \(p)", role: .distribution, address: "127.0.1.\(p + 1)", uplinks: ["trunk\(p)"]))
            links.append(Link(id: "trunk\(p)", kind: p == 2 ? .foUndersea : .foUnderground, from: "dc", to: "pop\(p)", name: "Trunk Wilayah \(p)",
                              a: LinkEnd(device: "core", interface: "sfp\(p)")))
            for i in 0..<perPOP {
                let n = p * perPOP + i
                sites.append(Site(id: "opd\(n)", name: "Kantor Nomor \(n)", address: "127.0.2.\(n + 1)", uplinks: ["fo-opd\(n)"]))
                links.append(Link(id: "fo-opd\(n)", kind: .foAerial, from: "pop\(p)", to: "opd\(n)", name: "Serat Kantor \(n)",
                                  a: LinkEnd(device: "core", interface: "ge\(n)")))
            }
        }
        return Inventory(organization: "Diskominfo Uji", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: sites, links: links,
                         devices: [Device(id: "core", site: "dc", address: "127.0.0.9", vendor: .mikrotik, role: .core, snmpProfile: "p")],
                         maintenance: [])
    }

    /// What the OPD user of `opd0` must never read: every other OPD by name, id, link and requester.
    static let others: [String] = (1..<(pops * perPOP)).flatMap { n in ["Kantor Nomor \(n)<", "Kantor Nomor \(n)\"", "Kantor Nomor \(n),", "Serat Kantor \(n)"] }
        + ["+6281200009999", "kabel dicuri orang", "Pelapor Lain", "ge1", "ge2", "ge3"]

    func testAnOPDUserReadsOnlyItsOwnOnEveryRouteOfAGeneratedNetwork() async throws {
        let inv = Self.inventory
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-scope-\(UUID().uuidString).sqlite").path)
        let hash = Passwords.hash(WebFixture.password, cost: 4)
        try await store.addUser(WebUser(name: "opd0", displayName: "Operator Kantor 0", role: .opd, sites: ["opd0"]), passwordHash: hash, actor: "t", at: Self.now)
        // Everything up; POP 0's trunk cut a minute ago: POP 0 and its four OPDs down, one ticket.
        let src = ObservationSource(.icmp)
        let session = try await store.beginSource(src, at: Self.now - 3600, detail: EngineDetail())
        var obs = inv.sites.map { Observation(kind: .site, element: $0.id, source: src, what: .state(from: .unknown, to: .up), since: Self.now - 3600) }
        obs += ["pop0", "opd0", "opd1", "opd2", "opd3"].map { Observation(kind: .site, element: $0, source: src, what: .state(from: .up, to: .down), since: Self.now - 60) }
        try await store.record(ObservationBatch(source: src, at: Self.now - 5, observations: obs), session: session)
        let calendar = WorkingCalendar(spec: inv.calendar, timeZone: TimeZone(identifier: inv.timezone)!)
        let root = RootCause(element: .link("trunk0"), cause: .foCut, affectedSites: ["opd0", "opd1", "opd2", "opd3", "pop0"], startedAt: Self.now - 60,
                             evidence: ["trunk0 (fo-underground, Trunk Wilayah 0): core/sfp0 admin-up, oper-down",
                                        "together with fo-opd1 (already down): no path left to opd0, opd1, opd2, opd3, pop0"])
        let decision = PriorityPolicy().decide(root, inventory: inv, calendar: calendar, at: Self.now - 50)
        let (trunkTicket, _) = try await store.openTicket(root, decision: decision, at: Self.now - 50, month: "2025-12", reopenWithin: 3600, prefix: "GGN",
                                                          messages: { _, _ in [] })
        for (site, who, phone, text) in [("opd0", "Pelapor Kami", "+6281200001111", "internet mati"), ("opd2", "Pelapor Lain", "+6281200009999", "kabel dicuri orang")] {
            _ = try await store.reportDisruption(Requester(site: site, name: who, contact: Contact(kind: .whatsapp, address: phone), via: "web", text: text,
                                                           reportedBy: "t", at: Self.now - 30),
                                                 evidence: [], decision: decision, month: "2025-12", prefix: "GGN", at: Self.now - 30, messages: { _, _ in [] })
        }
        // Another OPD's own ticket, behind another POP.
        let (otherTicket, _) = try await store.openTicket(RootCause(element: .site("opd7"), cause: .opdDeviceOrPower, affectedSites: ["opd7"], startedAt: Self.now - 40,
                                                                    evidence: ["opd7 (Kantor Nomor 7): 3/3 lost since 08:59:20"]),
                                                          decision: decision, at: Self.now - 35, month: "2025-12", reopenWithin: 3600, prefix: "GGN",
                                                          messages: { _, _ in [] })
        let hub = LiveHub(inventory: inv)
        let app = try WebApp(inventory: inv, config: WebConfig(), store: store, status: StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: SNMPProbeConfig()),
                             policy: PriorityPolicy(), clock: FixedClock(t: Double(Self.now)), hub: hub, logger: Logger(label: "test"))
        try await Application(router: app.router()).test(.router) { client in
            let b = try await Browser.login(client, user: "opd0")
            var uris = ["/", "/tickets", "/availability", "/archive", "/map", "/admin/users", "/admin/config", "/metrics", "/report/2025-11",
                        "/api/v1/me", "/api/v1/status", "/api/v1/sites", "/api/v1/tickets", "/api/v1/availability", "/api/v1/availability?month=2025-11"]
            for s in inv.sites { uris += ["/sites/\(s.id)", "/availability/\(s.id)", "/api/v1/sites/\(s.id)"] }
            for l in inv.links { uris += ["/links/\(l.id)"] }
            for t in [trunkTicket.number, otherTicket.number] {
                // The number as people say it, in three spellings.
                for n in [t, t.lowercased(), String(t.dropFirst(4))] {
                    uris += ["/tickets/\(n)", "/tickets/\(n)/berita-acara", "/api/v1/tickets/\(n)", "/archive/\(n)", "/archive/\(n)/pdf"]
                }
            }
            var read = 0
            for uri in uris {
                let r = try await b.get(client, uri)
                XCTAssertTrue([200, 403, 404].contains(r.status.code), "\(uri): \(r.status)")
                if r.status == .ok { read += 1 }
                for leak in Self.others where r.text.contains(leak) {
                    XCTFail("\(uri) (\(r.status.code)) shows '\(leak)' to the OPD user of opd0")
                }
                for n in 1..<(Self.pops * Self.perPOP) where r.text.range(of: "\\bopd\(n)\\b", options: .regularExpression) != nil {
                    XCTFail("\(uri) (\(r.status.code)) names opd\(n)")
                }
            }
            XCTAssertGreaterThan(read, 15, "the OPD user reads its own pages")
            // Its own: the trunk ticket with its own requester and site, and the trunk's state.
            let own = try await b.get(client, "/tickets/\(trunkTicket.number)").text
            XCTAssertTrue(own.contains("Pelapor Kami") && own.contains("Kantor Nomor 0"), "its own requester and site")
            XCTAssertNotNil(own.range(of: #"dampak \w+ x urgensi \w+ \(jam kerja"#, options: .regularExpression), "why this priority, without the others")
            XCTAssertStatus(try await b.get(client, "/tickets/\(otherTicket.number)"), .notFound, "another OPD's ticket is not found, like a missing one")
            XCTAssertStatus(try await b.get(client, "/sites/opd5"), .forbidden)

            // The live stream: every site and ticket changes; only its own reach it.
            let stream = Task { try await b.get(client, "/events") }
            let deadline = Date().addingTimeInterval(10)
            while hub.clientCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            for s in inv.sites { hub.publish(.state(target: s.id, state: "down", since: Self.now, sites: [s.id])) }
            for l in inv.links { hub.publish(.state(target: l.id, state: "down", since: Self.now, sites: [l.to])) }
            hub.publish(.ticket(number: otherTicket.number, state: "opened", priority: "P3", sites: ["opd7"]))
            hub.publish(.ticket(number: trunkTicket.number, state: "acknowledged", priority: "P1", sites: trunkTicket.affectedSites))
            try await Task.sleep(for: .milliseconds(300))
            XCTAssertStatus(try await b.post(client, "/logout", form: ["csrf": b.csrf]), .found)
            let events = try await stream.value.text
            XCTAssertTrue(events.contains("\"target\":\"opd0\"") && events.contains(trunkTicket.number), "its own site and ticket arrive: \(events)")
            XCTAssertFalse(events.contains(otherTicket.number), "another OPD's ticket on the stream")
            for n in 1..<(Self.pops * Self.perPOP) where events.contains("\"target\":\"opd\(n)\"") || events.contains("\"target\":\"fo-opd\(n)\"") {
                XCTFail("opd\(n)'s change reached the OPD user of opd0")
            }
        }
    }
}
