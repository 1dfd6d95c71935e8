import Foundation
import PantauTestSupport
import XCTest

/// The multi-engine deployment on a real little network: PostgreSQL and the DC engine in the
/// data centre's namespace, a second engine at the POP (its own namespace, reaching the centre
/// over the FO trunk), two OPD hosts behind the POP, and two correlators (one active, one hot
/// standby). The trunk is cut for a minute: one fo-cut ticket naming every site cut off, seen
/// from both sides; the POP engine, cut off from the centre too, spools and replays with the true
/// times; the active correlator is killed with -9 during the outage and the standby resolves the
/// ticket, with no ticket or message twice.
final class CentralNamespaceTests: XCTestCase {
    let tag = "pc\(getpid() % 10_000)"
    var names: [String] = []
    func ns(_ n: String) -> String { "\(tag)\(n)" }

    override func setUpWithError() throws {
        try XCTSkipUnless(SNMPDAgent.available, "snmpd is not installed (scripts/setup.sh installs it)")
        try XCTSkipUnless(PostgresServer.binaries != nil, "PostgreSQL is not installed (scripts/setup.sh installs it)")
        let probe = try Harness.sh("ip netns add \(ns("c")) 2>&1")
        guard probe.status == 0 else { throw XCTSkip("SKIPPED: network namespaces are not permitted here (\(probe.stdout))") }
        names = ["c", "p", "o1", "o2"].map(ns)
        let c = ns("c"), p = ns("p")
        var script = "set -e\n"
        for n in names.dropFirst() { script += "ip netns add \(n)\n" }
        for n in names { script += "ip -n \(n) link set lo up\n" }
        script += """
            ip -n \(c) link add trunk type veth peer name trunk-far netns \(p)
            ip -n \(p) link add br0 type bridge
            ip -n \(c) addr add 198.18.0.1/24 dev trunk
            ip -n \(p) addr add 198.18.0.2/24 dev br0
            ip -n \(p) link set trunk-far master br0

            """
        for i in 1...2 {
            script += """
                ip -n \(p) link add opd\(i) type veth peer name opd\(i)-far netns \(ns("o\(i)"))
                ip -n \(p) link set opd\(i) master br0
                ip -n \(ns("o\(i)")) addr add 198.18.0.1\(i)/24 dev opd\(i)-far
                ip -n \(ns("o\(i)")) link set opd\(i)-far up

                """
        }
        script += """
            ip -n \(c) link set trunk up
            for i in br0 trunk-far opd1 opd2; do ip -n \(p) link set $i up; done
            """
        let out = try Harness.sh(script)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
    }

    override func tearDownWithError() throws {
        for n in names.reversed() { _ = try? Harness.sh("ip netns del \(n)") }
    }

