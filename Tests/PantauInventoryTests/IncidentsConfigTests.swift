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
        (_, e) = load("incidents:\n  evidence_wait: 0s\n")
        XCTAssertEqual(e.first?.hasPrefix("probes/incidents.yaml:2: incidents.evidence_wait:"), true, "\(e)")
    }

    /// Issue 31: a repeated key printed the whole file as the YAML error's context, a bot token
    /// and an SMTP password included. Only the key's name and line are said.
    func testARepeatedKeyNeverPrintsTheFile() {
        let (_, e) = load("""
            notify:
              - name: noc
                type: telegram
                bot_token: "123456:real-token-written-inline"
                chat_id: "-100"
                chat_id: "-200"
                smtp_password: hunter2-secret
            """)
        XCTAssertFalse(e.isEmpty)
        let all = e.joined(separator: "\n")
        XCTAssertFalse(all.contains("real-token") || all.contains("hunter2"), all)
        XCTAssertTrue(all.contains("probes/incidents.yaml:6: notify[0].chat_id: key given more than once"), "the repeated key, its line and path: \(all)")
    }
}

/// The helpdesk keys: escalation levels and rules, requester channels, and OPD contacts.
final class HelpdeskConfigTests: XCTestCase {
    func load(_ yaml: String) -> (IncidentConfig?, [String]) {
        let (c, errors) = loadWithProbeFile("incidents.yaml", yaml, env: [:])
        return (c?.incidents, errors)
    }

    static let channels = """
        notify:
          - {name: teknisi, type: webhook, url: "http://127.0.0.1:9/t", broadcast: false}
          - {name: opd-mail, type: email, smtp: "mail.local:25", from: helpdesk@x.go.id, broadcast: false}
          - {name: wa, type: webhook, url: "http://127.0.0.1:9/wa", broadcast: false}
        """

    func testTheSampleAndAFullSetting() {
        let (c, e) = load("""
            incidents:
              escalation:
                levels:
                  - {level: 1, name: Petugas piket}
                  - {level: 2, name: Pranata Komputer, people: [Andi], notify: [teknisi]}
                rules:
                  - {priority: P1, level: 2, unacknowledged: 15m, unresolved: 2h}
            \(Self.channels)
            requesters: {email: opd-mail, whatsapp: wa}
            """)
        XCTAssertEqual(e, [])
        XCTAssertEqual(c?.escalation.levels.map(\.name), ["Petugas piket", "Pranata Komputer"])
        XCTAssertEqual(c?.escalation.level(2)?.channels, ["teknisi"])
        XCTAssertEqual(c?.escalation.rules, [.init(priority: .p1, level: 2, unacknowledgedSeconds: 900, unresolvedSeconds: 7200)])
        XCTAssertEqual(c?.requesterChannels, [.email: "opd-mail", .whatsapp: "wa"])
        XCTAssertEqual(c?.channels.map(\.broadcast), [false, false, false])
    }

    func testMistakesNameFileLineAndKey() {
        var (_, e) = load("""
            incidents:
              escalation:
                levels:
                  - {level: 2, name: Pranata, notify: [nobody]}
            \(Self.channels)
            """)
        XCTAssertTrue(e.contains { $0.hasPrefix("probes/incidents.yaml:4: incidents.escalation.levels[0].notify:") && $0.contains("nobody") }, "\(e)")
        (_, e) = load("""
            incidents:
              escalation:
                levels: [{level: 2, name: x}]
                rules:
                  - {priority: P1, level: 3, unacknowledged: 1h}
                  - {priority: P7, level: 2, unresolved: 1h}
                  - {priority: P2, level: 2}
            """)
        XCTAssertTrue(e.contains { $0.contains("incidents.escalation.rules") && $0.contains("level 3 is used by a rule but not defined") }, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("probes/incidents.yaml:6: incidents.escalation.rules[1].priority:") }, "\(e)")
        XCTAssertTrue(e.contains { $0.hasPrefix("probes/incidents.yaml:7: incidents.escalation.rules[2]:") && $0.contains("unacknowledged, unresolved") }, "\(e)")
        (_, e) = load("\(Self.channels)\nrequesters: {email: wa, telegram: missing}\n")
        XCTAssertTrue(e.contains { $0.contains("requesters.email") && $0.contains("'wa' is a webhook channel") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("requesters.telegram") && $0.contains("no channel named 'missing'") }, "\(e)")
        (_, e) = load("notify:\n  - {name: m, type: email, smtp: \"mail.local\", from: a@b}\n")
        XCTAssertTrue(e.contains { $0.contains("notify[0].to") && $0.contains("broadcast: false") }, "\(e)")
    }

    func testOPDContactsAreReadAndMistakesNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-contacts-\(UUID().uuidString)")
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "date,name\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        func network(_ contacts: String) throws {
            let text = CheckFixtureTests.good.replacingOccurrences(of: "uplinks: [fo-dc-bkd]}", with: "uplinks: [fo-dc-bkd], contacts: \(contacts)}")
            try text.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        }
        try network("[\"email:umum@bkd.go.id\", \"whatsapp:+6281234567890\"]")
        let ok = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path, environment: [:])
        XCTAssertEqual(ok.inventory.site("bkd")?.contacts.map(\.description), ["email:umum@bkd.go.id", "whatsapp:+6281234567890"])
        try network("[\"whatsapp:0812\"]")
        do {
            _ = try InventoryLoader.load(inventoryDirectory: inv.path, probesDirectory: pr.path, environment: [:])
            XCTFail("a bad contact was accepted")
        } catch let e as ConfigurationErrors {
            let text = e.diagnostics.map(\.description).joined(separator: "\n")
            XCTAssertTrue(text.contains("network.yaml:10: sites[1].contacts[0]") && text.contains("'0812' is not a phone number"), text)
        }
    }
}
