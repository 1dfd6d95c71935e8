import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PantauCore
import PantauSQLite
import PantauStoreKit
import PantauWeb
import XCTest

/// The helpdesk in the browser: who may report for which site, who sees which tickets and
/// archived Berita Acara, and the NOC reporting on behalf of a caller.
final class WebHelpdeskTests: XCTestCase {
    func testAnOPDUserReportsOnlyForItsOwnSiteAndSeesOnlyItsOwnTickets() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            var opd = try await Browser.login(client, user: "opd-bkd")
            let page = try await opd.get(client, "/tickets")
            opd.take(page)
            XCTAssertTrue(page.text.contains("action=\"/tickets/report\""), "the report form")
            XCTAssertTrue(page.text.contains("<option value=\"bkd\">"), "its own site")
            XCTAssertFalse(page.text.contains("<option value=\"dinkes\">"), "not another OPD's site")
            XCTAssertFalse(page.text.contains(f.dinkesTicket), "not another OPD's ticket")
            XCTAssertFalse(page.text.contains("action=\"/tickets/install\""), "installation tickets are the network team's")
            // The engine already tracks bkd's outage: the report joins that ticket.
            let r = try await opd.post(client, "/tickets/report", form: ["csrf": opd.csrf, "site": "bkd", "name": "Rina (Kasubag Umum)",
                                                                         "contact": "whatsapp:+6281299990001", "text": "internet mati sejak pagi"])
            XCTAssertStatus(r, .found)
            XCTAssertEqual(r.headers[.location], "/tickets/\(f.bkdTicket)?joined=1")
            let t = try await opd.get(client, "/tickets/\(f.bkdTicket)?joined=1")
            XCTAssertTrue(t.text.contains("id=\"joined\""))
            XCTAssertTrue(t.text.contains("Rina (Kasubag Umum)") && t.text.contains("internet mati sejak pagi"))
            let all = try await f.store.tickets(states: nil)
            XCTAssertEqual(all.count, 2, "no duplicate ticket")
            // Another OPD's site: refused, nothing written.
            let other = try await opd.post(client, "/tickets/report", form: ["csrf": opd.csrf, "site": "dinkes", "text": "x"])
            XCTAssertStatus(other, .forbidden)
            XCTAssertStatus(try await opd.get(client, "/tickets/\(f.dinkesTicket)"), .notFound, "like a ticket that does not exist")
            // Without the CSRF token: refused.
            XCTAssertStatus(try await opd.post(client, "/tickets/report", form: ["site": "bkd", "text": "x"]), .forbidden)
            // A bad contact is a clear 400.
            let bad = try await opd.post(client, "/tickets/report", form: ["csrf": opd.csrf, "site": "bkd", "text": "x", "contact": "0812"])
            XCTAssertStatus(bad, .badRequest)
            XCTAssertTrue(bad.text.contains("bukan kontak: tulis email:ALAMAT"), "said in the reader's language: \(bad.text)")
            let requesters = try await f.store.ticket(f.bkdTicket)!.requesters
            XCTAssertEqual(requesters.count, 1)
            XCTAssertEqual(requesters.first?.via, "web")
            XCTAssertEqual(requesters.first?.reportedBy, "Operator BKD")

