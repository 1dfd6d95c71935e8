import Foundation
import PantauSQLite
import PantauStoreKit
import PantauTestSupport
import XCTest

/// Bandwidth tests with real iperf3 across namespaces of the test's own: the OPD namespace runs
/// `iperf3 -s`, both ends of the veth are shaped to 20 Mbit/s with tc, and the contract is
/// 100 Mbps. Every packet stays inside these namespaces.
final class BandwidthNamespaceTests: XCTestCase {
    let suffix = String(getpid() % 100_000)
    var core: String { "ptbc\(suffix)" }
    var opd: String { "ptbo\(suffix)" }
    var created = false

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/iperf3") else { throw XCTSkip("SKIPPED: iperf3 is not installed") }
        try Harness.addNamespaceOrSkip(core)
        created = true
        let s = suffix
        let out = try Harness.sh("""
            set -e
            ip netns add \(opd)
            ip -n \(core) link set lo up; ip -n \(opd) link set lo up
            ip link add bc-\(s) type veth peer name bo-\(s)
            ip link set bc-\(s) netns \(core); ip link set bo-\(s) netns \(opd)
            ip -n \(core) addr add 198.18.5.1/24 dev bc-\(s); ip -n \(core) link set bc-\(s) up
            ip -n \(opd) addr add 198.18.5.2/24 dev bo-\(s); ip -n \(opd) link set bo-\(s) up
            tc -n \(core) qdisc add dev bc-\(s) root tbf rate 20mbit burst 32kbit latency 400ms
            tc -n \(opd) qdisc add dev bo-\(s) root tbf rate 20mbit burst 32kbit latency 400ms
            """)
        XCTAssertEqual(out.status, 0, "namespace setup failed: \(out.stdout) \(out.stderr)")
    }

    override func tearDownWithError() throws {
        guard created else { return }
        _ = try Harness.sh("ip netns del \(core); ip netns del \(opd)")
    }

    /// The far end's iperf3 server is up when it accepts a connection (a deadline, not a fixed sleep).
    func waitForServer(_ address: String = "198.18.5.2", port: Int = 5201) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try Harness.sh("ip netns exec \(core) bash -c 'echo > /dev/tcp/\(address)/\(port)' 2>/dev/null").status != 0 {
            usleep(100_000)
        }
    }

    func testShapedLinkIsMeasuredAndTwoShortTestsAreBelowContract() throws {
        try shapedLink(central: false)
    }

    /// The same tests and the installation workflow on the central PostgreSQL store (a server in
    /// the core's namespace): results, acceptance record and ticket gating through `--db postgresql://`.
    func testBandwidthAndTheInstallationOnTheCentralStore() throws {
        try XCTSkipUnless(PostgresServer.binaries != nil, "PostgreSQL is not installed (scripts/setup.sh installs it)")
        try shapedLink(central: true)
    }

    func shapedLink(central: Bool) throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: bkd, name: Badan Kepegawaian Daerah, address: 198.18.5.2, uplinks: [fo-bkd]}
            """, links: """
              - {id: fo-bkd, kind: fo-aerial, from: dc, to: bkd, bandwidth_mbps: 100}
            """, probes: "icmp: {defaults: {interval: 30s}}\n")
        try """
            bandwidth:
              threshold_pct: 80
              consecutive: 2
              tests:
                - {link: fo-bkd, server: 198.18.5.2, port: 5201, direction: both, duration: 3s, protocol: tcp}
            """.write(to: dir.appendingPathComponent("probes/bandwidth.yaml"), atomically: true, encoding: .utf8)
        let pg = central ? try PostgresServer(namespace: core) : nil
        defer { pg?.stop() }
        let db = pg.map { "postgresql://pantau@127.0.0.1:\($0.port)/pantau" } ?? dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        // Every command from the core's namespace (where the central store listens on loopback).
        func pantau(_ args: [String], timeout: Double = 60) throws -> Harness.Output {
            try Harness.run("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau] + args, timeout: timeout)
        }
        // The far end runs Pantau's own server wrapper (stock iperf3 underneath).
        let server = try Harness.start("/usr/sbin/ip", ["netns", "exec", opd, Harness.pantau, "bandwidth", "serve", "--listen", "198.18.5.2",
                                                        "--port", "5201", "--seconds", "120"], log: dir.appendingPathComponent("iperf3.log"))
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try waitForServer()
        let test = ["/usr/sbin/ip", "netns", "exec", core, Harness.pantau, "bandwidth", "test", "fo-bkd"] + loc
        var o = try Harness.run(test[0], Array(test.dropFirst()), timeout: 60)
        XCTAssertEqual(o.status, 0, o.stdout + o.stderr)
        XCTAssertTrue(o.stdout.contains("contract 100 Mbps"), o.stdout)
        for direction in ["upload", "download"] {
            let line = try XCTUnwrap(o.stdout.split(separator: "\n").first { $0.hasPrefix(direction) }, o.stdout)
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let mbps = try XCTUnwrap(Double(fields[3]), String(line))
            XCTAssertEqual(mbps, 20, accuracy: 2, "\(direction): the shaped 20 Mbit/s within 10%: \(line)")
            XCTAssertTrue(line.contains("short (1 of 2)"), String(line))
        }
        o = try Harness.run(test[0], Array(test.dropFirst()), timeout: 60)
        XCTAssertEqual(o.stdout.components(separatedBy: "BELOW CONTRACT").count - 1, 2, "two short tests in a row, each way: \(o.stdout)")
        let history = try pantau(["bandwidth", "history", "fo-bkd", "--format", "json"] + loc).stdout
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Any]], history)
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue(rows.allSatisfy { ($0["receiver_bps"] as? Double ?? 0) > 15_000_000 && ($0["retransmits"] as? Int) != nil }, history)
        let status = try pantau(["status", "--format", "json"] + loc).stdout
        XCTAssertTrue(status.contains("\"verdict\":\"below-contract\""), status)

        // Issue 29: a second manual test on the same path while one runs is refused, naming it
        // (the lease is in the store: any process, any engine).
        let first = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "bandwidth", "test", "fo-bkd", "--duration", "10",
                                                       "--direction", "upload"] + loc, log: dir.appendingPathComponent("first.log"))
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let leaseDeadline = Date().addingTimeInterval(15)
        var running = ""
        while Date() < leaseDeadline, !running.contains("bandwidth_running") {
            running = (try? pantau(["status", "--format", "json"] + loc).stdout) ?? ""
            usleep(100_000)
        }
        XCTAssertTrue(running.contains("\"bandwidth_running\""), running)
        let refused = try Harness.run(test[0], Array(test.dropFirst()) + ["--duration", "1", "--direction", "upload"], timeout: 60)
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)
        XCTAssertTrue(refused.stderr.contains("another bandwidth test is running on a shared path: fo-bkd by pantau bandwidth (CLI)"), refused.stderr)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0, (try? String(contentsOf: dir.appendingPathComponent("first.log"), encoding: .utf8)) ?? "")
        // --record: the manual shortfall opens the link's notice (the ticket the engine follows).
        o = try Harness.run(test[0], Array(test.dropFirst()) + ["--duration", "2", "--record"], timeout: 60)
        XCTAssertEqual(o.status, 0, o.stdout + o.stderr)
        let noticeLine = try XCTUnwrap(o.stdout.split(separator: "\n").first { $0.contains("contract not met: notice ") }, o.stdout)
        let noticeNumber = String(noticeLine.split(separator: " ").last ?? "")
        let listed = try pantau(["tickets", "list"] + loc).stdout
        XCTAssertTrue(listed.contains(noticeNumber), listed)

        // The installation test the catalogs require: a printable record, failed against a 100 Mbps contract.
        // It runs for an installation ticket (the installation SOP): the record is tied to the ticket.
        let install = try pantau(["tickets", "install", "--link", "fo-bkd", "--by", "Kepala BKD", "--text", "sambungan baru"] + loc)
        XCTAssertEqual(install.status, 0, install.stdout + install.stderr)
        let number = String(install.stdout.prefix { $0 != ":" })
        let record = dir.appendingPathComponent("uji.pdf").path
        o = try Harness.run("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "bandwidth", "acceptance", "fo-bkd", "--duration", "5",
                                             "--by", "Budi (NIP 198001012005011001)", "--vendor", "PT Serat Nusantara (Andi)",
                                             "--contract", "SPK 027/SPK/DISKOMINFO/2026", "--number", "UT-007/2026",
                                             "--out", record, "--ticket", number] + loc, timeout: 60)
        // Issue 29: a failed acceptance writes its record and exits non-zero.
        XCTAssertEqual(o.status, 1, o.stdout + o.stderr)
        XCTAssertTrue(o.stdout.contains("TIDAK LULUS UJI TERIMA"), o.stdout)
        // A failed acceptance test does not let the installation close, even with the handover recorded.
        let handover = try pantau(["tickets", "handover", number, "--received-by", "Kasubag Umum BKD", "--by", "Budi",
                                                        "--equipment", "ONT"] + loc)
        XCTAssertEqual(handover.status, 0, handover.stderr)
        XCTAssertEqual(try pantau(["tickets", "resolve", number, "--by", "Budi"] + loc).status, 0)
        let close = try pantau(["tickets", "close", number, "--officer", "Budi (NIP 1980)", "--problem", "pemasangan",
                                                     "--work", "FO terpasang"] + loc)
        XCTAssertEqual(close.status, 1, close.stdout)
        XCTAssertTrue(close.stderr.contains("a passed bandwidth acceptance test"), close.stderr)
        let shown = try pantau(["tickets", "show", number] + loc).stdout
        XCTAssertTrue(shown.contains("acceptance: bandwidth acceptance test by Budi (NIP 198001012005011001): not passed"), shown)
        // The record both sides sign, looked at as printed: one A4 page with every part on it.
        let text = try Harness.run("/usr/bin/pdftotext", ["-raw", record, "-"]).stdout.replacingOccurrences(of: "\n", with: " ")
        for needle in ["Berita Acara Uji Terima Bandwidth", "Nomor: UT-007/2026", "SPK 027/SPK/DISKOMINFO/2026", "100 Mbps",
                       "iperf3 TCP, 1 aliran, unggah, lalu unduh", "5 detik per arah", "lebih singkat dari 10 menit", "Terendah per detik (Mbps)",
                       "Budi (NIP 198001012005011001)", "PT Serat Nusantara (Andi)", "Perwakilan OPD", "tidak memenuhi", "Halaman 1 dari 1"] {
            XCTAssertTrue(text.contains(needle), "the record lacks '\(needle)': \(text)")
        }
        XCTAssertFalse(text.contains("Mengetahui"), "no acknowledgement block without an approver in report.yaml")
        let png = dir.appendingPathComponent("ba").path
        XCTAssertEqual(try Harness.run("/usr/bin/pdftoppm", ["-r", "30", record, png]).status, 0)
        let pages = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("ba") && $0.hasSuffix(".ppm") }
        XCTAssertEqual(pages.count, 1, "one page, signatures on the page of the verdict: \(pages)")
        if let page = pages.first {
            let look = try Self.look(dir.appendingPathComponent(page))
            XCTAssertGreaterThan(look.ink[0], 200, "the letterhead and the test's particulars: \(look)")
            XCTAssertGreaterThan(look.ink[1], 200, "the results, verdict and signature lines: \(look)")
            XCTAssertGreaterThan(look.pink, 50, "the rows below the pass mark are shaded: \(look)")
        }

        // No server: the test says why, records it, and exits non-zero.
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        o = try Harness.run(test[0], Array(test.dropFirst()) + ["--duration", "1", "--direction", "upload"], timeout: 60)
        XCTAssertEqual(o.status, 1, o.stdout + o.stderr)
        XCTAssertTrue(o.stderr.contains("Connection refused") || o.stderr.contains("unable to connect"), o.stderr)
    }

    /// Done-when of issue 11: a contract shortfall on a real shaped link becomes a ticket by
    /// itself. Two engines run side by side, both with tests scheduled at the next minute:
    /// - one where today is a day off (outside working time): both of its links, which share the
    ///   core's shaped port, are tested one after the other (each measures the whole 20 Mbit/s,
    ///   never half of it), and the shortfall against 100 Mbps opens a notice ticket by itself;
    /// - one where the whole day is working time: its test is skipped and says why.
    func testScheduledTestsRunOnlyOutsideWorkingTimeOneAtATimeAndAShortfallOpensATicket() throws {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let today = days[cal.component(.weekday, from: Date()) - 1]
        // The next whole minute at least 15 s away.
        let at = Date().addingTimeInterval(75)
        let hhmm = String(format: "%02d:%02d", cal.component(.hour, from: at), cal.component(.minute, from: at))
        XCTAssertEqual(try Harness.sh("ip -n \(opd) addr add 198.18.5.3/24 dev bo-\(suffix)").status, 0)
        XCTAssertEqual(try Harness.sh("ip -n \(opd) addr add 198.18.5.4/24 dev bo-\(suffix)").status, 0)  // no iperf3 server there
        func engineConfig(workweek: [String], hours: String) throws -> (dir: URL, loc: [String]) {
            let dir = Harness.tempDir()
            Harness.writeConfig(in: dir, sites: """
                  - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
                  - {id: bkd, name: Badan Kepegawaian Daerah, address: 198.18.5.2, uplinks: [fo-bkd]}
                  - {id: bpkad, name: Badan Keuangan Daerah, address: 198.18.5.3, uplinks: [fo-bpkad]}
                  - {id: dishub, name: Dinas Perhubungan, address: 198.18.5.4, uplinks: [fo-dishub]}
                """, links: """
                  - {id: fo-bkd, kind: fo-aerial, from: dc, to: bkd, bandwidth_mbps: 100}
                  - {id: fo-bpkad, kind: fo-aerial, from: dc, to: bpkad, bandwidth_mbps: 100}
                  - {id: fo-dishub, kind: fo-aerial, from: dc, to: dishub, bandwidth_mbps: 100}
                """, probes: "icmp: {defaults: {interval: 30s}}\n")
            let network = dir.appendingPathComponent("inventory/network.yaml")
            let yaml = try String(contentsOf: network, encoding: .utf8)
                .replacingOccurrences(of: "workweek: [mon, tue, wed, thu, fri]", with: "workweek: [\(workweek.joined(separator: ", "))]")
                .replacingOccurrences(of: "hours: \"08:00-16:00\"", with: "hours: \"\(hours)\"")
            try yaml.write(to: network, atomically: true, encoding: .utf8)
            try """
                bandwidth:
                  threshold_pct: 80
                  consecutive: 1
                  start_jitter: 0s
                  tests:
                    - {link: fo-bkd, server: 198.18.5.2, port: 5201, direction: upload, duration: 3s, protocol: tcp, at: ["\(hhmm)"]}
                    - {link: fo-bpkad, server: 198.18.5.3, port: 5202, direction: upload, duration: 3s, protocol: tcp, at: ["\(hhmm)"]}
                    - {link: fo-dishub, server: 198.18.5.4, port: 5299, direction: upload, duration: 3s, protocol: tcp, at: ["\(hhmm)"]}
                """.write(to: dir.appendingPathComponent("probes/bandwidth.yaml"), atomically: true, encoding: .utf8)
            // The correlator's group window, short for the test (default 2 minutes).
            try "incidents:\n  group_window: 5s\n  evaluate_every: 1s\n".write(to: dir.appendingPathComponent("probes/incidents.yaml"),
                                                                              atomically: true, encoding: .utf8)
            return (dir, ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path])
        }
        let off = try engineConfig(workweek: days.filter { $0 != today }, hours: "08:00-16:00")
        let working = try engineConfig(workweek: days, hours: "00:00-24:00")
        defer { for d in [off.dir, working.dir] { try? FileManager.default.removeItem(at: d) } }
        var processes: [Process] = []
        defer { for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        for (address, port) in [("198.18.5.2", "5201"), ("198.18.5.3", "5202")] {
            processes.append(try Harness.start("/usr/sbin/ip", ["netns", "exec", opd, "/usr/bin/iperf3", "-s", "-B", address, "-p", port],
                                               log: off.dir.appendingPathComponent("iperf3-\(port).log")))
        }
        let offLog = off.dir.appendingPathComponent("run.log"), workingLog = working.dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "150", "--log-level", "info"] + off.loc,
                                       log: offLog)
        processes.append(engine)
        let other = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "150", "--log-level", "info"]
                                      + working.loc, log: workingLog)
        processes.append(other)
        func history(_ link: String, _ loc: [String]) throws -> [[String: Any]] {
            let out = try Harness.run(Harness.pantau, ["bandwidth", "history", link, "--format", "json"] + loc).stdout
            return (try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]) ?? []
        }
        var tickets = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && engine.isRunning {
            usleep(500_000)
            tickets = try Harness.run(Harness.pantau, ["tickets", "--format", "json"] + off.loc).stdout
            if tickets.contains("fo-bkd") && tickets.contains("fo-bpkad") { break }
        }
        let log = (try? String(contentsOf: offLog, encoding: .utf8)) ?? ""
        XCTAssertTrue(tickets.contains("bandwidth-below-contract") && tickets.contains("fo-bkd") && tickets.contains("fo-bpkad"),
                      "notice tickets for both shortfalls, by themselves: \(tickets); log: \(log)")
        // One after the other: each measured the whole shaped 20 Mbit/s, and their spans do not overlap.
        let rows = try ["fo-bkd", "fo-bpkad"].map { try XCTUnwrap(history($0, off.loc).first, "\($0) was tested; log: \(log)") }
        for r in rows { XCTAssertEqual((r["receiver_bps"] as? Double ?? 0) / 1e6, 20, accuracy: 2, "the whole link, not a share: \(r)") }
        let spans = rows.compactMap { r -> (Double, Double)? in
            guard let at = (r["at"] as? String).flatMap({ ISO8601DateFormatter().date(from: $0) }), let d = r["duration_s"] as? Double else { return nil }
            return (at.timeIntervalSince1970, at.timeIntervalSince1970 + d)
        }.sorted { $0.0 < $1.0 }
        XCTAssertEqual(spans.count, 2)
        // Issue 29: a scheduled test against a dead server is recorded and said in the log, with why.
        let failedDeadline = Date().addingTimeInterval(30)
        var engineLog = log
        while Date() < failedDeadline, !engineLog.contains("bandwidth test failed") {
            usleep(300_000)
            engineLog = (try? String(contentsOf: offLog, encoding: .utf8)) ?? ""
        }
        let failedLine = engineLog.split(separator: "\n").first { $0.contains("bandwidth test failed") }.map(String.init) ?? ""
        XCTAssertTrue(failedLine.contains("fo-dishub") && failedLine.contains("5299") && failedLine.contains("refused"), "log: \(engineLog)")
        let dead = try XCTUnwrap(history("fo-dishub", off.loc).first, "the failed test is recorded")
        XCTAssertNotNil(dead["error"], "\(dead)")
        if spans.count == 2 { XCTAssertGreaterThanOrEqual(spans[1].0 + 1, spans[0].1, "never two tests at once: \(spans)") }
        // The engine whose calendar makes now working time ran nothing, and said why.
        let workingText = (try? String(contentsOf: workingLog, encoding: .utf8)) ?? ""
        XCTAssertTrue(try history("fo-bkd", working.loc).isEmpty && history("fo-bpkad", working.loc).isEmpty, workingText)
        XCTAssertTrue(workingText.contains("bandwidth test skipped: it would run in working time"), workingText)
        engine.terminate()
        other.terminate()
        engine.waitUntilExit()
        other.waitUntilExit()
    }

    /// A probe engine writing to the central PostgreSQL store runs the scheduled tests of its own
    /// sites (here the link to bkd, off working time) and its results reach the centre through its
    /// spool: `pantau bandwidth history --db postgresql://…` reads them.
    func testAnEngineOnTheCentralStoreRunsItsScheduledTests() throws {
        try XCTSkipUnless(PostgresServer.binaries != nil, "PostgreSQL is not installed (scripts/setup.sh installs it)")
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let today = days[cal.component(.weekday, from: Date()) - 1]
        let at = Date().addingTimeInterval(75)
        let hhmm = String(format: "%02d:%02d", cal.component(.hour, from: at), cal.component(.minute, from: at))
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: bkd, name: Badan Kepegawaian Daerah, address: 198.18.5.2, uplinks: [fo-bkd]}
            """, links: """
              - {id: fo-bkd, kind: fo-aerial, from: dc, to: bkd, bandwidth_mbps: 100}
            """, probes: "icmp: {defaults: {interval: 30s}}\n")
        let network = dir.appendingPathComponent("inventory/network.yaml")
        let yaml = try String(contentsOf: network, encoding: .utf8)
            .replacingOccurrences(of: "workweek: [mon, tue, wed, thu, fri]", with: "workweek: [\(days.filter { $0 != today }.joined(separator: ", "))]")
        try yaml.write(to: network, atomically: true, encoding: .utf8)
        try """
            bandwidth:
              start_jitter: 0s
              tests:
                - {link: fo-bkd, server: 198.18.5.2, port: 5201, direction: upload, duration: 3s, protocol: tcp, at: ["\(hhmm)"]}
            """.write(to: dir.appendingPathComponent("probes/bandwidth.yaml"), atomically: true, encoding: .utf8)
        let pg = try PostgresServer(namespace: core)
        defer { pg.stop() }
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", "postgresql://pantau@127.0.0.1:\(pg.port)/pantau"]
        let iperf = try Harness.start("/usr/sbin/ip", ["netns", "exec", opd, "/usr/bin/iperf3", "-s", "-B", "198.18.5.2", "-p", "5201"],
                                      log: dir.appendingPathComponent("iperf3.log"))
        defer { if iperf.isRunning { kill(iperf.processIdentifier, SIGKILL) } }
        let log = dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--engine", "dc", "--sites", "dc",
                                                        "--spool", dir.appendingPathComponent("spool.sqlite").path, "--seconds", "150",
                                                        "--log-level", "info"] + loc, log: log)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        var rows: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(130)
        while Date() < deadline && engine.isRunning && rows.isEmpty {
            usleep(500_000)
            let out = try Harness.run("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "bandwidth", "history", "fo-bkd", "--format", "json"] + loc)
            rows = (try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]]) ?? []
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(rows.count, 1, "the scheduled test of the engine's link reached the centre: \(rows); log: \(text.suffix(2000))")
        XCTAssertEqual((rows.first?["receiver_bps"] as? Double ?? 0) / 1e6, 20, accuracy: 2, "\(rows)")
        engine.terminate()
        engine.waitUntilExit()
    }

    /// UDP at a target rate above the shaped 20 Mbit/s: the receiver's rate, the loss and the
    /// jitter come from iperf3's server-side view.
    func testUDPAtATargetRateReportsLossAndJitter() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: bkd, name: Badan Kepegawaian Daerah, address: 198.18.5.2, uplinks: [fo-bkd]}
            """, links: """
              - {id: fo-bkd, kind: fo-aerial, from: dc, to: bkd, bandwidth_mbps: 20}
            """, probes: "icmp: {defaults: {interval: 30s}}\n")
        try """
            bandwidth:
              tests:
                - {link: fo-bkd, server: 198.18.5.2, port: 5201, direction: upload, duration: 4s, protocol: udp, udp_rate_mbps: 30}
            """.write(to: dir.appendingPathComponent("probes/bandwidth.yaml"), atomically: true, encoding: .utf8)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path]
        let server = try Harness.start("/usr/sbin/ip", ["netns", "exec", opd, "/usr/bin/iperf3", "-s", "-B", "198.18.5.2", "-p", "5201"],
                                       log: dir.appendingPathComponent("iperf3.log"))
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        try waitForServer()
        // A shaper with a long queue only slows a local sender down (no loss). Here the link's
        // queue holds 15 kB at 15 Mbit/s, as a congested path drops what exceeds it.
        let police = try Harness.sh("""
            set -e
            tc -n \(core) qdisc replace dev bc-\(suffix) root tbf rate 15mbit burst 32kbit limit 15000
            """)
        XCTAssertEqual(police.status, 0, police.stderr)
        let o = try Harness.run("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "bandwidth", "test", "fo-bkd"] + loc, timeout: 60)
        XCTAssertEqual(o.status, 0, o.stdout + o.stderr)
        let history = try Harness.run(Harness.pantau, ["bandwidth", "history", "fo-bkd", "--format", "json"] + loc).stdout
        let row = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(history.utf8)) as? [[String: Any]])?.first, history)
        XCTAssertEqual(row["protocol"] as? String, "udp")
        XCTAssertEqual((row["sender_bps"] as? Double ?? 0) / 1e6, 30, accuracy: 3, "the target rate was offered: \(history)")
        XCTAssertEqual((row["receiver_bps"] as? Double ?? 0) / 1e6, 15, accuracy: 1.5, "what got through the 15 Mbit/s policer: \(history)")
        XCTAssertEqual(row["loss_pct"] as? Double ?? 0, 50, accuracy: 8, "30 Mbit/s offered into 15: about half lost: \(history)")
        XCTAssertNotNil(row["jitter_ms"] as? Double, history)
    }

    /// A page image (binary PPM, P6): dark pixels in its top, middle and bottom third, and the
    /// pale red of rows that failed (#ffebee).
    static func look(_ url: URL) throws -> (ink: [Int], pink: Int) {
        let data = try Data(contentsOf: url)
        var fields: [String] = [], i = 0, current = ""
        while fields.count < 4, i < data.count {
            let c = data[i]
            i += 1
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                if !current.isEmpty { fields.append(current); current = "" }
            } else { current.append(Character(UnicodeScalar(c))) }
        }
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]) else { return ([], 0) }
        var ink = [0, 0, 0], pink = 0
        for y in 0..<h {
            for x in 0..<w {
                let o = i + 3 * (y * w + x)
                guard o + 2 < data.count else { continue }
                let (r, g, b) = (Int(data[o]), Int(data[o + 1]), Int(data[o + 2]))
                if r + g + b < 384 { ink[min(2, y * 3 / h)] += 1 }
                if r > 245, (215...245).contains(g), (218...248).contains(b), r - g > 8 { pink += 1 }
            }
        }
        return (ink, pink)
    }
}
