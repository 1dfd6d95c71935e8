import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PantauCore
import PantauStoreKit
import PantauWeb
import XCTest

/// Issue 27: what an OPD user reads of what it shares with other OPDs (a trunk, a ticket of a cut
/// that took several OPDs down), and the hardening around sessions, redirects and the API.
final class WebScopeTests: XCTestCase {
    /// The trunk to the POP is cut: one ticket for bkd and dinkes, each OPD's requester on it.
    func sharedTicket(_ f: WebFixture) async throws -> String {
        let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high x urgency high = P1")
        // The fixture's own tickets of bkd and dinkes are over: the reports join the trunk's.
        for key in ["link:fo-bkd", "site:dinkes"] {
            _ = try await f.store.resolveTicket(rootKey: key, recoveredAt: WebFixture.now - 150, at: WebFixture.now - 140, detail: "up", messages: { _, _ in [] })
        }
        let (t, _) = try await f.store.openTicket(RootCause(element: .link("fo-pop"), cause: .foCut, affectedSites: ["pop", "bkd", "dinkes"],
                                                            startedAt: WebFixture.now - 100, evidence: ["fo-pop (fo-underground): sw/sfp1 oper-down; Dinas Kesehatan silent"]),
                                                  decision: p1, at: WebFixture.now - 90, month: "2025-12", reopenWithin: 3600, prefix: "GGN",
                                                  messages: { _, _ in [] })
        for (site, who, phone, text) in [("dinkes", "Sari (Dinkes)", "+6281200001111", "jaringan puskesmas pusat mati total"),
                                         ("bkd", "Rina (BKD)", "+6281200002222", "internet BKD putus")] {
            let req = Requester(site: site, name: who, contact: Contact(kind: .whatsapp, address: phone), via: "web", text: text,
                                reportedBy: "test", at: WebFixture.now - 60)
            let (joined, attached) = try await f.store.reportDisruption(req, evidence: [], decision: p1, month: "2025-12", prefix: "GGN",
                                                                        at: WebFixture.now - 60, messages: { _, _ in [] })
            XCTAssertTrue(attached && joined.number == t.number, "\(site)'s report joins the trunk's ticket")
        }
        return t.number
    }

    func testAnOPDUserReadsOnlyTheStateOfWhatItShares() async throws {
        let f = try await WebFixture()
        let number = try await sharedTicket(f)
        try await f.application().test(.router) { client in
            let opd = try await Browser.login(client, user: "opd-bkd")
            // The ticket of the trunk cut: its own requester, its own site, the state; nothing of dinkes.
            for uri in ["/tickets/\(number)", "/api/v1/tickets/\(number)", "/api/v1/tickets", "/tickets", "/tickets/\(number)/berita-acara"] {
                let r = try await opd.get(client, uri)
                XCTAssertStatus(r, .ok, uri)
                for leak in ["+6281200001111", "Sari (Dinkes)", "puskesmas pusat", "Dinas Kesehatan", "dinkes", "sfp1"] {
                    XCTAssertFalse(r.text.contains(leak), "\(uri) shows '\(leak)' to the BKD user")
                }
            }
            let own = try await opd.get(client, "/tickets/\(number)").text
            XCTAssertTrue(own.contains("Rina (BKD)") && own.contains("+6281200002222"), "its own requester and how it is reached")
            // The trunk above its site: the state, not who else is behind it nor the trunk's ports.
            let trunk = try await opd.get(client, "/links/fo-pop")
            XCTAssertStatus(trunk, .ok)
            for leak in ["Dinas Kesehatan", "dinkes", "sfp1"] { XCTAssertFalse(trunk.text.contains(leak), "the trunk page shows '\(leak)'") }
            // The network team reads it all.
            let noc = try await Browser.login(client, user: "noc")
            let full = try await noc.get(client, "/tickets/\(number)").text
            XCTAssertTrue(full.contains("+6281200001111") && full.contains("Dinas Kesehatan"), "the NOC sees every requester")
            let trunkForNOC = try await noc.get(client, "/links/fo-pop").text
            XCTAssertTrue(trunkForNOC.contains("Dinas Kesehatan"))
        }
    }