            // A manager reads; it does not report.
            var kepala = try await Browser.login(client, user: "kepala")
            kepala.take(try await kepala.get(client, "/tickets"))
            XCTAssertStatus(try await kepala.post(client, "/tickets/report", form: ["csrf": kepala.csrf, "site": "bkd", "text": "x"]), .forbidden)
        }
        let audit = try await f.store.auditLog(limit: 50)
        XCTAssertTrue(audit.contains { $0.actor == "opd-bkd" && $0.action == "ticket.report" && $0.object == f.bkdTicket })
    }

    func testTheNOCReportsForACallerClosesWithTheBeritaAcaraAndTheArchiveFollowsAccess() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            var noc = try await Browser.login(client, user: "noc")
            noc.take(try await noc.get(client, "/tickets/\(f.dinkesTicket)"))
            XCTAssertStatus(try await noc.post(client, "/tickets/\(f.dinkesTicket)/resolve", form: ["csrf": noc.csrf, "note": "pulih"]), .found)
            // dinkes has no live ticket now: the caller's report opens a `reported` ticket.
            let r = try await noc.post(client, "/tickets/report", form: ["csrf": noc.csrf, "site": "dinkes", "name": "Sari (Puskesmas)",
                                                                         "via": "phone", "text": "SIMPUS lambat"])
            XCTAssertStatus(r, .found)
            let location = r.headers[.location] ?? ""
            XCTAssertFalse(location.contains("joined"), location)
            let number = String(location.dropFirst("/tickets/".count))
            let t = try await f.store.ticket(number)!
            XCTAssertEqual(t.kind, "reported")
            XCTAssertEqual(t.requesters.first?.via, "phone")
            XCTAssertEqual(t.requesters.first?.reportedBy, "Budi NOC (NIP 1980)")
            XCTAssertTrue(t.evidence.contains { $0.hasPrefix("site dinkes: down") }, "\(t.evidence)")
            noc.take(try await noc.get(client, "/tickets/\(number)"))
            XCTAssertStatus(try await noc.post(client, "/tickets/\(number)/resolve", form: ["csrf": noc.csrf, "note": "ok"]), .found)
            let close = try await noc.post(client, "/tickets/\(number)/close", form: [
                "csrf": noc.csrf, "officers": "Budi (NIP 198001012006041001)", "problem": "switch OPD hang", "work": "switch dinyalakan ulang",
                "alternative": "-", "place": "Dinkes", "cause": "",
            ])
            XCTAssertStatus(close, .found)
            let page = try await noc.get(client, "/tickets/\(number)")
            XCTAssertTrue(page.text.contains("href=\"/archive/\(number)\""), "the ticket links its archived Berita Acara")
            XCTAssertFalse(page.text.contains("digabung") || page.text.contains("merged into"), "a report that was not merged says nothing of it")
            let archive = try await noc.get(client, "/archive?month=2025-12")
            XCTAssertTrue(archive.text.contains(number), archive.text)
            let doc = try await noc.get(client, "/archive/\(number)")
            XCTAssertStatus(doc, .ok)
            XCTAssertTrue(doc.text.contains("switch dinyalakan ulang") && doc.text.contains("Sari (Puskesmas)"))
            XCTAssertTrue(doc.text.contains("dilaporkan OPD") && !doc.text.contains("site-down"), "a report is not called a silent site")
            XCTAssertTrue(doc.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

            // The OPD of bkd may not read dinkes's archived document, nor see it listed.
            var opd = try await Browser.login(client, user: "opd-bkd")
            opd.take(try await opd.get(client, "/tickets"))
            XCTAssertStatus(try await opd.get(client, "/archive/\(number)"), .forbidden)
            let listed = try await opd.get(client, "/archive?month=2025-12")
            XCTAssertFalse(listed.text.contains(number))
            XCTAssertStatus(try await opd.get(client, "/archive/GGN-2025-12-0999"), .notFound)
        }
    }

    func testTheNOCOpensAnInstallationAndRecordsTheHandover() async throws {
        let f = try await WebFixture()
        try await f.application().test(.router) { client in
            var noc = try await Browser.login(client, user: "noc")
            noc.take(try await noc.get(client, "/tickets"))
            let r = try await noc.post(client, "/tickets/install", form: ["csrf": noc.csrf, "link": "fo-dinkes", "name": "Kadis Kesehatan",
                                                                          "text": "sambungan gedung baru"])
            XCTAssertStatus(r, .found)
            let number = String((r.headers[.location] ?? "").dropFirst("/tickets/".count))
            var page = try await noc.get(client, "/tickets/\(number)")
            noc.take(page)
            XCTAssertTrue(page.text.contains("action=\"/tickets/\(number)/handover\""))
            XCTAssertStatus(try await noc.post(client, "/tickets/\(number)/handover", form: [
                "csrf": noc.csrf, "receivedBy": "Kasubag Umum (NIP 1975)", "equipment": "ONT\nswitch 8 port",
            ]), .found)
            page = try await noc.get(client, "/tickets/\(number)")
            XCTAssertTrue(page.text.contains("Kasubag Umum (NIP 1975)"))
            noc.take(page)
            XCTAssertStatus(try await noc.post(client, "/tickets/\(number)/resolve", form: ["csrf": noc.csrf]), .found)
            // No passed acceptance test yet: closing is refused with the reason.
            let close = try await noc.post(client, "/tickets/\(number)/close", form: ["csrf": noc.csrf, "officers": "Budi", "problem": "p", "work": "w"])
            XCTAssertStatus(close, .conflict)
            XCTAssertTrue(close.text.contains("acceptance test"), close.text)
            // An OPD user cannot open installation tickets.
            var opd = try await Browser.login(client, user: "opd-bkd")
            opd.take(try await opd.get(client, "/tickets"))
            XCTAssertStatus(try await opd.post(client, "/tickets/install", form: ["csrf": opd.csrf, "link": "fo-bkd", "text": "x"]), .forbidden)
        }
    }
}
