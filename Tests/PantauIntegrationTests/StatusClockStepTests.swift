import Foundation
import XCTest
import PantauCore

/// Issue 31: a step of the system clock under a running engine is said by `pantau status` (text
/// and JSON) from the engine's health file. The engine writing the step there on its steady
/// timeline is `ClockStepTests`; a test never steps the host's clock.
final class StatusClockStepTests: XCTestCase {
    func testStatusSaysTheClockStepped() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}
              - {id: bkd, name: BKD, address: 10.9.0.2, uplinks: [fo-dc-bkd]}
            """, links: "  - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}", probes: "icmp: {}\n")
        let db = dir.appendingPathComponent("p.sqlite").path
        let args = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        let csv = dir.appendingPathComponent("log.csv")
        try "target,state,from,to\nbkd,up,2026-03-01T00:00:00+07:00,2026-03-02T00:00:00+07:00\n".write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Harness.run(Harness.pantau, ["history", "import", csv.path] + args).status, 0)
        var health = StoreHealth(failingSince: nil, lastError: nil, pendingBatches: 0, lastOutageFrom: nil, lastOutageTo: nil, at: 1_772_400_000)
        health.clockStep = SteadyClock.Step(offset: -3600.2, noticedAt: 1_772_400_000)
        XCTAssertTrue(FileManager.default.createFile(atPath: db + ".health.json", contents: try JSONEncoder().encode(health)))
        let text = try Harness.run(Harness.pantau, ["status"] + args)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stderr.contains("PERHATIAN: jam sistem melompat -3600 detik"), text.stderr)
        XCTAssertTrue(text.stderr.contains("tidak ada selang yang terhapus atau memanjang"), text.stderr)
        let json = try Harness.run(Harness.pantau, ["status", "--format", "json"] + args)
        XCTAssertTrue(json.stdout.contains("\"clock_offset_s\":-3600.2"), json.stdout)
    }
}
