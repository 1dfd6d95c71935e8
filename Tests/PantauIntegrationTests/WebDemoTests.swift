import Foundation
import XCTest

/// The dashboard served by `pantau demo`, over real HTTP on loopback with curl as the client:
/// log in with the printed credentials, hear the scripted FO cut and its P1 ticket on the live
/// stream without reloading, acknowledge the ticket through the page's form.
final class WebDemoTests: XCTestCase {
    func testTheDemosFOCutReachesTheLiveStreamAndIsAcknowledgedFromThePage() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("demo.log"), jar = dir.appendingPathComponent("jar").path
        let events = dir.appendingPathComponent("events.txt").path
        let demo = try Harness.startDemo(db: dir.appendingPathComponent("demo.sqlite").path, log: log, speed: 30, minutes: 30, keepServing: 30, lang: "en")
        defer { demo.stop() }
        // The demo prints where the dashboard is and how to log in.
        guard let url = demo.url, let password = demo.password else { return XCTFail("the demo printed no dashboard: \(demo.output)") }

        let loginPage = try Harness.sh("curl -s -c \(jar) -b \(jar) \(url)/login").stdout
        let csrf = Self.csrf(loginPage)
        let login = try Harness.sh("curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -c \(jar) -b \(jar) \(url)/login "
                                   + "--data-urlencode user=demo --data-urlencode password=\(password) --data-urlencode csrf=\(csrf)")
        XCTAssertTrue(login.stdout.hasPrefix("302 ") && login.stdout.hasSuffix("/"), login.stdout)

        // The live stream, as the browser's EventSource reads it (bounded: curl stops after 90 s).
        let stream = try Harness.start("/usr/bin/curl", ["-s", "-N", "--max-time", "90", "-b", jar, "\(url)/events"],
                                       log: URL(fileURLWithPath: events))
        defer { if stream.isRunning { stream.terminate() }; stream.waitUntilExit() }
        var ticket = ""
        let cut = Date().addingTimeInterval(60)
        func popDown(_ text: String) -> Bool {
            text.components(separatedBy: "\n\n").contains { $0.contains("event: state") && $0.contains("\"target\":\"pop-lepar\"") && $0.contains("\"state\":\"down\"") }
        }
        while Date() < cut, ticket.isEmpty || !popDown((try? String(contentsOfFile: events, encoding: .utf8)) ?? "") {
            let text = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
            for block in text.components(separatedBy: "\n\n") where block.contains("event: ticket") && block.contains("\"priority\":\"P1\"") {
                if let r = block.range(of: "\"number\":\"") { ticket = String(block[r.upperBound...].prefix { $0 != "\"" }) }
            }
            usleep(200_000)
        }
        let heard = (try? String(contentsOfFile: events, encoding: .utf8)) ?? ""
        XCTAssertFalse(ticket.isEmpty, "the P1 ticket of the FO cut came over the live stream: \(heard)")
        XCTAssertTrue(popDown(heard), "the POP behind the cut went down on the stream: \(heard)")
        guard !ticket.isEmpty else { return }

        // Acknowledge from the ticket's page, with the page's CSRF token.
        let page = try Harness.sh("curl -s -b \(jar) \(url)/tickets/\(ticket)").stdout
        XCTAssertTrue(page.contains("(fo-cut)") && page.contains("/ack"), page)
        let ack = try Harness.sh("curl -s -o /dev/null -w '%{http_code}' -b \(jar) \(url)/tickets/\(ticket)/ack --data-urlencode csrf=\(Self.csrf(page))")
        XCTAssertEqual(ack.stdout, "302")
        let api = try Harness.sh("curl -s -b \(jar) \(url)/api/v1/tickets/\(ticket)").stdout
        XCTAssertTrue(api.contains("\"assigned_to\":\"Demo NOC\""), api)
        let after = Date().addingTimeInterval(10)
        while Date() < after, !((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains("\"state\":\"acknowledged\"") { usleep(100_000) }
        XCTAssertTrue(((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").contains("\"state\":\"acknowledged\""),
                      "the acknowledgement went out live too")
        // Last month's report (the demo seeds it) from the availability page's link, with a policy
        // that allows its own styles and no script at all.
        let availability = try Harness.sh("curl -s -b \(jar) \(url)/availability").stdout
        let month = availability.range(of: "href=\"/report/").map { String(availability[$0.upperBound...].prefix(7)) } ?? ""
        XCTAssertEqual(month.count, 7, "the availability page links last month's report: \(availability)")
        let report = try Harness.sh("curl -s -D \(dir.path)/rh -b \(jar) \(url)/report/\(month)").stdout
        XCTAssertTrue(report.contains("<html") && report.contains("Laporan") && report.contains("Kantor Camat Lepar Pongok"), String(report.prefix(500)))
        let reportHeaders = (try? String(contentsOfFile: "\(dir.path)/rh", encoding: .utf8)) ?? ""
        XCTAssertTrue(reportHeaders.contains("default-src 'none'; style-src 'unsafe-inline'"), reportHeaders)
        // The password the demo printed is not in the database, only its bcrypt hash.
        let dump = try Harness.sh("strings \(dir.appendingPathComponent("demo.sqlite").path)* | grep -c '\(password)' || true").stdout
        XCTAssertEqual(dump.trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    static func csrf(_ html: String) -> String {
        guard let r = html.range(of: "name=\"csrf\" value=\"") else { return "" }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }
}
