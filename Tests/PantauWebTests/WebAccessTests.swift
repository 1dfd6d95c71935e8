import Foundation
import GRDB
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

/// Every route, role and error of the web face, on Hummingbird's test client.
class WebAccessTests: XCTestCase {
    /// The fixture on SQLite; `PostgresWebAccessTests` runs every test here on PostgreSQL.
    func fixture() async throws -> WebFixture { try await WebFixture() }

    func testEveryRouteNeedsALogin() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            for page in ["/", "/tickets", "/tickets/\(f.bkdTicket)", "/sites/bkd", "/availability", "/availability/bkd"] {
                let r = try await client.execute(uri: page, method: .get)
                XCTAssertEqual(r.status, .found, page)
                XCTAssertTrue(r.headers[.location]?.hasPrefix("/login?next=") == true, page)
            }
            for api in ["/api/v1/me", "/api/v1/status", "/api/v1/sites", "/api/v1/tickets", "/api/v1/availability", "/metrics", "/events"] {
                let r = try await client.execute(uri: api, method: .get)
                XCTAssertEqual(r.status, .unauthorized, api)
            }
            let ack = try await client.execute(uri: "/api/v1/tickets/\(f.bkdTicket)/ack", method: .post)
            XCTAssertEqual(ack.status, .unauthorized)
            // Login page and assets are public; every response carries the security headers.
            let login = try await client.execute(uri: "/login", method: .get)
            XCTAssertEqual(login.status, .ok)
            XCTAssertEqual(login.headers[.xContentTypeOptions], "nosniff")
            XCTAssertEqual(login.headers[HTTPField.Name("X-Frame-Options")!], "DENY")
            let csp = login.headers[.contentSecurityPolicy] ?? ""
            XCTAssertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), csp)
            XCTAssertStatus(try await client.execute(uri: "/static/pantau.js", method: .get), .ok)
        }
    }

    func testLoginSetsAStrictHttpOnlyCookieAndShowsTheOverview() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            var b = Browser()
            b.take(try await b.get(client, "/login"))
            let r = try await b.post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf, "next": "/tickets"])
            XCTAssertEqual(r.status, .found)
            XCTAssertEqual(r.headers[.location], "/tickets")
            let cookie = r.headers[values: .setCookie].first { $0.hasPrefix("pantau_session=") } ?? ""
            XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie)
            XCTAssertFalse(cookie.contains("Secure"), "plain HTTP on loopback: no Secure flag (TLS sets it)")
            b.take(r)
            let overview = try await b.get(client, "/")
            b.take(overview)
            XCTAssertEqual(overview.status, .ok)
            let html = overview.text
            for s in ["Pusat Data", "POP Kota", "Badan Kepegawaian", "Dinas Kesehatan", f.bkdTicket, f.dinkesTicket, "icmp@local", "Budi NOC"] {
                XCTAssertTrue(html.contains(s), "overview shows \(s)")
            }
            // The tree: the OPDs nested under the POP, under the DC.
            let pop = html.range(of: "POP Kota")!, bkd = html.range(of: "/sites/bkd")!
            XCTAssertTrue(pop.lowerBound < bkd.lowerBound && html[pop.upperBound..<bkd.lowerBound].contains("<ul>"), "bkd sits under the POP")
            XCTAssertFalse(html.contains("$2b$") || html.contains("$2y$"), "no password hash in a page")
            XCTAssertTrue(html.contains("<b id=\"outbox\">1</b>"), "the notification backlog")
            // Logging out ends the session: the same cookie is refused afterwards.
            let out = try await b.post(client, "/logout", form: ["csrf": b.csrf])
            XCTAssertEqual(out.status, .found)
            XCTAssertStatus(try await b.get(client, "/"), .found)
        }
    }

    /// Issue 31: during a database lock the login answered a bare HTTP 500 with no page. Now a
    /// store failure is a 503 page that says so (in both languages) and reloads itself; the error
    /// itself stays in the log.
    func testALockedDatabaseGivesAPageNotABare500() async throws {
        let f = try await fixture()
        guard let sqlite = f.store as? Store else { throw XCTSkip("SQLite only: a file lock held by another connection") }
        try await f.application().test(.router) { client in
            var b = Browser()
            b.take(try await b.get(client, "/login"))
            // Another process holds the write lock past the store's 10 s busy timeout.
            let other = try DatabaseQueue(path: sqlite.path)
            let holding = Task.detached {
                try other.write { db in
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS lock_probe (x)")
                    Thread.sleep(forTimeInterval: 13)
                }
            }
            try await Task.sleep(nanoseconds: 300_000_000)
            let r = try await b.post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf])
            XCTAssertEqual(r.status, .serviceUnavailable)
            XCTAssertEqual(r.headers[.retryAfter], "5")
            XCTAssertTrue(r.text.contains("Basis data tidak tersedia") && r.text.contains("The database cannot be used right now"), r.text)
            XCTAssertFalse(r.text.contains("SQLite") || r.text.contains(sqlite.path), "no error detail in the page: \(r.text)")
            try await holding.value
            // The lock gone, the same login works.
            b.take(try await b.get(client, "/login"))
            let again = try await b.post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf])
            XCTAssertEqual(again.status, .found)
        }
    }

    /// Issue 31: the overview showed no store failure. It says what the engine's health file
    /// says (the store failing to write, an optional prober not running), to the NOC.
    func testTheOverviewSaysTheStoreIsFailing() async throws {
        let f = try await fixture()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-health-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        var h = StoreHealth(failingSince: WebFixture.now - 120, lastError: "SQLite error 13: database or disk is full", pendingBatches: 9,
                            lastOutageFrom: nil, lastOutageTo: nil, at: WebFixture.now)
        h.probers = ["capture": StoreFault(since: WebFixture.now - 60, error: "reading m0: The interface disappeared", attempts: 3)]
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: try JSONEncoder().encode(h)))
        let app = try WebApp(inventory: f.inventory, config: WebConfig(), store: f.store,
                             status: StatusQuery(inventory: f.inventory, probes: ProbeConfig(), snmp: SNMPProbeConfig()), policy: PriorityPolicy(),
                             clock: FixedClock(t: Double(WebFixture.now)), hub: LiveHub(inventory: f.inventory), logger: Logger(label: "test"),
                             healthFile: file)
        try await Application(router: app.router()).test(.router) { client in
            var b = Browser()
            b.take(try await b.get(client, "/login"))
            b.take(try await b.post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf]))
            let html = try await b.get(client, "/").text
            XCTAssertTrue(html.contains("Basis data gagal ditulis sejak") && html.contains("9 hasil menunggu"), html)
            XCTAssertTrue(html.contains("capture tidak berjalan sejak"), html)
            XCTAssertFalse(html.contains("disk is full"), "the error text stays in the log and status")
        }
    }

    /// Issue 31 (low): a body over the limit got a bare 413. It says why.
    func testATooLargeRequestSaysWhy() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let big = String(repeating: "a", count: 70 * 1024)
            let r = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "user=\(big)"))
            XCTAssertEqual(r.status, .contentTooLarge)
            XCTAssertTrue(String(buffer: r.body).contains("64 KiB"), String(buffer: r.body))
        }
    }

    func testLoginCSRFAndWrongPasswordsAreThrottledPerUser() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            var b = Browser()
            b.take(try await b.get(client, "/login"))
            // A form posted from elsewhere has no matching login cookie.
            let forged = try await Browser().post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf])
            XCTAssertEqual(forged.status, .forbidden)
            for _ in 0..<5 {
                let r = try await b.post(client, "/login", form: ["user": "noc", "password": "wrong password!", "csrf": b.csrf])
                XCTAssertEqual(r.headers[.location], "/login?failed=1")
            }
            // Past five failures even the right password waits.
            let throttled = try await b.post(client, "/login", form: ["user": "noc", "password": WebFixture.password, "csrf": b.csrf])
            XCTAssertEqual(throttled.status, .tooManyRequests)
            XCTAssertNotNil(throttled.headers[.retryAfter])
            // Another user is not locked out by noc's failures from... the same address is, though:
            // the address has failed five times too (a password spray from one client stops).
            let other = try await b.post(client, "/login", form: ["user": "kepala", "password": WebFixture.password, "csrf": b.csrf])
            XCTAssertEqual(other.status, .tooManyRequests)
            let audit = try await f.store.auditLog(limit: 20).map(\.action)
            XCTAssertEqual(audit.filter { $0 == "login.failed" }.count, 5)
            XCTAssertTrue(audit.contains("login.throttled"))
        }
    }

    func testDisabledUserCannotLogInAndLosesItsSession() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let b = try await Browser.login(client, user: "kepala")
            try await f.store.setDisabled("kepala", true, actor: "test", at: WebFixture.now)
            XCTAssertStatus(try await b.get(client, "/"), .found, "the session ended with the user")
            var c = Browser()
            c.take(try await c.get(client, "/login"))
            let r = try await c.post(client, "/login", form: ["user": "kepala", "password": WebFixture.password, "csrf": c.csrf])
            XCTAssertEqual(r.headers[.location], "/login?failed=1")
        }
    }

    func testTicketActionsNeedTheRoleAndTheCSRFTokenAndAreAudited() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let manager = try await Browser.login(client, user: "kepala")
            let page = try await manager.get(client, "/tickets/\(f.bkdTicket)")
            XCTAssertEqual(page.status, .ok)
            XCTAssertFalse(page.text.contains("/ack\""), "a manager sees no action forms")
            XCTAssertStatus(try await manager.post(client, "/tickets/\(f.bkdTicket)/ack", form: ["csrf": manager.csrf]), .forbidden)

            var noc = try await Browser.login(client, user: "noc")
            noc.take(try await noc.get(client, "/tickets/\(f.bkdTicket)"))
            XCTAssertStatus(try await noc.post(client, "/tickets/\(f.bkdTicket)/ack", form: [:]), .forbidden, "no CSRF token")
            XCTAssertStatus(try await noc.post(client, "/tickets/\(f.bkdTicket)/ack", form: ["csrf": "forged"]), .forbidden)
            let ack = try await noc.post(client, "/tickets/\(f.bkdTicket)/ack", form: ["csrf": noc.csrf])
            XCTAssertEqual(ack.status, .found)
            let t = try await f.store.ticket(f.bkdTicket)
            XCTAssertEqual(t?.state, .acknowledged)
            XCTAssertEqual(t?.assignedTo, "Budi NOC (NIP 1980)", "the acting user, not free text")
            // Closing an unresolved ticket is refused with the reason.
            let close = try await noc.post(client, "/tickets/\(f.bkdTicket)/close",
                                           form: ["csrf": noc.csrf, "officers": "Budi (NIP 1980)", "problem": "FO putus", "work": "sambung"])
            XCTAssertEqual(close.status, .conflict)
            XCTAssertStatus(try await noc.post(client, "/tickets/\(f.bkdTicket)/resolve", form: ["csrf": noc.csrf, "note": "disambung"]), .found)
            let closed = try await noc.post(client, "/tickets/\(f.bkdTicket)/close",
                                            form: ["csrf": noc.csrf, "officers": "Budi (NIP 1980)\nSari (NIP 1990)", "problem": "FO putus",
                                                   "work": "sambung ulang", "cause": "fo-cut"])
            XCTAssertEqual(closed.status, .found)
            let done = try await f.store.ticket(f.bkdTicket)
            XCTAssertEqual(done?.state, .closed)
            XCTAssertEqual(done?.beritaAcara?.officers, ["Budi (NIP 1980)", "Sari (NIP 1990)"])
            let audit = try await f.store.auditLog(limit: 50).filter { $0.action.hasPrefix("ticket.") }
            XCTAssertEqual(audit.map(\.action), ["ticket.close", "ticket.resolve", "ticket.ack"])
            XCTAssertTrue(audit.allSatisfy { $0.actor == "noc" && $0.object == f.bkdTicket })
            XCTAssertStatus(try await noc.get(client, "/tickets/GGN-2099-01-0001"), .notFound)
        }
    }

    func testAnOPDUserReadsOnlyItsOwnSiteOnEveryRoute() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let b = try await Browser.login(client, user: "opd-bkd")
            XCTAssertStatus(try await b.get(client, "/sites/bkd"), .ok)
            for uri in ["/sites/dinkes", "/availability/dinkes", "/api/v1/sites/dinkes", "/metrics"] {
                XCTAssertStatus(try await b.get(client, uri), .forbidden, uri)
            }
            // Another OPD's ticket answers like a missing one (issue 27).
            for uri in ["/tickets/\(f.dinkesTicket)", "/api/v1/tickets/\(f.dinkesTicket)"] {
                XCTAssertStatus(try await b.get(client, uri), .notFound, uri)
            }
            for uri in ["/", "/tickets", "/availability", "/api/v1/tickets", "/api/v1/status", "/api/v1/sites", "/api/v1/availability"] {
                let r = try await b.get(client, uri)
                XCTAssertEqual(r.status, .ok, uri)
                XCTAssertFalse(r.text.contains("Dinas Kesehatan") || r.text.contains("dinkes") || r.text.contains(f.dinkesTicket), "\(uri) leaks another OPD")
            }
            let overview = try await b.get(client, "/").text
            XCTAssertTrue(overview.contains(f.bkdTicket))
            XCTAssertFalse(overview.contains("icmp@local"), "the engine's health is for the network team")
            XCTAssertStatus(try await b.post(client, "/tickets/\(f.bkdTicket)/ack", form: ["csrf": b.csrf]), .forbidden, "opd reads only")
        }
    }

    func testAPITokensActWithTheirUsersRole() async throws {
        let f = try await fixture()
        let token = WebApp.newToken()
        try await f.store.addToken(tokenSHA256: WebApp.tokenHash(token), label: "service desk", user: "noc", actor: "test", at: WebFixture.now)
        try await f.application().test(.router) { client in
            let bearer: HTTPFields = [.authorization: "Bearer \(token)"]
            let list = try await client.execute(uri: "/api/v1/tickets", method: .get, headers: bearer)
            XCTAssertEqual(list.status, .ok)
            let tickets = try JSONDecoder().decode([[String: AnyJSON]].self, from: Data(list.text.utf8))
            XCTAssertEqual(tickets.count, 2)
            // A token is not a cookie: no CSRF header needed; the action is audited as its user.
            let ack = try await client.execute(uri: "/api/v1/tickets/\(f.dinkesTicket)/ack", method: .post, headers: bearer)
            XCTAssertEqual(ack.status, .ok, ack.text)
            XCTAssertTrue(ack.text.contains("\"state\":\"acknowledged\""), ack.text)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: bearer)
            XCTAssertEqual(metrics.status, .ok)
            XCTAssertTrue(metrics.text.contains("pantau_site_state{site=\"bkd\",state=\"down\"} 1"), metrics.text)
            XCTAssertTrue(metrics.text.contains("pantau_open_tickets{priority=\"P1\"} 1"), metrics.text)
            XCTAssertTrue(metrics.text.contains("pantau_outbox_backlog 1"), "one message not yet delivered: \(metrics.text)")
            XCTAssertStatus(try await client.execute(uri: "/api/v1/tickets", method: .get, headers: [.authorization: "Bearer pnt_nope"]), .unauthorized)
            // A session's API change needs the X-CSRF-Token header.
            let b = try await Browser.login(client, user: "noc")
            XCTAssertStatus(try await b.post(client, "/api/v1/tickets/\(f.bkdTicket)/ack", form: [:]), .forbidden)
            XCTAssertStatus(try await b.post(client, "/api/v1/tickets/\(f.bkdTicket)/ack", form: [:],
                                            headers: [HTTPField.Name("X-CSRF-Token")!: b.csrf]), .ok)
        }
        try await f.store.setDisabled("noc", true, actor: "test", at: WebFixture.now)
        try await f.application().test(.router) { client in
            XCTAssertStatus(try await client.execute(uri: "/api/v1/tickets", method: .get, headers: [.authorization: "Bearer \(token)"]), .unauthorized, "disabling a user revokes its tokens")
        }
    }

    func testAnAdminManagesUsersFromThePageAndOthersMayNot() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let noc = try await Browser.login(client, user: "noc")
            for uri in ["/admin/users", "/admin/config"] { XCTAssertStatus(try await noc.get(client, uri), .forbidden, uri) }
            let nocPage = try await noc.get(client, "/")
            XCTAssertFalse(nocPage.text.contains("/admin/users"), "no admin link for noc")
            var admin = try await Browser.login(client, user: "admin")
            let page = try await admin.get(client, "/admin/users")
            admin.take(page)
            XCTAssertStatus(page, .ok)
            XCTAssertTrue(page.text.contains("opd-bkd") && page.text.contains("Kepala Bidang"), page.text)
            XCTAssertFalse(page.text.contains("$2b$"), "no hash on the users page")
            // Mistakes are refused with the reason; a forged form is refused.
            XCTAssertStatus(try await admin.post(client, "/admin/users", form: ["csrf": admin.csrf, "name": "camat", "role": "opd",
                                                                               "password": "panjang-sekali-1"]), .badRequest)
            XCTAssertStatus(try await admin.post(client, "/admin/users", form: ["csrf": admin.csrf, "name": "camat", "role": "opd", "sites": "nowhere",
                                                                               "password": "panjang-sekali-1"]), .badRequest)
            XCTAssertStatus(try await admin.post(client, "/admin/users", form: ["csrf": "forged", "name": "camat", "role": "opd", "sites": "bkd",
                                                                               "password": "panjang-sekali-1"]), .forbidden)
            XCTAssertStatus(try await admin.post(client, "/admin/users", form: ["csrf": admin.csrf, "name": "camat", "displayName": "Camat Kota",
                                                                               "role": "opd", "sites": "bkd", "password": "panjang-sekali-1"]), .found)
            XCTAssertStatus(try await admin.post(client, "/admin/users", form: ["csrf": admin.csrf, "name": "camat", "role": "noc",
                                                                               "password": "panjang-sekali-1"]), .conflict, "the name exists")
            let camat = try await Browser.login(client, user: "camat", password: "panjang-sekali-1")
            XCTAssertStatus(try await camat.get(client, "/sites/bkd"), .ok)
            XCTAssertStatus(try await admin.post(client, "/admin/users/camat/disable", form: ["csrf": admin.csrf]), .found)
            XCTAssertStatus(try await camat.get(client, "/sites/bkd"), .found, "disabled: the session is gone")
            XCTAssertStatus(try await admin.post(client, "/admin/users/admin/disable", form: ["csrf": admin.csrf]), .conflict)
            let audit = try await f.store.auditLog(limit: 50).filter { $0.action.hasPrefix("user.") }
            XCTAssertEqual(audit.first.map { "\($0.actor) \($0.action) \($0.object)" }, "admin user.disable camat")
            XCTAssertTrue(audit.contains { $0.actor == "admin" && $0.action == "user.add" && $0.object == "camat" })
            let config = try await admin.get(client, "/admin/config")
            XCTAssertTrue(config.text.contains("sla.availability_target_pct") && config.text.contains("Asia/Jakarta"), config.text)
        }
    }

    func testLinkPagesAndTheBeritaAcaraFollowTheSameAccess() async throws {
        let f = try await fixture()
        try await f.application().test(.router) { client in
            let noc = try await Browser.login(client, user: "noc")
            let link = try await noc.get(client, "/links/fo-pop")
            XCTAssertStatus(link, .ok)
            XCTAssertTrue(link.text.contains("POP Kota") && link.text.contains("Badan Kepegawaian") && link.text.contains("<svg"), link.text)
            XCTAssertStatus(try await noc.get(client, "/links/no-such-link"), .notFound)
            let ba = try await noc.get(client, "/tickets/\(f.bkdTicket)/berita-acara")
            XCTAssertStatus(ba, .ok)
            XCTAssertTrue(ba.text.contains("Berita Acara") && ba.text.contains(f.bkdTicket), String(ba.text.prefix(400)))
            XCTAssertTrue(ba.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true, "a document without script")
            let opd = try await Browser.login(client, user: "opd-bkd")
            XCTAssertStatus(try await opd.get(client, "/links/fo-bkd"), .ok)
            XCTAssertStatus(try await opd.get(client, "/links/fo-dinkes"), .forbidden)
            XCTAssertStatus(try await opd.get(client, "/tickets/\(f.dinkesTicket)/berita-acara"), .notFound)
            XCTAssertStatus(try await opd.get(client, "/tickets/\(f.bkdTicket)/berita-acara"), .ok)
        }
    }

    func testLiveEventsReachOnlyThoseWhoMaySeeThem() async throws {
        let f = try await fixture()
        let noc = f.app.hub.subscribe(Access(WebUser(name: "noc", displayName: "n", role: .noc)))
        let opd = f.app.hub.subscribe(Access(WebUser(name: "o", displayName: "o", role: .opd, sites: ["bkd"])))
        f.app.hub.publish(.state(target: "dinkes", state: "down", since: 1, sites: ["dinkes"]))
        f.app.hub.publish(.ticket(number: f.bkdTicket, state: "opened", priority: "P1", sites: ["bkd", "fo-bkd"]))
        var n = noc.makeAsyncIterator(), o = opd.makeAsyncIterator()
        let first = await n.next(), second = await n.next(), seen = await o.next()
        XCTAssertEqual(first, .state(target: "dinkes", state: "down", since: 1, sites: ["dinkes"]))
        XCTAssertEqual(second, .ticket(number: f.bkdTicket, state: "opened", priority: "P1", sites: ["bkd", "fo-bkd"]))
        XCTAssertEqual(seen, .ticket(number: f.bkdTicket, state: "opened", priority: "P1", sites: ["bkd", "fo-bkd"]),
                       "the OPD user hears its own ticket, not dinkes going down")
    }
}

/// Any JSON value, for looking into API answers without their types.
enum AnyJSON: Decodable {
    case value
    init(from decoder: Decoder) throws { self = .value }
}
