import Foundation
import PantauTestSupport
import XCTest

/// A real little network in namespaces: a core switch (snmpd) with the engine, a trunk veth to
/// a POP bridge (its own snmpd) with three OPD hosts, and a redundant site with one uplink to
/// the core and one to the POP. Faults are real: a veth goes dark, a host stops answering.
class IncidentNamespaceTests: XCTestCase {
    let tag = "pi\(getpid() % 10_000)"
    var names: [String] = []
    func ns(_ n: String) -> String { "\(tag)\(n)" }

    override func setUpWithError() throws {
        try XCTSkipUnless(SNMPDAgent.available, "snmpd is not installed (scripts/setup.sh installs it)")
        let probe = try Harness.sh("ip netns add \(ns("c")) 2>&1")
        guard probe.status == 0 else { throw XCTSkip("SKIPPED: network namespaces are not permitted here (\(probe.stdout))") }
        names = ["c", "p", "o1", "o2", "o3", "r"].map(ns)
        let c = ns("c"), p = ns("p"), r = ns("r")
        var script = "set -e\n"
        for n in names.dropFirst() { script += "ip netns add \(n)\n" }
        for n in names { script += "ip -n \(n) link set lo up\n" }
        script += """
            ip -n \(c) link add trunk type veth peer name trunk-far netns \(p)
            ip -n \(c) link add r1 type veth peer name r1-far netns \(r)
            ip -n \(p) link add br0 type bridge
            ip -n \(p) link add r2 type veth peer name r2-far netns \(r)
            ip -n \(c) addr add 198.18.0.1/24 dev trunk
            ip -n \(c) addr add 198.18.1.1/24 dev r1
            ip -n \(r) addr add 198.18.1.2/24 dev r1-far
            ip -n \(r) addr add 198.18.0.20/24 dev r2-far
            ip -n \(p) addr add 198.18.0.2/24 dev br0
            ip -n \(p) link set trunk-far master br0
            ip -n \(p) link set r2 master br0

            """
        for i in 1...3 {
            script += """
                ip -n \(p) link add opd\(i) type veth peer name opd\(i)-far netns \(ns("o\(i)"))
                ip -n \(p) link set opd\(i) master br0
                ip -n \(ns("o\(i)")) addr add 198.18.0.1\(i)/24 dev opd\(i)-far
                ip -n \(ns("o\(i)")) link set opd\(i)-far up

                """
        }
        script += """
            for i in trunk r1; do ip -n \(c) link set $i up; done
            for i in br0 trunk-far r2 opd1 opd2 opd3; do ip -n \(p) link set $i up; done
            for i in r1-far r2-far; do ip -n \(r) link set $i up; done
            """
        let out = try Harness.sh(script)
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        // The kernel reports a new veth "down" for ~0.5 s after it is set up (link watch): an agent
        // reading it then would report a cut that never happened. Start once every port is up.
        let ports = [(c, "trunk"), (c, "r1"), (p, "trunk-far"), (p, "r2"), (p, "opd1"), (p, "opd2"), (p, "opd3"), (r, "r1-far"), (r, "r2-far")]
        let deadline = Date().addingTimeInterval(10)
        var down: [String] = []
        repeat {
            down = ports.filter { (n, i) in
                (try? Harness.sh("ip netns exec \(n) cat /sys/class/net/\(i)/operstate").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != "up"
            }.map(\.1)
            if down.isEmpty { break }
            usleep(100_000)
        } while Date() < deadline
        XCTAssertEqual(down, [], "ports still down 10 s after the lab was built")
    }

    override func tearDownWithError() throws {
        for n in names.reversed() { _ = try? Harness.sh("ip netns del \(n)") }
    }

    /// Probe timings: the lab's fast ones, or an office's (ICMP every second confirmed in two
    /// rounds, SNMP 20 times slower, no traps, no group window to hide behind).
    struct Timings {
        var snmpInterval = "1s"
        var groupWindow = "4s"
        /// Where the engine listens for traps (nil: no traps).
        var trapPort: UInt16?
        static let office = Timings(snmpInterval: "20s", groupWindow: "1s")
    }

    func write(_ dir: URL, corePort: UInt16, popPort: UInt16, hookPort: UInt16, timings: Timings = Timings()) throws {
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: pop, name: POP Kota, role: distribution, criticality: high, address: 198.18.0.2, uplinks: [fo-trunk]}
              - {id: opd1, name: Dinas Kesehatan, criticality: high, users: 150, address: 198.18.0.11, uplinks: [fo-opd1]}
              - {id: opd2, name: Dinas Pendidikan, criticality: high, users: 120, address: 198.18.0.12, uplinks: [fo-opd2]}
              - {id: opd3, name: Kecamatan Kota, criticality: low, address: 198.18.0.13, uplinks: [fo-opd3]}
              - {id: red, name: Sekretariat Daerah, criticality: critical, address: 198.18.1.2, uplinks: [fo-r1, fo-r2]}
            """, links: """
              - {id: fo-trunk, kind: fo-underground, from: dc, to: pop, name: FO induk, a: {device: core-sw, interface: trunk}, b: {device: pop-sw, interface: trunk-far}}
              - {id: fo-opd1, kind: fo-aerial, from: pop, to: opd1, a: {device: pop-sw, interface: opd1}}
              - {id: fo-opd2, kind: fo-aerial, from: pop, to: opd2, a: {device: pop-sw, interface: opd2}}
              - {id: fo-opd3, kind: fo-aerial, from: pop, to: opd3, a: {device: pop-sw, interface: opd3}}
              - {id: fo-r1, kind: fo-underground, from: dc, to: red, a: {device: core-sw, interface: r1}}
              - {id: fo-r2, kind: fo-aerial, from: pop, to: red, a: {device: pop-sw, interface: r2}}
            """, probes: """
            icmp:
              defaults: {interval: 1s, packets: 1, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 2}
            """, extra: """
            devices:
              - {id: core-sw, site: dc, address: 127.0.0.1, port: \(corePort), vendor: generic, role: core, snmp: lab}
              - {id: pop-sw, site: pop, address: 198.18.0.2, port: \(popPort), vendor: generic, role: distribution, snmp: lab}
            """)
        // Every hour is working time, so the urgency (and the expected P1/P2) does not depend on when CI runs.
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
          trap_listen: \(timings.trapPort.map { "udp:127.0.0.1:\($0)" } ?? "~")
          defaults: {interval: \(timings.snmpInterval), timeout: 300ms, retries: 1, rounds_to_confirm_down: 1, rounds_to_confirm_up: 2}
        """.write(to: dir.appendingPathComponent("probes/snmp.yaml"), atomically: true, encoding: .utf8)
        try """
        incidents:
          group_window: \(timings.groupWindow)
          recovery_hold: 12s
          settle: 12s
          evaluate_every: 1s
          notices: true
        notify:
          - {name: servicedesk, type: webhook, url: "http://127.0.0.1:\(hookPort)/hook", notices: true}
        """.write(to: dir.appendingPathComponent("probes/incidents.yaml"), atomically: true, encoding: .utf8)
    }

