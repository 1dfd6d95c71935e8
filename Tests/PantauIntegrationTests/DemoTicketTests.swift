import Foundation
import XCTest

/// Issue 23: the demo's FO cut opened a site-down ticket on the POP, then a second (fo-cut)
/// ticket on the cable at `--speed 3000`. At any speed: one ticket per root, with its true cause.
final class DemoTicketTests: XCTestCase {
    func testOneTicketPerRootAtAnySpeed() throws {
        for speed in [3000, 600] {
            let dir = Harness.tempDir()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("demo.sqlite").path
            let out = try Harness.run(Harness.pantau, ["demo", "--inventory", Harness.packageRoot.appendingPathComponent("inventory").path,
                                                       "--db", db, "--no-web", "--speed", "\(speed)", "--minutes", "60"], timeout: 120)
            XCTAssertEqual(out.status, 0, out.stderr)
            let list = try Harness.run(Harness.pantau, ["tickets", "list", "--format", "json", "--db", db,
                                                        "--inventory", Harness.packageRoot.appendingPathComponent("inventory").path])
            let all = (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
            // The run's own tickets (the demo also seeds last month, whose tickets are closed).
            let today = all.filter { ($0["state"] as? String) != "closed" }
            let roots = today.map { "\($0["root"] ?? "") \($0["cause"] ?? "")" }.sorted()
            XCTAssertEqual(roots, ["dishub opd-device-or-power", "fo-laut-kota-lepar fo-cut"], "speed \(speed): \(today)")
        }
    }
}
