import Foundation
import XCTest
import PantauCore
import PantauTestSupport

/// Two probe engines, each with its own id and its own sites, write to one PostgreSQL (a real
/// server the test starts on loopback): both engines' sessions, states and measurements land in
/// it; a `kill -9` of one engine loses nothing it recorded, and its restart closes only its own
/// crashed session, never the other engine's live one.
final class PostgresEnginesTests: XCTestCase {
    func testTwoEnginesWriteToOneStoreAndRecoverOnlyTheirOwnSessions() throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: pop, name: POP Pulau, role: distribution, address: 127.0.0.2, uplinks: [fo-laut]}
              - {id: kec, name: Kantor Camat, address: 127.0.0.3, uplinks: [fo-kec]}
              - {id: pkm, name: Puskesmas, address: 127.0.0.4, uplinks: [fo-pkm]}
              - {id: bkd, name: BKD, address: 127.0.0.5, uplinks: [fo-bkd]}
            """, links: """
              - {id: fo-laut, kind: fo-undersea, from: dc, to: pop}
              - {id: fo-kec, kind: fo-underground, from: pop, to: kec}
              - {id: fo-pkm, kind: fo-underground, from: pop, to: pkm}
              - {id: fo-bkd, kind: fo-underground, from: dc, to: bkd}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 1, timeout: 500ms, rounds_to_confirm_up: 1}
            """)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", server.url]
        // Without an id an engine may not write to the shared store.
        let anonymous = try Harness.run(Harness.pantau, ["run", "--seconds", "1", "--spool", dir.appendingPathComponent("x.sqlite").path] + loc)
        XCTAssertEqual(anonymous.status, 64, anonymous.stdout + anonymous.stderr)
        XCTAssertTrue(anonymous.stderr.contains("--engine ID"), anonymous.stderr)

        let dcLog = dir.appendingPathComponent("dc.log"), popLog = dir.appendingPathComponent("pop.log")
        let dc = try Harness.start(Harness.pantau, ["run", "--engine", "dc", "--sites", "role:core,bkd,pop", "--seconds", "60",
                                                    "--spool", dir.appendingPathComponent("dc-spool.sqlite").path] + loc, log: dcLog)
        defer { if dc.isRunning { dc.terminate() }; dc.waitUntilExit() }
        var pop = try Harness.start(Harness.pantau, ["run", "--engine", "pop-pulau", "--sites", "behind:pop", "--seconds", "60",
                                                         "--spool", dir.appendingPathComponent("pop-spool.sqlite").path] + loc, log: popLog)
        // Both engines have recorded their sites up (the POP from both sides).
        func states() throws -> Set<String> {
            Set(try server.psql("""
                SELECT s.engine || ' ' || i.target || ' ' || i.state FROM state_interval i JOIN source s ON s.id = i.source_id WHERE i.to_s IS NULL
                """).split(separator: "\n").map(String.init))
        }
        let want: Set<String> = ["dc dc up", "dc bkd up", "dc pop up", "pop-pulau pop up", "pop-pulau kec up", "pop-pulau pkm up"]
        var deadline = Date().addingTimeInterval(30)
        // (The schema exists once the first engine has connected: until then psql finds no table.)
        while Date() < deadline, !want.isSubset(of: (try? states()) ?? []) { usleep(200_000) }
        XCTAssertEqual(try states(), want, ((try? String(contentsOf: dcLog, encoding: .utf8)) ?? "") + ((try? String(contentsOf: popLog, encoding: .utf8)) ?? ""))
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM probe_last"), "5")
        XCTAssertEqual(try server.psql("SELECT string_agg(DISTINCT engine, ',' ORDER BY engine) FROM source WHERE ended_s IS NULL"), "dc,pop-pulau")
        // The centre's view: `pantau status` on the shared store shows both engines and every site.
        let status = try Harness.run(Harness.pantau, ["status", "--format", "json"] + loc)
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], status.stdout)
        let sources = (json["sources"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
        XCTAssertEqual(Set(sources), ["icmp@dc", "icmp@pop-pulau"], status.stdout)
        let siteStates = (json["sites"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "") \($0["state"] ?? "")" }
        XCTAssertEqual(Set(siteStates), ["dc up", "pop up", "kec up", "pkm up", "bkd up"], status.stdout)

        // kill -9 the POP engine once a heartbeat has followed its states (so they cover time):
        // what it recorded stays; its restart closes only its own session.
        let covered = "SELECT COUNT(*) FROM state_interval i JOIN source s ON s.id = i.source_id WHERE s.engine = 'pop-pulau' AND i.to_s IS NULL AND s.last_seen_s > i.from_s"
        deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? server.psql(covered)) != "3" { usleep(200_000) }
        kill(pop.processIdentifier, SIGKILL)
        pop.waitUntilExit()
        let crashed = try server.psql("SELECT id FROM source WHERE engine = 'pop-pulau' AND ended_s IS NULL")
        XCTAssertFalse(crashed.isEmpty)
        pop = try Harness.start(Harness.pantau, ["run", "--engine", "pop-pulau", "--sites", "behind:pop", "--seconds", "60",
                                                 "--spool", dir.appendingPathComponent("pop-spool.sqlite").path] + loc,
                                log: dir.appendingPathComponent("pop2.log"))
        defer { if pop.isRunning { pop.terminate() }; pop.waitUntilExit() }
        deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try server.psql("SELECT end_reason FROM source WHERE id = \(crashed)") != "crash-recovered" { usleep(200_000) }
        XCTAssertEqual(try server.psql("SELECT end_reason FROM source WHERE id = \(crashed)"), "crash-recovered")
        // Its intervals end at its last heartbeat (the gap is no data, never up or down); the DC engine's session is untouched.
        XCTAssertEqual(try server.psql("""
            SELECT COUNT(*) FROM state_interval i JOIN source s ON s.id = i.source_id WHERE s.id = \(crashed) AND i.to_s = s.last_seen_s
            """), "3")
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM source WHERE engine = 'dc' AND ended_s IS NOT NULL"), "0")
        // A clean stop ends the DC engine's sessions.
        dc.terminate()
        dc.waitUntilExit()
        XCTAssertEqual(dc.terminationStatus, 0, (try? String(contentsOf: dcLog, encoding: .utf8)) ?? "")
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM source WHERE engine = 'dc' AND ended_s IS NULL"), "0")
    }

    /// The centre is down when the POP engine starts, the engine is killed with -9 during the
    /// outage and started again: when PostgreSQL returns, everything spooled arrives once, in
    /// order, with the original times (states from before the centre came back).
    func testTheSpoolKeepsEverythingWhileTheCentreIsDown() throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: pop, name: POP Pulau, role: distribution, address: 127.0.0.2, uplinks: [fo-laut]}
              - {id: kec, name: Kantor Camat, address: 127.0.0.3, uplinks: [fo-kec]}
            """, links: """
              - {id: fo-laut, kind: fo-undersea, from: dc, to: pop}
              - {id: fo-kec, kind: fo-underground, from: pop, to: kec}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 1, timeout: 500ms, rounds_to_confirm_up: 1}
            """)
        let spool = dir.appendingPathComponent("spool.sqlite").path
        let args = ["run", "--engine", "pop", "--sites", "behind:pop", "--seconds", "120", "--spool", spool,
                    "--inventory", dir.appendingPathComponent("inventory").path, "--db", server.url]
        try server.pause()
        let outageStart = EpochSeconds(Date().timeIntervalSince1970)
        func spooled() -> Int { Int((try? Harness.sh("sqlite3 \(spool) 'SELECT COUNT(*) FROM entry' 2>/dev/null").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "") ?? -1 }
        var engine = try Harness.start(Harness.pantau, args, log: dir.appendingPathComponent("run1.log"))
        var deadline = Date().addingTimeInterval(20)
        while Date() < deadline, spooled() < 6 { usleep(200_000) }
        XCTAssertGreaterThanOrEqual(spooled(), 6, "the engine spools while the centre is down: \((try? String(contentsOf: dir.appendingPathComponent("run1.log"), encoding: .utf8)) ?? "")")
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        let afterKill = spooled()
        engine = try Harness.start(Harness.pantau, args, log: dir.appendingPathComponent("run2.log"))
        defer { if engine.isRunning { engine.terminate() }; engine.waitUntilExit() }
        deadline = Date().addingTimeInterval(20)
        while Date() < deadline, spooled() < afterKill + 8 { usleep(200_000) }
        XCTAssertGreaterThan(spooled(), afterKill, "nothing spooled before the kill was lost, and the new run spools too")
        let centreBack = EpochSeconds(Date().timeIntervalSince1970)
        try server.resume()
        deadline = Date().addingTimeInterval(30)
        while Date() < deadline, spooled() != 0 { usleep(200_000) }
        XCTAssertEqual(spooled(), 0, "the spool drained once the centre came back: "
                       + ((try? String(contentsOf: dir.appendingPathComponent("run2.log"), encoding: .utf8)) ?? ""))
        // Two sessions of engine pop: the killed one ended at its last spooled instant, the new one live.
        let sessions = try server.psql("SELECT started_s, COALESCE(end_reason, 'live') FROM source WHERE engine = 'pop' AND prober = 'icmp' ORDER BY id")
            .split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
        XCTAssertEqual(sessions.map { $0[1] }, ["crash-recovered", "live"], "\(sessions)")
        XCTAssertTrue(sessions.allSatisfy { (Int64($0[0]) ?? 0) >= outageStart && (Int64($0[0]) ?? .max) <= centreBack },
                      "sessions keep their true start times, from before the centre was back (outage \(outageStart)-\(centreBack)): \(sessions)")
        // The states the first run saw, with their true times; each once (no replay applied twice).
        let first = try server.psql("""
            SELECT i.target || ' ' || i.state || ' ' || (i.from_s < \(centreBack))::text FROM state_interval i JOIN source s ON s.id = i.source_id
            WHERE s.engine = 'pop' AND s.end_reason = 'crash-recovered' ORDER BY i.target
            """)
        XCTAssertEqual(first, "kec up true\npop up true")
        let duplicates = try server.psql("""
            SELECT COUNT(*) FROM (SELECT source_id, target, from_s FROM state_interval GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) d
            """)
        XCTAssertEqual(duplicates, "0")
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM probe_last"), "2")
    }
}
