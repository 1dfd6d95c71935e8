import Foundation
import XCTest

/// Moving from the demo to a real office (issue 13): read commands never create or write a
/// database, a missing --probes folder is refused, and a reader on a read-only mount can read.
final class SafeDefaultsTests: XCTestCase {
    func config(_ dir: URL) -> [String] {
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 10.9.0.1}
              - {id: bkd, name: BKD, address: 10.9.0.2, uplinks: [fo-dc-bkd]}
            """, links: "  - {id: fo-dc-bkd, kind: fo-underground, from: dc, to: bkd}", probes: "icmp: {}\n")
        return ["--inventory", dir.appendingPathComponent("inventory").path]
    }

    func testReadCommandsOnAMissingDatabaseSaySoAndCreateNothing() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inv = config(dir)
        let missing = dir.appendingPathComponent("no-such-folder/p.sqlite").path
        for cmd in [["status"], ["availability", "--month", "2026-03"], ["tickets", "list"]] {
            let out = try Harness.run(Harness.pantau, cmd + inv + ["--db", missing])
            XCTAssertNotEqual(out.status, 0, "\(cmd): \(out.stdout)")
            XCTAssertTrue(out.stderr.contains("there is no database here"), "\(cmd): \(out.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("no-such-folder").path),
                       "a read command created the folder")
        let probes = try Harness.run(Harness.pantau, ["check", "--probes", dir.appendingPathComponent("typo").path] + inv)
        XCTAssertNotEqual(probes.status, 0)
        XCTAssertTrue(probes.stderr.contains("--probes") && probes.stderr.contains("no such folder"), probes.stderr)
    }

    /// A NOC reader with the database on a read-only mount (a backup share, a snapshot): the
    /// read commands work and leave nothing behind; before, they failed trying to write.
    func testReadCommandsWorkOnAReadOnlyMount() throws {
        let probe = try Harness.sh("unshare -m true 2>&1")
        guard probe.status == 0 else { throw XCTSkip("SKIPPED: mount namespaces are not permitted here (\(probe.stdout))") }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inv = config(dir)
        let data = dir.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let db = data.appendingPathComponent("p.sqlite").path
        let csv = dir.appendingPathComponent("log.csv")
        try """
            target,state,from,to
            dc,up,2026-03-01T00:00:00+07:00,2026-04-01T00:00:00+07:00
            bkd,up,2026-03-01T00:00:00+07:00,2026-04-01T00:00:00+07:00
            """.write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Harness.run(Harness.pantau, ["history", "import", csv.path] + inv + ["--db", db]).status, 0)
        let before = try FileManager.default.contentsOfDirectory(atPath: data.path).sorted()
        // In a private mount namespace: the data folder bound read-only onto itself.
        let args = (inv + ["--db", db]).joined(separator: " ")
        let out = try Harness.sh("""
            unshare -m sh -c 'mount --bind \(data.path) \(data.path) && mount -o remount,ro,bind \(data.path) && \
            touch \(data.path)/probe 2>/dev/null && echo WRITABLE; \
            \(Harness.pantau) availability --month 2026-03 --format json \(args) && \(Harness.pantau) tickets list \(args)'
            """)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertFalse(out.stdout.contains("WRITABLE"), "the mount is read-only")
        XCTAssertTrue(out.stdout.contains("\"availability_pct\":100"), out.stdout + out.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: data.path).sorted(), before, "nothing left behind")
    }

    /// `pantau demo --db FILE` used to delete whatever FILE was. It replaces only a database it
    /// wrote itself.
    func testDemoRefusesADatabaseItDidNotWrite() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inv = config(dir)
        let engineDB = dir.appendingPathComponent("engine.sqlite").path
        let csv = dir.appendingPathComponent("log.csv")
        try "target,state,from,to\ndc,up,2026-03-01T00:00:00+07:00,2026-04-01T00:00:00+07:00\n".write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Harness.run(Harness.pantau, ["history", "import", csv.path] + inv + ["--db", engineDB]).status, 0)
        let refused = try Harness.run(Harness.pantau, ["demo", "--minutes", "2", "--speed", "600", "--db", engineDB], cwd: repo)
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("not written by the demo"), refused.stderr)
        let still = try Harness.run(Harness.pantau, ["availability", "--month", "2026-03", "--format", "json"] + inv + ["--db", engineDB])
        XCTAssertTrue(still.stdout.contains("\"availability_pct\":100"), "the history is intact: \(still.stdout) \(still.stderr)")
        // Its own database it replaces, run after run.
        let demoDB = dir.appendingPathComponent("demo.sqlite").path
        var out = try Harness.run(Harness.pantau, ["demo", "--minutes", "2", "--speed", "600", "--db", demoDB], cwd: repo)
        for _ in 0..<2 {
            out = try Harness.run(Harness.pantau, ["demo", "--minutes", "2", "--speed", "600", "--db", demoDB], cwd: repo)
            XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        }
        // It leaves last month as a whole month the monthly report can show (README: Monthly report).
        let month = try XCTUnwrap(out.stdout.range(of: #"pantau report --month (\d{4}-\d{2})"#, options: .regularExpression)
            .map { String(out.stdout[$0].suffix(7)) }, "the demo's closing lines name last month's report: \(out.stdout)")
        let report = try Harness.run(Harness.pantau, ["report", "--month", month, "--format", "json", "--db", demoDB], cwd: repo)
        XCTAssertEqual(report.status, 0, report.stderr)
        let figures = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])?["figures"] as? [String: Any])
        let summary = try XCTUnwrap(figures["summary"] as? [String: Any])
        XCTAssertEqual(summary["opds"] as? Int, 24)
        XCTAssertEqual(summary["missed"] as? Int, 1, "the OPD whose switch took three working days misses 90%")
        let incidents = try XCTUnwrap(figures["incidents"] as? [[String: Any]])
        XCTAssertEqual(Set(incidents.compactMap { $0["closing_cause"] as? String }), ["fo-cut", "opd-power", "diskominfo-device"])
        let network = try XCTUnwrap(summary["network"] as? [String: Any])
        XCTAssertGreaterThan(network["excused_s"] as? Int ?? 0, 0, "the OPD's power failure is excused")
        XCTAssertLessThan(network["coverage_pct"] as? Double ?? 100, 100, "the monitor's own two hours without data show")
    }

    /// `pantau backup FILE` (docs/deployment.md): a checked copy that reads the same, never an overwrite.
    func testBackupIsAnExactCheckedCopyAndNeverOverwrites() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inv = config(dir)
        let db = dir.appendingPathComponent("p.sqlite").path, copy = dir.appendingPathComponent("backup/p-2026-03.sqlite").path
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("backup"), withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("log.csv")
        try """
            target,state,from,to
            dc,up,2026-03-01T00:00:00+07:00,2026-04-01T00:00:00+07:00
            bkd,up,2026-03-01T00:00:00+07:00,2026-03-09T10:00:00+07:00
            bkd,down,2026-03-09T10:00:00+07:00,2026-03-09T12:30:00+07:00
            bkd,up,2026-03-09T12:30:00+07:00,2026-04-01T00:00:00+07:00
            """.write(to: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Harness.run(Harness.pantau, ["history", "import", csv.path] + inv + ["--db", db]).status, 0)
        let out = try Harness.run(Harness.pantau, ["backup", copy] + inv + ["--db", db])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("integrity checked"), out.stdout)
        let month = ["availability", "--month", "2026-03", "--format", "json"] + inv
        let a = try Harness.run(Harness.pantau, month + ["--db", db]).stdout, b = try Harness.run(Harness.pantau, month + ["--db", copy]).stdout
        XCTAssertTrue(a.contains("\"down_s\":9000"), a)
        XCTAssertEqual(a, b, "the backup reads the same")
        let again = try Harness.run(Harness.pantau, ["backup", copy] + inv + ["--db", db])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
    }

    /// Issue 13: net-snmp's scratch folders were left in /tmp by every process.
    func testNetSNMPScratchFolderIsRemovedAtExit() throws {
        let tmp = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: tmp) }
        // A folder left by a process killed with -9 (no such pid) is cleaned up too.
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("pantau-netsnmp-999999999"), withIntermediateDirectories: true)
        let out = try Harness.sh("TMPDIR=\(tmp.path) \(Harness.pantau) bench snmp --devices 1 --rounds 1", timeout: 60)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).filter { $0.hasPrefix("pantau-netsnmp-") }
        XCTAssertEqual(left, [], "scratch folders left behind")
    }

    /// Issue 13: a usage mistake printed the whole command list; it prints the problem and the
    /// subcommand's own usage line.
    func testUsageMistakesShowTheSubcommandsUsage() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inv = config(dir)
        for args in [["availability", "--month", "2026-13"], ["availability", "--month", "2026-03", "--site", "nope"]] {
            let out = try Harness.run(Harness.pantau, args + inv + ["--db", dir.appendingPathComponent("p.sqlite").path])
            XCTAssertNotEqual(out.status, 0)
            XCTAssertTrue(out.stderr.contains("Usage: pantau availability ["), "\(args): \(out.stderr)")
            XCTAssertFalse(out.stderr.contains("<subcommand>"), "\(args): \(out.stderr)")
        }
    }
}
