import Foundation
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit

/// The JSON and CSV contracts of the CLI, on a history imported from a logbook.
final class CLIContractTests: XCTestCase {
    func testImportThenAvailabilityJSONContract() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}
              - {id: bkd, name: BKD, address: 10.9.0.2, uplinks: [fo-dc-bkd]}
            """, links: "  - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}", probes: "icmp: {}\n", extra: """
            maintenance:
              - {target: bkd, from: "2026-03-10T09:00:00+07:00", to: "2026-03-10T11:00:00+07:00", reason: uji}
            """)
        let db = dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        // March 2026: 22 weekdays, minus Nyepi (19th) = 21 days x 8 h = 604,800 s scheduled.
        let csv = dir.appendingPathComponent("log.csv")
        try """
            target,state,from,to
            dc,up,2026-03-01T00:00:00+07:00,2026-04-01T00:00:00+07:00
            bkd,up,2026-03-01T00:00:00+07:00,2026-03-09T10:00:00+07:00
            bkd,down,2026-03-09T10:00:00+07:00,2026-03-09T12:30:00+07:00
            bkd,up,2026-03-09T12:30:00+07:00,2026-03-20T00:00:00+07:00
            bkd,unknown,2026-03-20T00:00:00+07:00,2026-03-23T08:00:00+07:00
            bkd,up,2026-03-24T00:00:00+07:00,2026-04-01T00:00:00+07:00
            """.write(to: csv, atomically: true, encoding: .utf8)
        let imp = try Harness.run(Harness.pantau, ["history", "import", csv.path] + loc)
        XCTAssertEqual(imp.status, 0, imp.stderr)
        XCTAssertTrue(imp.stdout.contains("imported 6 interval(s)"), imp.stdout)
        let again = try Harness.run(Harness.pantau, ["history", "import", csv.path] + loc)
        XCTAssertTrue(again.stdout.contains("imported 0 interval(s)") && again.stdout.contains("6 already present"), again.stdout)

        let out = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--format", "json"] + loc)
        XCTAssertEqual(out.status, 0, out.stderr)
        // bkd: down 2.5 h on the 9th; maintenance 2 h on the 10th; unknown: the 20th (a working day,
        // 8 h) and the 23rd (no row covers it: 8 h). Scheduled 604,800.
        let down = 9000, maint = 7200, unknown = 16 * 3600
        let up = 604_800 - down - maint - unknown
        // The contract (JSON keys in sorted order; percentages as numbers rounded half-up to 4 decimals).
        let expected = "{\"month\":\"2026-03\",\"sites\":["
            + "{\"availability_pct\":100,\"down_s\":0,\"known_availability_pct\":100,\"maintenance_s\":0,\"meets_target\":true,"
            + "\"scheduled_s\":604800,\"site\":\"dc\",\"unknown_s\":0,\"unreachable_s\":0,\"up_s\":604800},"
            + "{\"availability_pct\":88.8554,\"down_s\":\(down),\"known_availability_pct\":98.3333,\"maintenance_s\":\(maint),"
            + "\"meets_target\":true,\"scheduled_s\":604800,\"site\":\"bkd\",\"unknown_s\":\(unknown),\"unreachable_s\":0,\"up_s\":\(up)}]}"
        XCTAssertEqual(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines), expected)
        // 88.8554 = 531,000 / (604,800 - 7,200); 98.3333 = 531,000 / (597,600 - 57,600).
        XCTAssertEqual(up, 531_000)

        let table = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--site", "bkd", "--explain"] + loc)
        XCTAssertTrue(table.stdout.contains("Ketersediaan") && table.stdout.contains("2026-03-09T10:00:00+07:00 .. 2026-03-09T12:30:00+07:00"), table.stdout)
        let en = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--lang", "en"] + loc)
        XCTAssertTrue(en.stdout.contains("Availability %"), en.stdout)
        let csvOut = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--format", "csv"] + loc)
        XCTAssertTrue(csvOut.stdout.hasPrefix("site,scheduled_s,up_s,down_s,unreachable_s,unknown_s,maintenance_s,"), csvOut.stdout)
    }

    func testBadImportNamesLinesAndImportsNothing() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: "  - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}", links: "  []", probes: "icmp: {}\n")
        let db = dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        let csv = dir.appendingPathComponent("bad.csv")
        try """
            target,state,from,to
            dc,up,2026-03-01T00:00:00+07:00,2026-03-02T00:00:00+07:00
            bkd,up,2026-03-01T00:00:00+07:00,2026-03-02T00:00:00+07:00
            dc,sideways,2026-03-03T00:00:00+07:00,2026-03-04T00:00:00+07:00
            dc,up,2026-03-05 00:00,2026-03-06T00:00:00+07:00
            """.write(to: csv, atomically: true, encoding: .utf8)
        let out = try Harness.run(Harness.pantau, ["history", "import", csv.path] + loc)
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("\(csv.path):3: target: no site or link with id 'bkd'"), out.stderr)
        XCTAssertTrue(out.stderr.contains("\(csv.path):4: state: 'sideways' is not one of up|down|unknown"), out.stderr)
        XCTAssertTrue(out.stderr.contains("\(csv.path):5: from: '2026-03-05 00:00' is not an ISO 8601 time"), out.stderr)
        // Nothing imported, nothing created: a read command says there is no database.
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "a refused import created the database")
        let status = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--format", "json"] + loc)
        XCTAssertNotEqual(status.status, 0)
        XCTAssertTrue(status.stderr.contains("there is no database here"), status.stderr)
    }

    /// A file that overlaps history already recorded is an import error naming the row, not a storage error.
    func testImportOverlappingRecordedHistoryNamesTheRow() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: "  - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}", links: "  []", probes: "icmp: {}\n")
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path]
        let first = dir.appendingPathComponent("a.csv"), second = dir.appendingPathComponent("b.csv")
        try "target,state,from,to\ndc,up,2026-03-01T00:00:00+07:00,2026-03-02T00:00:00+07:00\n".write(to: first, atomically: true, encoding: .utf8)
        try "target,state,from,to\ndc,down,2026-03-01T12:00:00+07:00,2026-03-01T13:00:00+07:00\n".write(to: second, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Harness.run(Harness.pantau, ["history", "import", first.path] + loc).status, 0)
        let out = try Harness.run(Harness.pantau, ["history", "import", second.path] + loc)
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("\(second.path):2: from: overlaps recorded 'up' of 'dc'"), out.stderr)
        XCTAssertFalse(out.stderr.contains("storage"), out.stderr)
    }

    /// `tickets show` judges SLA timers with the priority policy of probes/incidents.yaml, not the default.
    func testTicketTimersUseTheConfiguredPolicy() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: "  - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}", links: "  []", probes: "icmp: {}\n")
        try """
            incidents:
              priority:
                response: {P2: 7m}

            """.write(to: dir.appendingPathComponent("probes/incidents.yaml"), atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("p.sqlite").path
        let store = try Store(path: db)
        let root = RootCause(element: .site("dc"), cause: .siteDown, affectedSites: ["dc"], startedAt: 1_773_100_000, evidence: [])
        let decision = PriorityDecision(priority: .p2, impact: .high, urgency: .medium, score: 10, reason: "test")
        let (t, _) = try await store.openTicket(root, decision: decision, at: 1_773_100_000, month: "2026-03", reopenWithin: 0)
        let out = try Harness.run(Harness.pantau, ["tickets", "show", t.number, "--format", "json", "--inventory",
                                                   dir.appendingPathComponent("inventory").path, "--db", db])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("\"target_s\":420"), "7-minute response target from incidents.yaml: \(out.stdout)")
    }

    /// Commands that only read need no notification or SNMP secrets; the ones that send do.
    func testReadOnlyCommandsNeedNoSecrets() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: "  - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}", links: "  []", probes: "icmp: {}\n")
        try """
            notify:
              - {name: noc, type: telegram, bot_token: "${PANTAU_TEST_UNSET_TOKEN}", chat_id: "-1001"}

            """.write(to: dir.appendingPathComponent("probes/incidents.yaml"), atomically: true, encoding: .utf8)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path]
        _ = try Store(path: dir.appendingPathComponent("p.sqlite").path)  // an engine's (empty) database
        for args in [["status"], ["availability", "--month", "2026-03"], ["tickets", "list"]] {
            let out = try Harness.run(Harness.pantau, args + loc)
            XCTAssertEqual(out.status, 0, "\(args): \(out.stderr)")
        }
        let check = try Harness.run(Harness.pantau, ["check"] + loc)
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stderr.contains("PANTAU_TEST_UNSET_TOKEN is not set"), check.stderr)
    }

    func testCheckReportsEveryProblemAndExitsNonZero() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1, colour: red}
              - {id: dc, name: Lagi, address: 10.9.0.2}
            """, links: "  []", probes: "icmp: {}\n")
        let out = try Harness.run(Harness.pantau, ["check", "--inventory", dir.appendingPathComponent("inventory").path])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("network.yaml:9: sites[0].colour: unknown key"), out.stderr)
        XCTAssertTrue(out.stderr.contains("network.yaml:10: sites[1].id: duplicate id 'dc'"), out.stderr)
        let ok = try Harness.run(Harness.pantau, ["check"], cwd: Harness.packageRoot)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }
}
