import Foundation
import XCTest

/// The dashboard in a real browser (headless Chromium driven by Selenium, scripts/browser-test.py)
/// against a running `pantau demo`, then every API answer checked against docs/openapi.yaml
/// (scripts/openapi-check.py). Screenshots are kept in test-artifacts/web/.
final class WebBrowserTests: XCTestCase {
    static let python = (ProcessInfo.processInfo.environment["PANTAU_WEBTEST_VENV"] ?? "/opt/pantau-webtest") + "/bin/python"

    func testABrowserWatchesTheFOCutLiveAndTheAPIMatchesItsDocument() throws {
        for tool in [Self.python, "/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("SKIPPED: \(tool) is missing; scripts/setup.sh installs chromium, chromium-driver and the web-test venv")
        }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.sqlite").path
        let log = dir.appendingPathComponent("demo.log")
        let demo = try Harness.startDemo(db: db, log: log, speed: 20, minutes: 12, keepServing: 120)
        defer { demo.stop() }
        guard let url = demo.url, let password = demo.password else { return XCTFail("the demo printed no dashboard: \(demo.output)") }

        // An administrator for the page walk (the admin menu at phone width too).
        let inv = ["--inventory", Harness.packageRoot.appendingPathComponent("inventory").path, "--db", db]
        let adminPassword = "kata-sandi-admin-\(UInt32.random(in: 1000...9999))"
        let addAdmin = try Harness.sh("echo '\(adminPassword)' | \(Harness.pantau) user add wali --role admin --password-stdin " + inv.joined(separator: " "))
        XCTAssertEqual(addAdmin.status, 0, addAdmin.stderr)
        let shots = Harness.packageRoot.appendingPathComponent("test-artifacts/web").path
        let browser = try Harness.run(Self.python, [Harness.packageRoot.appendingPathComponent("scripts/browser-test.py").path,
                                                    url, "demo", password, shots, "wali", adminPassword], timeout: 300)
        print(browser.stdout)
        XCTAssertEqual(browser.status, 0, browser.stdout + browser.stderr.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n"))
        XCTAssertTrue(browser.stdout.contains("all checks passed"))

        // The API against its document: a noc token and an opd user's token (for the 403s).
        let noc = try Harness.run(Harness.pantau, ["user", "token", "demo", "--label", "openapi check"] + inv)
        XCTAssertEqual(noc.status, 0, noc.stderr)
        let add = try Harness.sh("echo 'kata-sandi-opd-123' | \(Harness.pantau) user add camat --role opd --site kec-lepar --password-stdin "
                                 + inv.joined(separator: " "))
        XCTAssertEqual(add.status, 0, add.stderr)
        let opd = try Harness.run(Harness.pantau, ["user", "token", "camat", "--label", "openapi check"] + inv)
        let check = try Harness.run(Self.python, [Harness.packageRoot.appendingPathComponent("scripts/openapi-check.py").path, url,
                                                  noc.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                                                  opd.stdout.trimmingCharacters(in: .whitespacesAndNewlines)], timeout: 60)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("all answers match docs/openapi.yaml"), check.stdout)
        // The audit log names who did what: the browser's acknowledgement and the CLI's user changes.
        let audit = try Harness.sh("sqlite3 \(db) 'SELECT actor, action FROM audit_log ORDER BY id' 2>/dev/null || true").stdout
        if !audit.isEmpty { XCTAssertTrue(audit.contains("demo|ticket.ack"), audit) }
    }
}
