import Foundation
import XCTest
import PantauCore
import PantauInventory

/// `probes/incidents.yaml`: windows, priority policy and channels; mistakes named by file:line,
/// secrets only from the environment and never printed.
final class IncidentsConfigTests: XCTestCase {
    func load(_ yaml: String, env: [String: String] = [:]) -> (IncidentConfig?, [String]) {
        let (c, errors) = loadWithProbeFile("incidents.yaml", yaml, env: env)
        return (c?.incidents, errors)
    }

    func testSampleAndValues() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = try String(contentsOf: root.appendingPathComponent("probes/incidents.yaml"), encoding: .utf8)
        let (c, errors) = load(sample)
        XCTAssertEqual(errors, [])
        XCTAssertEqual(c?.tracker.groupWindow, 120)
        XCTAssertEqual(c?.tracker.recoveryHold, 300)
        XCTAssertEqual(c?.priority.responseSeconds[.p1], 1800)
        let (t, e2) = load("""
            incidents: {group_window: 30s, number_prefix: tkt}
            notify:
              - {name: noc, type: telegram, bot_token: "${TG}", chat_id: "-100", priorities: [P1, p2]}
              - {name: kabid, type: email, smtp: "mail.local:2525", from: a@b, to: [c@d]}
            """, env: ["TG": "999:secret-token"])
        XCTAssertEqual(e2, [])
        XCTAssertEqual(t?.numberPrefix, "TKT")
        XCTAssertEqual(t?.channels.count, 2)
        XCTAssertEqual(t?.channels[0].priorities, [.p1, .p2])
        XCTAssertEqual(t?.channels[1].kind, .email(host: "mail.local", port: 2525, from: "a@b", to: ["c@d"]))
        XCTAssertFalse("\(t!.channels[0])".contains("secret"), "a channel prints without its token")
    }

    func testMistakes() {
        var (_, e) = load("incidents:\n  group_window: soon\n")
        XCTAssertEqual(e.first?.hasPrefix("probes/incidents.yaml:2: incidents.group_window:"), true, "\(e)")
        (_, e) = load("notify:\n  - {name: x, type: pager}\n")
        XCTAssertEqual(e.first?.hasPrefix("probes/incidents.yaml:2: notify[0].type:"), true, "\(e)")
        (_, e) = load("notify:\n  - {name: x, type: telegram, bot_token: \"${NOPE}\", chat_id: \"1\"}\n")
        XCTAssertTrue(e.contains { $0.contains("notify[0].bot_token") && $0.contains("NOPE") }, "\(e)")
        (_, e) = load("incidents:\n  priority: {response: {P9: 1h}}\n")
        XCTAssertEqual(e.first?.hasPrefix("probes/incidents.yaml:2: incidents.priority.response"), true, "\(e)")
    }
}