    func write(_ dir: URL, corePort: UInt16, popPort: UInt16, hookPort: UInt16) throws {
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: pop, name: POP Pulau, role: distribution, criticality: high, address: 198.18.0.2, uplinks: [fo-trunk]}
              - {id: opd1, name: Dinas Kesehatan, criticality: high, users: 150, address: 198.18.0.11, uplinks: [fo-opd1]}
              - {id: opd2, name: Kantor Camat Pulau, address: 198.18.0.12, uplinks: [fo-opd2]}
            """, links: """
              - {id: fo-trunk, kind: fo-undersea, from: dc, to: pop, name: FO laut, a: {device: core-sw, interface: trunk}, b: {device: pop-sw, interface: trunk-far}}
              - {id: fo-opd1, kind: fo-aerial, from: pop, to: opd1, a: {device: pop-sw, interface: opd1}}
              - {id: fo-opd2, kind: fo-aerial, from: pop, to: opd2, a: {device: pop-sw, interface: opd2}}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 1, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 2}
            """, extra: """
            devices:
              - {id: core-sw, site: dc, address: 127.0.0.1, port: \(corePort), vendor: generic, role: core, snmp: lab}
              - {id: pop-sw, site: pop, address: 198.18.0.2, port: \(popPort), vendor: generic, role: distribution, snmp: lab}
            """)
        let net = dir.appendingPathComponent("inventory/network.yaml")
        let yaml = try String(contentsOf: net, encoding: .utf8)
            .replacingOccurrences(of: "workweek: [mon, tue, wed, thu, fri]", with: "workweek: [mon, tue, wed, thu, fri, sat, sun]")
            .replacingOccurrences(of: "hours: \"08:00-16:00\"", with: "hours: \"00:00-24:00\"")
        try yaml.write(to: net, atomically: true, encoding: .utf8)
        try "date,name\n".write(to: dir.appendingPathComponent("inventory/libur.csv"), atomically: true, encoding: .utf8)
        try "profiles:\n  lab: {version: 2c, community: \(SNMPDAgent.community)}\n"
            .write(to: dir.appendingPathComponent("inventory/credentials.yaml"), atomically: true, encoding: .utf8)
        try """
        snmp:
          trap_listen: ~
          defaults: {interval: 1s, timeout: 300ms, retries: 1, rounds_to_confirm_down: 1, rounds_to_confirm_up: 2}
        """.write(to: dir.appendingPathComponent("probes/snmp.yaml"), atomically: true, encoding: .utf8)
        try """
        incidents:
          group_window: 4s
          recovery_hold: 12s
          settle: 12s
          evaluate_every: 1s
        notify:
          - {name: servicedesk, type: webhook, url: "http://127.0.0.1:\(hookPort)/hook"}
        """.write(to: dir.appendingPathComponent("probes/incidents.yaml"), atomically: true, encoding: .utf8)
    }

    func testFOCutSeenFromBothSidesWithSpoolAndCorrelatorFailover() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try PostgresServer(namespace: ns("c"), listen: ["127.0.0.1", "198.18.0.1"])
        defer { server.stop() }
        let corePort = SNMPDAgent.freePort(), popPort = SNMPDAgent.freePort(), hookPort = SNMPDAgent.freePort()
        let core = try SNMPDAgent(port: corePort, namespace: ns("c"))
        let popAgent = try SNMPDAgent(addresses: ["198.18.0.2"], port: popPort, namespace: ns("p"))
        defer { core.stop(); popAgent.stop() }
        try write(dir, corePort: corePort, popPort: popPort, hookPort: hookPort)
        let hookLog = dir.appendingPathComponent("hook.jsonl")
        try IncidentNamespaceTests.hook.write(to: dir.appendingPathComponent("hook.py"), atomically: true, encoding: .utf8)
        let hook = try Spawned(["/usr/sbin/ip", "netns", "exec", ns("c"), "/usr/bin/python3", dir.appendingPathComponent("hook.py").path,
                                "\(hookPort)", hookLog.path])
        defer { hook.signal(SIGKILL); _ = hook.wait() }

        let inventory = ["--inventory", dir.appendingPathComponent("inventory").path]
        let centreURL = "postgresql://pantau@127.0.0.1:\(server.port)/pantau"
        let popSpool = dir.appendingPathComponent("pop-spool.sqlite").path
        var processes: [Process] = []
        defer { for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        func start(_ name: String, in namespace: String, _ args: [String]) throws -> Process {
            let p = try Harness.start("/usr/sbin/ip", ["netns", "exec", ns(namespace), Harness.pantau] + args + ["--log-level", "notice"],
                                      log: dir.appendingPathComponent("\(name).log"))
            processes.append(p)
            return p
        }
        func log(_ name: String) -> String { (try? String(contentsOf: dir.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? "" }
        func logs() -> String { ["dc", "pop", "corr-a", "corr-b", "web"].map { "== \($0)\n" + String(log($0).suffix(2500)) }.joined(separator: "\n") }
        func wait(_ what: String, timeout: Double, _ ok: () throws -> Bool) rethrows {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if (try? ok()) == true { return }
                usleep(200_000)
            }
            XCTFail("\(what) within \(timeout) s\n\(logs())")
        }
        func sql(_ q: String) -> String { (try? server.psql(q)) ?? "" }
        func sh(_ c: String) { XCTAssertEqual(try Harness.sh(c).status, 0, c) }
        func spooled() -> Int {
            Int((try? Harness.sh("sqlite3 \(popSpool) 'SELECT COUNT(*) FROM entry' 2>/dev/null").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "") ?? -1
        }

        // The data centre: its engine and the first correlator (active), then a second one (standby).
        _ = try start("dc", in: "c", ["run", "--engine", "dc", "--sites", "all", "--seconds", "400",
                                      "--spool", dir.appendingPathComponent("dc-spool.sqlite").path, "--db", centreURL] + inventory)
        // Engines here beat every second: one silent for 5 s has died or is cut off.
        let correlate = ["correlate", "--db", centreURL, "--live-within", "5"] + inventory
        let corrA = try start("corr-a", in: "c", correlate)
        try wait("the first correlator active", timeout: 30) { log("corr-a").contains("active on") }
        let corrB = try start("corr-b", in: "c", correlate)
        try wait("the second correlator on standby", timeout: 30) { log("corr-b").contains("on standby") }
        // The faces on the centre: a user, an API token, and `pantau web` on the shared store.
        let webPort = SNMPDAgent.freePort()
        try "web:\n  listen: 127.0.0.1:\(webPort)\n".write(to: dir.appendingPathComponent("probes/web.yaml"), atomically: true, encoding: .utf8)
        let cli = "ip netns exec \(ns("c")) \(Harness.pantau)", at = "--db \(centreURL) --inventory \(dir.appendingPathComponent("inventory").path)"
        let add = try Harness.sh("echo 'kata-sandi-noc-123' | \(cli) user add noc --role noc --password-stdin \(at)")
        XCTAssertEqual(add.status, 0, add.stdout + add.stderr)
        let token = try Harness.sh("\(cli) user token noc --label uji \(at)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try start("web", in: "c", ["web", "--db", centreURL] + inventory)
        try wait("the dashboard on the central store", timeout: 30) { log("web").contains("dashboard on http://127.0.0.1:\(webPort)/") }
        func api(_ path: String) -> String {
            let py = "import urllib.request as u; r = u.Request('http://127.0.0.1:\(webPort)\(path)', headers={'Authorization': 'Bearer \(token)'}); "
                + "print(u.urlopen(r, timeout=5).read().decode())"
            return (try? Harness.sh("ip netns exec \(ns("c")) python3 -c \"\(py)\"").stdout) ?? ""
        }
        // The POP engine reaches the centre over the trunk (198.18.0.1).
        _ = try start("pop", in: "p", ["run", "--engine", "pop", "--sites", "pop", "--seconds", "400", "--spool", popSpool,
                                       "--db", "postgresql://pantau@198.18.0.1:\(server.port)/pantau"] + inventory)
        try wait("every site and link up, seen by both engines", timeout: 45) {
            sql("""
                SELECT string_agg(s.engine || ' ' || i.target, ',' ORDER BY s.engine, i.target) FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.to_s IS NULL AND i.state = 'up' AND s.ended_s IS NULL AND i.target IN ('fo-trunk', 'pop', 'opd1', 'opd2')
                """) == "dc fo-trunk,dc opd1,dc opd2,dc pop,pop fo-trunk,pop pop"
        }

        // 1. The undersea trunk is cut (at the POP's end: both ports go dark).
        let cutAt = Int64(Date().timeIntervalSince1970)
        sh("ip -n \(ns("p")) link set trunk-far down")
        try wait("one fo-cut ticket", timeout: 30) { sql("SELECT COUNT(*) FROM ticket") == "1" }
        let ticket = sql("SELECT number || '|' || root_key || '|' || cause || '|' || affected_sites || '|' || started_s FROM ticket")
            .split(separator: "|").map(String.init)
        XCTAssertEqual(ticket.count, 5, ticket.joined(separator: "|"))
        guard ticket.count == 5 else { return }
        let number = ticket[0]
        XCTAssertEqual(ticket[1], "link:fo-trunk")
        XCTAssertEqual(ticket[2], "fo-cut")
        XCTAssertEqual(ticket[3], "opd1,opd2,pop", "every site cut off, named in one ticket")
        XCTAssertLessThanOrEqual(abs((Int64(ticket[4]) ?? 0) - cutAt), 15, "started when the port went down")
        // The central dashboard's API shows it, with the sites it cuts off.
        try wait("the ticket on the central dashboard", timeout: 10) { api("/api/v1/tickets").contains(number) }
        XCTAssertTrue(api("/api/v1/tickets/\(number)").contains("opd2"), api("/api/v1/tickets/\(number)"))
        // The opening message left once; then the active correlator dies.
        try wait("the opening message delivered", timeout: 20) { sql("SELECT COUNT(*) FROM outbox WHERE sent_s IS NOT NULL") == "1" }
        XCTAssertGreaterThan(spooled(), 0, "the POP engine cannot reach the centre across the cut: it spools")
        kill(corrA.processIdentifier, SIGKILL)
        corrA.waitUntilExit()
        let killedAt = Date()
        try wait("the standby takes over", timeout: 15) { log("corr-b").contains("active on") }
        let takeover = Date().timeIntervalSince(killedAt)
        XCTAssertLessThan(takeover, 5, "takeover in \(takeover) s")
        print(String(format: "measured: the standby took over %.2f s after the kill -9", takeover))
        // The cut lasts a minute.
        let remaining = Double(cutAt + 60) - Date().timeIntervalSince1970
        if remaining > 0 { usleep(UInt32(remaining * 1_000_000)) }
        XCTAssertEqual(sql("SELECT COUNT(*) FROM ticket"), "1", "the new active correlator adopted the ticket")

        // 2. Spliced: the ticket is resolved by the correlator that took over, with the true time.
        let restoredAt = Int64(Date().timeIntervalSince1970)
        sh("ip -n \(ns("p")) link set trunk-far up")
        try wait("the ticket resolved", timeout: 60) { sql("SELECT state FROM ticket") == "resolved" }
        XCTAssertTrue(api("/api/v1/tickets/\(number)").contains("resolved"), api("/api/v1/tickets/\(number)"))
        let recovered = Int64(sql("SELECT recovered_s FROM ticket")) ?? 0
        XCTAssertTrue((restoredAt - 1)...(restoredAt + 15) ~= recovered, "recovered at \(recovered), spliced at \(restoredAt)")
        // The POP engine's spool reached the centre: its view of the cut with its true times.
        try wait("the POP spool replayed", timeout: 60) { spooled() == 0 }
        let popDown = sql("""
            SELECT i.from_s || ' ' || COALESCE(i.to_s, -1) FROM state_interval i JOIN source s ON s.id = i.source_id
            WHERE s.engine = 'pop' AND i.target = 'fo-trunk' AND i.state = 'down'
            """).split(separator: "\n").map { $0.split(separator: " ").compactMap { Int64($0) } }
        XCTAssertEqual(popDown.count, 1, "one down interval of the trunk from the POP's side: \(popDown)")
        if let d = popDown.first, d.count == 2 {
            XCTAssertTrue((cutAt - 1)...(cutAt + 15) ~= d[0], "the POP saw its end go down at \(d[0]) (cut at \(cutAt))")
            XCTAssertTrue((restoredAt - 1)...(restoredAt + 15) ~= d[1], "and come back at \(d[1]) (spliced at \(restoredAt))")
        }
        XCTAssertEqual(sql("SELECT COUNT(*) FROM (SELECT source_id, target, from_s FROM state_interval GROUP BY 1, 2, 3 HAVING COUNT(*) > 1) d"), "0",
                       "nothing replayed twice")
        // 3. No ticket and no message twice across the failover.
        try wait("the recovery message delivered", timeout: 20) { sql("SELECT COUNT(*) FROM outbox WHERE sent_s IS NULL") == "0" }
        XCTAssertEqual(sql("SELECT COUNT(*) FROM ticket"), "1")
        let lines = ((try? String(contentsOf: hookLog, encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let events = lines.filter { $0["ticket"] as? String == number }.compactMap { $0["event"] as? String }.sorted()
        XCTAssertEqual(events.filter { $0.hasPrefix("opened") }.count, 1, "\(events)")
        XCTAssertEqual(events.filter { $0.hasPrefix("resolved") }.count, 1, "\(events)")
        XCTAssertEqual(lines.count, 2, "one opening and one recovery message, nothing else: \(lines)")
        // 4. The NOC closes it from the command line on the central store; the monthly report has it.
        let show = try Harness.sh("\(cli) tickets show \(number) --format json \(at)")
        XCTAssertTrue(show.stdout.contains("fo-trunk") && show.status == 0, show.stdout + show.stderr)
        let close = try Harness.sh("\(cli) tickets close \(number) --officer 'Budi (NIP 198001012005011001)' --problem 'FO laut putus' "
                                   + "--work 'Penyambungan' --cause fo-cut \(at)")
        XCTAssertEqual(close.status, 0, close.stdout + close.stderr)
        XCTAssertEqual(sql("SELECT state FROM ticket"), "closed")
        let month = sql("SELECT month FROM ticket_document")
        let archive = try Harness.sh("\(cli) tickets archive --month \(month) \(at)")
        XCTAssertTrue(archive.stdout.contains(number), archive.stdout + archive.stderr)
        let report = try Harness.sh("\(cli) report --month \(month) --format json \(at)")
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains(number), "the monthly report from the central store lists the ticket: \(report.stdout.prefix(400))")
        corrB.terminate()
        corrB.waitUntilExit()
        XCTAssertEqual(corrB.terminationStatus, 0, log("corr-b"))
    }
}
