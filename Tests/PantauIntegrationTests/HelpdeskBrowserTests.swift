import Foundation
import XCTest

/// The helpdesk end to end, as the issue asks: an OPD user reports a disruption from the
/// dashboard (headless Chromium), the NOC sees it live, closes it with the Berita Acara, and the
/// requester's channel (a WhatsApp gateway's webhook, here a receiver on loopback) gets the
/// opening acknowledgement and the closing message with the Berita Acara summary.
final class HelpdeskBrowserTests: XCTestCase {
    func testAnOPDReportGoesFromTheDashboardToTheRequestersClosingMessage() throws {
        for tool in [WebBrowserTests.python, "/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("SKIPPED: \(tool) is missing; scripts/setup.sh installs chromium, chromium-driver and the web-test venv")
        }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The requester's channel: a webhook receiver on loopback, stopping by itself.
        let portFile = dir.appendingPathComponent("sink.port").path, sinkFile = dir.appendingPathComponent("sink.jsonl").path
        let sink = try Harness.start("/usr/bin/python3", [Harness.packageRoot.appendingPathComponent("scripts/webhook-sink.py").path,
                                                          portFile, sinkFile, "240"], log: dir.appendingPathComponent("sink.log"))
        defer { if sink.isRunning { sink.terminate() }; sink.waitUntilExit() }
        var port = ""
        let deadline = Date().addingTimeInterval(10)
        while port.isEmpty && Date() < deadline {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            if port.isEmpty { usleep(50_000) }
        }
        XCTAssertFalse(port.isEmpty, "the webhook receiver did not start")

        let db = dir.appendingPathComponent("demo.sqlite").path
        let demo = try Harness.startDemo(db: db, log: dir.appendingPathComponent("demo.log"), speed: 20, minutes: 12, keepServing: 90,
                                         extra: ["--notify-webhook", "http://127.0.0.1:\(port)/wa"])
        defer { demo.stop() }
        guard let url = demo.url, let password = demo.password else { return XCTFail("the demo printed no dashboard: \(demo.output)") }
        let inv = ["--inventory", Harness.packageRoot.appendingPathComponent("inventory").path, "--db", db]
        let add = try Harness.sh("echo 'kata-sandi-dinsos-1' | \(Harness.pantau) user add sosial --display-name 'Operator Dinsos' --role opd --site dinsos "
                                 + "--password-stdin " + inv.joined(separator: " "))
        XCTAssertEqual(add.status, 0, add.stderr)

        let shots = Harness.packageRoot.appendingPathComponent("test-artifacts/web").path
        let browser = try Harness.run(WebBrowserTests.python, [Harness.packageRoot.appendingPathComponent("scripts/helpdesk-browser-test.py").path,
                                                               url, "demo", password, "sosial", "kata-sandi-dinsos-1", shots], timeout: 180)
        print(browser.stdout)
        XCTAssertEqual(browser.status, 0, browser.stdout + browser.stderr.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n"))
        guard let number = browser.stdout.split(separator: "\n").first(where: { $0.hasPrefix("TICKET=") })?.dropFirst("TICKET=".count) else {
            return XCTFail("no ticket number from the browser")
        }

        // The requester's channel got the acknowledgement and the closing message, each once
        // (the outbox is delivered on the demo's clock: wait with a deadline).
        func messages() -> [[String: Any]] {
            ((try? String(contentsOfFile: sinkFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }
        let requester = { (m: [String: Any]) in m["to"] as? String == "+6281299990001" && m["ticket"] as? String == String(number) }
        let until = Date().addingTimeInterval(30)
        while Date() < until && !messages().contains(where: { requester($0) && ($0["event"] as? String ?? "").hasPrefix("closed-") }) {
            usleep(200_000)
        }
        let mine = messages().filter(requester)
        let closing = mine.filter { ($0["event"] as? String ?? "").hasPrefix("closed-") }
        let ack = mine.filter { ($0["event"] as? String ?? "").hasPrefix("ack-") }
        XCTAssertEqual(ack.count, 1, "one opening acknowledgement: \(mine)")
        XCTAssertEqual(closing.count, 1, "one closing message: \(mine)")
        let text = closing.first?["text"] as? String ?? ""
        XCTAssertTrue(text.contains("Switch dinyalakan ulang, UPS diperiksa") && text.contains("Budi Santoso (NIP 198001012006041001)"), text)
        // The OPD's registered contact (inventory) is told too, through the same gateway.
        XCTAssertTrue(messages().contains { $0["to"] as? String == "+6281200000121" && $0["ticket"] as? String == String(number)
                                            && ($0["event"] as? String ?? "").hasPrefix("closed-") },
                      "the OPD's registered WhatsApp contact got the closing message")
        // The monthly report lists and links the month's archived Berita Acara, written beside it.
        let month = number.split(separator: "-").dropFirst().prefix(2).joined(separator: "-")
        let out = dir.appendingPathComponent("laporan.html").path
        let report = try Harness.run(Harness.pantau, ["report", "--month", month, "--format", "html", "--out", out] + inv, timeout: 60)
        XCTAssertEqual(report.status, 0, report.stdout + report.stderr)
        let html = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        XCTAssertTrue(html.contains("href=\"berita-acara/\(number).html\""), "the report links the Berita Acara")
        let beside = dir.appendingPathComponent("berita-acara/\(number).html").path
        XCTAssertTrue(((try? String(contentsOfFile: beside, encoding: .utf8)) ?? "").contains("Switch dinyalakan ulang"), "the archived document beside the report")

        // And the audit log names who reported and who closed.
        let audit = try Harness.sh("sqlite3 \(db) 'SELECT actor, action FROM audit_log ORDER BY id' 2>/dev/null || true").stdout
        if !audit.isEmpty {
            XCTAssertTrue(audit.contains("sosial|ticket.report") && audit.contains("demo|ticket.close"), audit)
        }
    }
}