    /// A ticket an OPD may not see answers like one that does not exist (numbers cannot be probed).
    func testAnotherOPDsTicketIsNotFoundLikeAMissingOne() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            let opd = try await Browser.login(client, user: "opd-bkd")
            for uri in ["/tickets/\(f.dinkesTicket)", "/tickets/GGN-2025-12-9999", "/api/v1/tickets/\(f.dinkesTicket)", "/api/v1/tickets/GGN-2025-12-9999",
                        "/tickets/\(f.dinkesTicket)/berita-acara"] {
                XCTAssertStatus(try await opd.get(client, uri), .notFound, uri)
            }
        }
    }

    func testRedirectsStayOnThisSite() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            for (next, expected) in [("/%09/evil.example/x", "/"), ("/%0A/evil.example", "/"), ("//evil.example", "/"), ("/%5C/evil.example", "/"),
                                     ("https://evil.example/", "/"), ("/tickets?state=open", "/tickets?state=open")] {
                let r = try await client.execute(uri: "/lang/en?next=\(next)", method: .get)
                XCTAssertEqual(r.status, .found, next)
                XCTAssertEqual(r.headers[.location], expected, next)
            }
        }
    }

    func testUnknownAPIFieldsAreRefusedInWords() async throws {
        let f = try await WebFixture()
        let token = WebApp.newToken()
        try await f.store.addToken(tokenSHA256: WebApp.tokenHash(token), label: "t", user: "noc", actor: "test", at: WebFixture.now)
        try await f.application().test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            var r = try await client.execute(uri: "/api/v1/tickets/\(f.bkdTicket)/resolve", method: .post, headers: headers,
                                             body: ByteBuffer(string: #"{"note": "ok", "notes": "typo"}"#))
            XCTAssertStatus(r, .badRequest)
            XCTAssertTrue(r.text.contains("unknown field(s): notes") && r.text.contains("this call takes: note"), r.text)
            r = try await client.execute(uri: "/api/v1/tickets/\(f.bkdTicket)/close", method: .post, headers: headers,
                                         body: ByteBuffer(string: #"{"officers": "Budi", "problem": "x", "work": "y"}"#))
            XCTAssertStatus(r, .badRequest)
            XCTAssertTrue(r.text.contains("field 'officers' has the wrong type") && !r.text.contains("DecodingError"), r.text)
        }
    }

    /// A live stream ends with the session behind it: logout (or `pantau user disable`, a new
    /// password) ends `/events` within the recheck interval.
    func testALiveStreamEndsAtLogout() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            let b = try await Browser.login(client, user: "noc")
            let stream = Task { try await b.get(client, "/events") }
            let deadline = Date().addingTimeInterval(10)
            while f.app.hub.clientCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            XCTAssertEqual(f.app.hub.clientCount, 1, "the stream is open")
            XCTAssertStatus(try await b.post(client, "/logout", form: ["csrf": b.csrf]), .found)
            let loggedOut = Date()
            let ended = try await withThrowingTaskGroup(of: TestResponse?.self) { group in
                group.addTask { try await stream.value }
                group.addTask { try await Task.sleep(for: .seconds(15)); return nil }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            let r = try XCTUnwrap(ended, "the stream outlived the logout by 15 s")
            XCTAssertLessThan(Date().timeIntervalSince(loggedOut), 5, "ended within the 3 s recheck (and a margin), as docs/web.md says")
            XCTAssertTrue(r.text.contains(": connected"), r.text)
            stream.cancel()
        }
    }

    /// `pantau user token revoke`: the token's calls are refused at once and its live stream ends.
    func testARevokedTokenEndsItsCallsAndItsStream() async throws {
        let f = try await WebFixture()
        let token = WebApp.newToken()
        try await f.store.addToken(tokenSHA256: WebApp.tokenHash(token), label: "portal", user: "noc", actor: "test", at: WebFixture.now)
        let listed = try await f.store.tokens(user: "noc")
        XCTAssertEqual(listed.map(\.label), ["portal"])
        XCTAssertEqual(listed.first?.id, String(WebApp.tokenHash(token).prefix(12)))
        try await f.application().test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            XCTAssertStatus(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers), .ok)
            let stream = Task { try await client.execute(uri: "/events", method: .get, headers: headers) }
            let deadline = Date().addingTimeInterval(10)
            while f.app.hub.clientCount == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            XCTAssertEqual(f.app.hub.clientCount, 1)
            let revoked = try await f.store.revokeToken(id: String(listed[0].id.prefix(8)), actor: "test", at: WebFixture.now)
            let revokedAt = Date()
            XCTAssertEqual(revoked.label, "portal")
            XCTAssertStatus(try await client.execute(uri: "/api/v1/me", method: .get, headers: headers), .unauthorized)
            let ended = try await withThrowingTaskGroup(of: TestResponse?.self) { group in
                group.addTask { try await stream.value }
                group.addTask { try await Task.sleep(for: .seconds(15)); return nil }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            XCTAssertNotNil(ended, "the stream outlived the revocation by 15 s")
            XCTAssertLessThan(Date().timeIntervalSince(revokedAt), 5, "ended within the 3 s recheck (and a margin)")
            stream.cancel()
        }
        do {
            _ = try await f.store.revokeToken(id: "abc", actor: "test", at: WebFixture.now)
            XCTFail("too short an id")
        } catch { XCTAssertTrue("\(error)".contains("at least 8 hex digits"), "\(error)") }
    }

    /// The daily bound on contacts a report gives, through the API: a 429 that says what to do.
    func testAnOPDCannotMakeTheGatewayMessageAnyNumber() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            let opd = try await Browser.login(client, user: "opd-bkd")
            var statuses: [HTTPResponse.Status] = []
            var last = ""
            for i in 0..<6 {
                var h = opd.cookieHeader
                h[.contentType] = "application/json"
                h[HTTPField.Name("X-CSRF-Token")!] = opd.csrf
                let r = try await client.execute(uri: "/api/v1/reports", method: .post, headers: h,
                                                 body: ByteBuffer(string: #"{"site": "bkd", "text": "mati", "contact": "whatsapp:081299990\#(i)0\#(i)"}"#))
                statuses.append(r.status)
                last = r.text
            }
            XCTAssertEqual(statuses.filter { $0 == .tooManyRequests }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.last, .tooManyRequests)
            XCTAssertTrue(last.contains("without a contact"), last)
        }
    }
}
