import Foundation
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit

/// A real topology in network namespaces: the engine runs inside namespace C (the data
/// centre) and pings two OPD namespaces over veth links in 198.18.0.0/15 (the benchmark
/// range, RFC 2544). Every packet stays inside namespaces this test creates.
final class NamespaceTopologyTests: XCTestCase {
    let suffix = String(getpid() % 100_000)
    var core: String { "ptc\(suffix)" }
    var opd1: String { "pto1-\(suffix)" }
    var opd2: String { "pto2-\(suffix)" }
    var created = false

    override func setUpWithError() throws {
        try Harness.addNamespaceOrSkip(core)
        created = true
        let s = suffix
        let script = """
            set -e
            ip netns add \(opd1); ip netns add \(opd2)
            ip -n \(core) link set lo up
            ip link add c1-\(s) type veth peer name o1-\(s)
            ip link set c1-\(s) netns \(core); ip link set o1-\(s) netns \(opd1)
            ip -n \(core) addr add 198.18.1.1/24 dev c1-\(s); ip -n \(core) link set c1-\(s) up
            ip -n \(opd1) addr add 198.18.1.2/24 dev o1-\(s); ip -n \(opd1) link set o1-\(s) up; ip -n \(opd1) link set lo up
            ip link add c2-\(s) type veth peer name o2-\(s)
            ip link set c2-\(s) netns \(core); ip link set o2-\(s) netns \(opd2)
            ip -n \(core) addr add 198.18.2.1/24 dev c2-\(s); ip -n \(core) link set c2-\(s) up
            ip -n \(opd2) addr add 198.18.2.2/24 dev o2-\(s); ip -n \(opd2) link set o2-\(s) up; ip -n \(opd2) link set lo up
            """
        let out = try Harness.sh(script)
        XCTAssertEqual(out.status, 0, "namespace setup failed: \(out.stdout) \(out.stderr)")
    }

    override func tearDownWithError() throws {
        guard created else { return }
        _ = try Harness.sh("ip netns del \(core); ip netns del \(opd1); ip netns del \(opd2)")
    }