    /// The tickets as `pantau tickets list --format json` gives them.
    func ticketList(_ loc: [String]) -> [[String: Any]] {
        let out = (try? Harness.run(Harness.pantau, ["tickets", "list", "--format", "json"] + loc).stdout) ?? "[]"
        return (try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]]) ?? []
    }

    /// The tickets once `ok` holds for them (polled every 0.2 s), failing with the log past `timeout`.
    func waitForTickets(_ loc: [String], _ what: String, timeout: Double, log: () -> String,
                        _ ok: ([[String: Any]]) -> Bool) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let t = ticketList(loc)
            if ok(t) { return t }
            usleep(200_000)
        }
        XCTFail("\(what): \(ticketList(loc)); log:\n\(log().suffix(4000))")
        return ticketList(loc)
    }

    static let hook = #"""
    import http.server, json, sys
    port, log = int(sys.argv[1]), sys.argv[2]
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a): pass
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            with open(log, "a") as f: f.write(body + "\n")
            self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
    """#

    func testTicketsFromRealFaults() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corePort = SNMPDAgent.freePort(), popPort = SNMPDAgent.freePort(), hookPort = SNMPDAgent.freePort()
        let core = try SNMPDAgent(port: corePort, namespace: ns("c"))
        let pop = try SNMPDAgent(addresses: ["198.18.0.2"], port: popPort, namespace: ns("p"))
        defer { core.stop(); pop.stop() }
        try write(dir, corePort: corePort, popPort: popPort, hookPort: hookPort)
        let hookLog = dir.appendingPathComponent("hook.jsonl")
        try Self.hook.write(to: dir.appendingPathComponent("hook.py"), atomically: true, encoding: .utf8)
        let hook = try Spawned(["/usr/sbin/ip", "netns", "exec", ns("c"), "/usr/bin/python3", dir.appendingPathComponent("hook.py").path,
                                "\(hookPort)", hookLog.path])
        defer { hook.signal(SIGKILL); _ = hook.wait() }

        let db = dir.appendingPathComponent("p.sqlite").path
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]
        XCTAssertEqual(try Harness.run(Harness.pantau, ["check"] + loc).status, 0)
        var runs = 0
        func start() throws -> Process {
            runs += 1
            return try Harness.start("/usr/sbin/ip", ["netns", "exec", ns("c"), Harness.pantau, "run", "--seconds", "400", "--log-level", "notice"] + loc,
                                     log: dir.appendingPathComponent("run\(runs).log"))
        }
        var engine = try start()
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        func logs() -> String {
            (1...runs).map { (try? String(contentsOf: dir.appendingPathComponent("run\($0).log"), encoding: .utf8)) ?? "" }.joined(separator: "\n---\n")
        }
        func tickets() -> [[String: Any]] { ticketList(loc) }
        func waitTickets(_ what: String, timeout: Double, _ ok: ([[String: Any]]) -> Bool) -> [[String: Any]] {
            waitForTickets(loc, what, timeout: timeout, log: logs, ok)
        }
        func ticket(_ root: String, _ all: [[String: Any]]) -> [String: Any]? { all.last { $0["root"] as? String == root } }
        func sh(_ c: String) { XCTAssertEqual(try Harness.sh(c).status, 0, c) }

        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 30) { s in
            ["pop", "opd1", "opd2", "opd3", "red", "fo-trunk", "fo-opd1", "fo-r2"].allSatisfy { s[$0] == "up" }
        }, "everything up; \(logs())")

        // 1. The trunk goes dark: one fo-cut ticket naming every site behind it (red survives over fo-r1).
        let cutAt = Date()
        sh("ip -n \(ns("p")) link set trunk-far down")
        var all = waitTickets("trunk ticket", timeout: 30) { ticket("fo-trunk", $0) != nil }
        let ticketSeen = Date().timeIntervalSince(cutAt)
        let trunk = ticket("fo-trunk", all)
        // Time to ticket: a confirmed FO cut opens its ticket at once (no group window), so the
        // ticket is open within 2 poll intervals (1 s here) of the port being seen down; from the
        // cut itself add snmpd's IF-MIB cache (~5 s on these test agents).
        let iso = ISO8601DateFormatter()
        if let o = (trunk?["opened_at"] as? String).flatMap(iso.date(from:)), let st = (trunk?["started_at"] as? String).flatMap(iso.date(from:)) {
            XCTAssertLessThanOrEqual(o.timeIntervalSince(st), 2, "opened within 2 poll intervals of the port seen down")
        } else { XCTFail("ticket times: \(String(describing: trunk))") }
        XCTAssertLessThan(ticketSeen, 12, "cut to ticket: \(ticketSeen) s")
        XCTAssertEqual(trunk?["cause"] as? String, "fo-cut")
        XCTAssertEqual(trunk?["affected_sites"] as? [String], ["opd1", "opd2", "opd3", "pop"])
        XCTAssertTrue(["P1", "P2"].contains(trunk?["priority"] as? String ?? ""), "\(String(describing: trunk))")
        // 5. A restart in the middle of the outage opens no second ticket and sends no second message.
        sleep(3)
        engine.terminate()
        engine.waitUntilExit()
        engine = try start()
        sleep(8)
        all = tickets()
        XCTAssertEqual(all.count, 1, "only the trunk ticket: \(all)")
        sh("ip -n \(ns("p")) link set trunk-far up")
        all = waitTickets("trunk resolved", timeout: 45) { ticket("fo-trunk", $0)?["state"] as? String == "resolved" }

        // 2. One of red's two uplinks cut: a redundancy notice, no outage.
        sh("ip -n \(ns("r")) link set r2-far down")
        all = waitTickets("fo-r2 notice", timeout: 30) { ticket("fo-r2", $0) != nil }
        XCTAssertEqual(ticket("fo-r2", all)?["kind"] as? String, "notice")
        XCTAssertEqual(ticket("fo-r2", all)?["affected_sites"] as? [String], [])
        sh("ip -n \(ns("r")) link set r2-far up")

        // 3. An OPD host stops answering while its port stays up: its own device or power.
        sh("ip netns exec \(ns("o3")) sysctl -qw net.ipv4.icmp_echo_ignore_all=1")
        all = waitTickets("opd3 ticket", timeout: 30) { ticket("opd3", $0) != nil }
        XCTAssertEqual(ticket("opd3", all)?["cause"] as? String, "opd-device-or-power")
        sh("ip netns exec \(ns("o3")) sysctl -qw net.ipv4.icmp_echo_ignore_all=0")

        // 4. A flapping link: one ticket.
        for _ in 0..<3 {
            sh("ip -n \(ns("o1")) link set opd1-far down")
            sleep(8)
            sh("ip -n \(ns("o1")) link set opd1-far up")
            sleep(6)
        }
        all = waitTickets("all resolved", timeout: 60) { t in t.count >= 4 && t.allSatisfy { $0["state"] as? String == "resolved" } }
        XCTAssertEqual(all.filter { $0["root"] as? String == "fo-opd1" }.count, 1, "one ticket for the flapping link: \(all)")
        XCTAssertEqual(all.count, 4, "trunk, fo-r2, opd3, fo-opd1: \(all.map { $0["root"] ?? "" })")

        engine.terminate()
        engine.waitUntilExit()
        // The webhook got exactly one "opened" message per ticket, none twice.
        let lines = ((try? String(contentsOf: hookLog, encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let opened = lines.filter { ($0["event"] as? String)?.hasPrefix("opened") == true }.compactMap { $0["ticket"] as? String }
        XCTAssertEqual(opened.count, Set(opened).count, "no message twice: \(opened)")
        XCTAssertEqual(Set(opened).count, all.count, "one opened message per ticket: \(lines)")
    }
}
