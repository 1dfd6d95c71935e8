import Foundation
import PantauCore
import PantauSQLite
import PantauStoreKit
import XCTest

/// Foreign ICMP on the same host (another monitor, an operator's flood ping, a benchmark) must
/// not cost the engine its own replies (issue 14). The engine and a flooder run in a network
/// namespace of this test; every packet goes to that namespace's loopback.
final class ICMPFloodTests: XCTestCase {
    let ns = "ptf\(getpid() % 100_000)"
    var created = false
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    override func setUpWithError() throws {
        let probe = try Harness.sh("ip netns add \(ns) 2>&1")
        guard probe.status == 0 else {
            throw XCTSkip("SKIPPED: network namespaces are not permitted here (\(probe.stdout))")
        }
        created = true
        XCTAssertEqual(try Harness.sh("ip -n \(ns) link set lo up").status, 0)
        try XCTSkipUnless(try Harness.sh("command -v python3").status == 0, "python3 is needed for the flooder")
    }

    override func tearDownWithError() throws {
        if created { _ = try Harness.sh("ip netns del \(ns)") }
    }

    /// One packet per round and one lost reply confirms down: the harshest profile. A flood of
    /// 2,000 foreign echo requests per second (and their 2,000 replies) for 20 s, rounds 5 s
    /// apart (the socket's buffer, even at 8 MiB, fills between two rounds): no site may lose a
    /// single reply.
    func testForeignICMPFloodCostsTheEngineNoReplies() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: opd1, name: OPD Satu, address: 127.0.0.2, uplinks: [fo-1]}
              - {id: opd2, name: OPD Dua, address: 127.0.0.3, uplinks: [fo-2]}
              - {id: opd3, name: OPD Tiga, address: 127.0.0.4, uplinks: [fo-3]}
            """, links: """
              - {id: fo-1, kind: fo-aerial, from: dc, to: opd1}
              - {id: fo-2, kind: fo-aerial, from: dc, to: opd2}
              - {id: fo-3, kind: fo-aerial, from: dc, to: opd3}
            """, probes: """
            icmp:
              defaults: {interval: 5s, packets: 1, timeout: 500ms, rounds_to_confirm_down: 1, rounds_to_confirm_up: 1}
            """)
        let db = dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        let log = dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", ns, Harness.pantau, "run", "--seconds", "90"] + loc, log: log)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 20) { s in ["dc", "opd1", "opd2", "opd3"].allSatisfy { s[$0] == "up" } },
                        "all sites up; log: \(logText())")

        let floodStart = Int64(Date().timeIntervalSince1970)
        let flood = try Harness.sh("ip netns exec \(ns) python3 \(Self.repo.path)/scripts/icmp-flood.py 2000 20 127.0.0.10 127.0.0.11",
                                   timeout: 40)
        let floodEnd = Int64(Date().timeIntervalSince1970)
        XCTAssertEqual(flood.status, 0, flood.stdout + flood.stderr)
        let sent = Int(flood.stdout.split(separator: " ").dropFirst().first ?? "") ?? 0
        XCTAssertGreaterThanOrEqual(sent, 35_000, "the flood ran at about 2,000/s: \(flood.stdout)")

        // Wait (with a deadline) until the rounds after the flood are recorded.
        let store = try Store(path: db)
        var totals: [String: (sent: Int, received: Int)] = [:]
        let deadline = Date().addingTimeInterval(10)
        repeat {
            usleep(300_000)
            totals = try await store.icmpTotals(overlapping: TimeRange(floodStart, floodEnd + 1))
        } while Date() < deadline && !(totals.count == 4 && totals.values.allSatisfy { $0.sent >= 4 })
        for site in ["dc", "opd1", "opd2", "opd3"] {
            let t = totals[site]
            XCTAssertGreaterThanOrEqual(t?.sent ?? 0, 4, "\(site) probed every 5 s during the flood")
            XCTAssertEqual(t?.received, t?.sent, "\(site): no reply lost to foreign ICMP (\(String(describing: t))); log: \(logText())")
        }
        let h = try await store.history(overlapping: TimeRange(floodStart, floodEnd), targets: nil)
        for site in ["dc", "opd1", "opd2", "opd3"] {
            XCTAssertEqual(h[site]?.map(\.state), [.up], "\(site) stayed up through the flood: \(String(describing: h[site]))")
        }
        // The kernel filter keeps foreign packets off the socket: the engine reads (and counts)
        // next to none of the ~80,000 that passed through the namespace.
        let status = try Harness.run(Harness.pantau, ["status", "--format", "json"] + loc).stdout
        let obj = try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any]
        let icmp = (obj?["sources"] as? [[String: Any]])?.first { ($0["source"] as? String)?.hasPrefix("icmp@") == true }
        let foreign = icmp?["foreign"] as? Int
        XCTAssertNotNil(foreign, "status reports foreign ICMP per round: \(status)")
        XCTAssertLessThan(foreign ?? .max, 100, "foreign ICMP filtered in the kernel: \(status)")
        engine.terminate()
        engine.waitUntilExit()
    }
}
