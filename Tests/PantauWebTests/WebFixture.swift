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

/// A clock that stands still (the web face only reads it).
struct FixedClock: WallClock {
    let t: Double
    func now() -> Double { t }
    func sleep(until deadline: Double) async throws { try await Task.sleep(for: .seconds(max(0, deadline - t))) }
}

/// A small network with two OPDs behind a POP, a user of each role, and two tickets (one per OPD).
struct WebFixture {
    static let now: EpochSeconds = 1_764_554_400   // 2025-12-01 09:00 WIB, a Monday
    static let password = "correct horse battery"

    let inventory = Inventory(organization: "Diskominfo Uji", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1"),
        Site(id: "pop", name: "POP Kota", role: .distribution, address: "127.0.0.2", uplinks: ["fo-pop"]),
        Site(id: "bkd", name: "Badan Kepegawaian", address: "127.0.0.3", uplinks: ["fo-bkd"]),
        Site(id: "dinkes", name: "Dinas Kesehatan", address: "127.0.0.4", uplinks: ["fo-dinkes"]),
    ], links: [
        Link(id: "fo-pop", kind: .foUnderground, from: "dc", to: "pop", a: LinkEnd(device: "sw", interface: "sfp1")),
        Link(id: "fo-bkd", kind: .foUnderground, from: "pop", to: "bkd"),
        Link(id: "fo-dinkes", kind: .foUnderground, from: "pop", to: "dinkes"),
    ], devices: [Device(id: "sw", site: "dc", address: "127.0.0.9", vendor: .mikrotik, role: .core, snmpProfile: "p")], maintenance: [])
    let store: any WebStore
    let app: WebApp
    var bkdTicket = ""
    var dinkesTicket = ""

    /// `store`: an empty store to fill (PostgreSQL in the central variants); nil: a new SQLite file.
    init(store given: (any WebStore)? = nil) async throws {
        store = try given ?? Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-web-\(UUID().uuidString).sqlite").path)
        let hash = Passwords.hash(Self.password, cost: 4)
        for u in [WebUser(name: "admin", displayName: "Admin", role: .admin), WebUser(name: "noc", displayName: "Budi NOC (NIP 1980)", role: .noc),
                  WebUser(name: "kepala", displayName: "Kepala Bidang", role: .manager),
                  WebUser(name: "opd-bkd", displayName: "Operator BKD", role: .opd, sites: ["bkd"])] {
            try await store.addUser(u, passwordHash: hash, actor: "test", at: Self.now - 3600)
        }
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: Self.now - 600, detail: EngineDetail())
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: Self.now - 5, observations: [
            Observation(kind: .site, element: "dc", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .up), since: Self.now - 600),
            Observation(kind: .site, element: "pop", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .up), since: Self.now - 600),
            Observation(kind: .site, element: "bkd", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .down), since: Self.now - 300),
            Observation(kind: .site, element: "dinkes", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .down), since: Self.now - 200),
        ], cycle: CycleReport(startedAt: Double(Self.now - 5), durationMs: 20, done: 4, answered: 2, late: 0)), session: icmp)
        let none: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }
        // One message for the P1 ticket, not yet delivered: the outbox backlog is 1.
        let one: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { t, c in
            [OutboxDraft(dedupeKey: "\(t.number):\(c.rawValue):tg", channel: "telegram", subject: t.number, body: c.rawValue)]
        }
        let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high (score 14; 1 site(s): bkd high 4) x urgency high (working hours, 7h00m left) = P1")
        let p3 = PriorityDecision(priority: .p3, impact: .low, urgency: .medium, score: 4, reason: "impact low (score 2; 1 site(s): dinkes medium 2) x urgency medium (40 min before closing) = P3")
        let (a, _) = try await store.openTicket(RootCause(element: .link("fo-bkd"), cause: .foCut, affectedSites: ["bkd"], startedAt: Self.now - 300,
                                                          evidence: ["fo-bkd (fo-underground): sw/sfp2 admin-up, oper-down"]), decision: p1, at: Self.now - 290, month: "2025-12",
                                                reopenWithin: 3600, prefix: "GGN", messages: one)
        let (b, _) = try await store.openTicket(RootCause(element: .site("dinkes"), cause: .opdDeviceOrPower, affectedSites: ["dinkes"],
                                                          startedAt: Self.now - 200, evidence: []), decision: p3, at: Self.now - 190,
                                                month: "2025-12", reopenWithin: 3600, prefix: "GGN", messages: none)
        bkdTicket = a.number
        dinkesTicket = b.number
        let status = StatusQuery(inventory: inventory, probes: ProbeConfig(), snmp: SNMPProbeConfig())
        app = try WebApp(inventory: inventory, config: WebConfig(), store: store, status: status, policy: PriorityPolicy(),
                         clock: FixedClock(t: Double(Self.now)), hub: LiveHub(inventory: inventory), logger: Logger(label: "test"))
    }

    func application() -> some ApplicationProtocol {
        Application(router: app.router())
    }
}

/// A browser's side of a session: its cookies and the page's CSRF token.
struct Browser {
    var cookies: [String: String] = [:]
    var csrf = ""

    var cookieHeader: HTTPFields {
        var h = HTTPFields()
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return h
    }

    mutating func take(_ response: TestResponse) {
        for c in response.headers[values: .setCookie] {
            let pair = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
        }
        let body = String(buffer: response.body)
        if let r = body.range(of: "name=\"csrf\" value=\"") {
            csrf = String(body[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    func get(_ client: some TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var h = cookieHeader
        h.append(contentsOf: headers)
        return try await client.execute(uri: uri, method: .get, headers: h)
    }

    func post(_ client: some TestClientProtocol, _ uri: String, form: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        var h = cookieHeader
        h[.contentType] = "application/x-www-form-urlencoded"
        h.append(contentsOf: headers)
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
    }

    /// Logs in through the form, as a browser would (login CSRF cookie, then the session cookie).
    static func login(_ client: some TestClientProtocol, user: String, password: String = WebFixture.password) async throws -> Browser {
        var b = Browser()
        b.take(try await b.get(client, "/login"))
        let r = try await b.post(client, "/login", form: ["user": user, "password": password, "csrf": b.csrf, "next": "/"])
        b.take(r)
        XCTAssertEqual(r.status, .found)
        XCTAssertEqual(r.headers[.location], "/", "logged in as \(user)")
        b.take(try await b.get(client, "/"))
        return b
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

func XCTAssertStatus(_ response: TestResponse, _ status: HTTPResponse.Status, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(response.status, status, "\(message) \(response.text.prefix(200))", file: file, line: line)
}
