import Foundation
import XCTest
import PantauCore
import PantauTestSupport

/// Issue 31: a PostgreSQL engine that starts on a damaged spool moves it aside and probes on a
/// fresh one; the centre's `pantau status` (where the NOC looks, not the POP's log) says so while
/// that engine run lasts: the engine's session detail carries the notice to the centre.
final class PostgresSpoolDamageTests: XCTestCase {
    func testTheCentresStatusSaysAnEngineStartedOnAFreshSpool() throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: kec, name: Kantor Camat, address: 127.0.0.3, uplinks: [fo-kec]}
            """, links: "  - {id: fo-kec, kind: fo-underground, from: dc, to: kec}", probes: """
            icmp:
              defaults: {interval: 1s, packets: 1, timeout: 500ms, rounds_to_confirm_up: 1}
            """)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", server.url]
        let spool = dir.appendingPathComponent("pop-spool.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: spool, contents: Data()), "a spool truncated to nothing")
        let log = dir.appendingPathComponent("pop.log")
        let pop = try Harness.start(Harness.pantau, ["run", "--engine", "pop", "--seconds", "60", "--spool", spool] + loc, log: log)
        defer { if pop.isRunning { pop.terminate() }; pop.waitUntilExit() }
        var text = "", deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            text = (try? Harness.run(Harness.pantau, ["status"] + loc).stderr) ?? ""
            if text.contains("PERHATIAN: icmp@pop mulai dengan spool baru") { break }
            usleep(200_000)
        }
        XCTAssertTrue(text.contains("PERHATIAN: icmp@pop mulai dengan spool baru: damaged spool"), text + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
        XCTAssertTrue(text.contains("moved aside to \(spool).damaged-"), text)
        let json = try Harness.run(Harness.pantau, ["status", "--format", "json"] + loc).stdout
        XCTAssertTrue(json.contains("\"notice\":\"damaged spool"), json)
        // A clean restart on a sound spool says nothing any more.
        pop.terminate()
        pop.waitUntilExit()
        let again = try Harness.start(Harness.pantau, ["run", "--engine", "pop", "--seconds", "60", "--spool", spool] + loc, log: log)
        defer { if again.isRunning { again.terminate() }; again.waitUntilExit() }
        deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            text = (try? Harness.run(Harness.pantau, ["status", "--format", "json"] + loc).stdout) ?? ""
            if text.contains("\"state\":\"running\""), !text.contains("\"notice\"") { break }
            usleep(200_000)
        }
        XCTAssertFalse(text.contains("\"notice\""), text)
        XCTAssertTrue(text.contains("\"state\":\"running\""), text)
    }
}