    func testHostDownAndUpIsRecordedWithinConfirmRoundsAndSurvivesKill9() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: opd1, name: OPD Satu, address: 198.18.1.2, uplinks: [fo-1]}
              - {id: opd2, name: OPD Dua, address: 198.18.2.2, uplinks: [fo-2]}
            """, links: """
              - {id: fo-1, kind: fo-aerial, from: dc, to: opd1}
              - {id: fo-2, kind: fo-underground, from: dc, to: opd2}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 2, packet_gap: 10ms, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 2}
            """)
        let db = dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        let log = dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "120"] + loc, log: log)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }

        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 20) { $0 == ["dc": "up", "opd1": "up", "opd2": "up"] },
                        "all sites up; log: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")

        // Take OPD 1's host off the wire: confirm-down is 2 rounds of 1 s.
        let cut = Date()
        XCTAssertEqual(try Harness.sh("ip -n \(opd1) link set o1-\(suffix) down").status, 0)
        let down = try Harness.waitForStatus(loc, timeout: 15) { $0["opd1"] == "down" }
        XCTAssertEqual(down?["opd2"], "up", "the other OPD is not affected")
        XCTAssertNotNil(down, "opd1 recorded down")
        XCTAssertLessThan(Date().timeIntervalSince(cut), 6, "down within the confirm rounds (+ slack)")

        let restore = Date()
        XCTAssertEqual(try Harness.sh("ip -n \(opd1) link set o1-\(suffix) up").status, 0)
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 15) { $0["opd1"] == "up" }, "opd1 recorded up again")
        XCTAssertLessThan(Date().timeIntervalSince(restore), 8)

        // kill -9: nothing recorded is lost, and the engine's absence is unknown, never up.
        sleep(2)
        kill(engine.processIdentifier, SIGKILL)
        engine.waitUntilExit()
        let killedAt = Int64(Date().timeIntervalSince1970)
        let store = try Store(path: db)
        let h = try await store.history(overlapping: TimeRange(0, killedAt + 3600))
        XCTAssertEqual(h["opd1"]?.map(\.state), [.up, .down, .up], "\(String(describing: h["opd1"]))")
        XCTAssertEqual(h["opd2"]?.map(\.state), [.up])
        let lastEnd = h["opd1"]!.last!.range.end
        XCTAssertLessThanOrEqual(lastEnd, killedAt, "an interval of a killed engine ends at its last heartbeat")

        sleep(2)
        let rerun = try Harness.run("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "3"] + loc, timeout: 30)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("closed crashed session"), rerun.stdout)
        let after = try await store.history(overlapping: TimeRange(0, killedAt + 3600))["opd2"]!
        XCTAssertEqual(after.count, 2)
        XCTAssertGreaterThanOrEqual(after[1].range.start - after[0].range.end, 2, "the time the engine was dead is a gap (unknown)")
    }

    /// Fault injection: another process holds the database locked for 30 s while a host goes
    /// down and comes back. The engine keeps probing, keeps both changes in memory, writes them
    /// with their true times once the lock is gone, and is still running afterwards.
    func testDatabaseLockedFor30sLosesNoStateChange() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("p.sqlite").path
        var locker: Process?
        defer { if let l = locker, l.isRunning { kill(l.processIdentifier, SIGKILL) } }
        try await storeFaultScenario(dir: dir, db: db, inject: {
            // Another process takes the write lock and holds it for 30 s (the busy timeout is 10 s).
            let lockLog = dir.appendingPathComponent("lock.log")
            locker = try Harness.start("/usr/bin/python3", ["-c", """
                import sqlite3, time, sys
                c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
                c.execute("BEGIN IMMEDIATE"); print("locked", flush=True); time.sleep(30); c.execute("COMMIT")
                """, db], log: lockLog)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !((try? String(contentsOf: lockLog, encoding: .utf8)) ?? "").contains("locked") { usleep(50_000) }
        }, clear: {})  // the lock ends by itself after 30 s
    }

    /// Fault injection: the disk holding the database fills up (a 4 MiB tmpfs) while a host goes
    /// down and comes back; then space is freed. Same guarantees as with a lock.
    func testDiskFullLosesNoStateChange() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        guard try Harness.sh("mount -t tmpfs -o size=4m pantau-test \(disk.path) 2>&1").status == 0 else {
            throw XCTSkip("SKIPPED: cannot mount a tmpfs here")
        }
        defer { _ = try? Harness.sh("umount \(disk.path)") }
        try await storeFaultScenario(dir: dir, db: disk.appendingPathComponent("p.sqlite").path, inject: {
            _ = try Harness.sh("dd if=/dev/zero of=\(disk.path)/filler bs=64k 2>/dev/null; sync", timeout: 30)
        }, clear: {
            try FileManager.default.removeItem(atPath: disk.appendingPathComponent("filler").path)
        })
    }

    /// The engine runs; `inject` breaks the store; once the engine has reported it, opd1 goes down
    /// for 5 s and comes back; `clear` mends the store. Both changes must then be recorded with
    /// their true times (waiting with a deadline), and the engine must still run and stop with 0.
    func storeFaultScenario(dir: URL, db: String, inject: () throws -> Void, clear: () throws -> Void) async throws {
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: opd1, name: OPD Satu, address: 198.18.1.2, uplinks: [fo-1]}
            """, links: """
              - {id: fo-1, kind: fo-aerial, from: dc, to: opd1}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 2, packet_gap: 10ms, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 2}
            """)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        let log = dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "120"] + loc, log: log)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 20) { $0["opd1"] == "up" }, "opd1 up; log: \(logText())")

        let injectedAt = Date()
        try inject()
        let reported = Date().addingTimeInterval(30)
        while Date() < reported, !logText().contains("store write failed") { usleep(200_000) }
        XCTAssertTrue(logText().contains("store write failed"), "the store failure is reported at once: \(logText())")
        // `status` says why, from the health file, even on a full disk (the file owns its blocks).
        var said = ""
        let sayDeadline = Date().addingTimeInterval(10)
        while Date() < sayDeadline, !said.contains("PERHATIAN: basis data gagal ditulis") {
            said = (try? Harness.run(Harness.pantau, ["status"] + loc).stderr) ?? ""
            usleep(200_000)
        }
        XCTAssertTrue(said.contains("PERHATIAN: basis data gagal ditulis"), said)
        let cut = Int64(Date().timeIntervalSince1970)
        XCTAssertEqual(try Harness.sh("ip -n \(opd1) link set o1-\(suffix) down").status, 0)
        sleep(5)
        let back = Int64(Date().timeIntervalSince1970)
        XCTAssertEqual(try Harness.sh("ip -n \(opd1) link set o1-\(suffix) up").status, 0)
        sleep(2)
        XCTAssertLessThan(Date().timeIntervalSince(injectedAt), 28, "both changes happened while the store was failing")
        XCTAssertTrue(engine.isRunning, "the engine keeps running while the store fails")
        try clear()

        let store = try Store(path: db)
        var states: [StateInterval] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            states = (try? await store.history(overlapping: TimeRange(0, Int64(Date().timeIntervalSince1970) + 60), targets: ["opd1"])["opd1"]) ?? []
            if states.map(\.state) == [.up, .down, .up] { break }
            usleep(250_000)
        }
        XCTAssertEqual(states.map(\.state), [.up, .down, .up], "log: \(logText())")
        if states.count == 3 {
            XCTAssertEqual(Double(states[1].range.start), Double(cut), accuracy: 2, "the outage starts at the true time of the cut")
            XCTAssertEqual(Double(states[2].range.start), Double(back), accuracy: 3, "and ends when the host came back")
        }
        XCTAssertTrue(engine.isRunning, "still running after the store works again")
        engine.terminate()
        engine.waitUntilExit()
        XCTAssertEqual(engine.terminationStatus, 0, "a normal stop exits 0: \(logText())")
    }
}
