import Foundation
import PantauTestSupport
import XCTest

/// Issue 23 on real agents: the lab of `IncidentNamespaceTests` (snmpd switches, veth links,
/// OPD hosts in namespaces) at an office's timings: ICMP every second confirmed in two rounds,
/// SNMP every 20 s, no traps, no group window. ICMP confirms the POP down long before the next
/// poll; the engine's path read must find the cut so that one fo-cut ticket opens (not a
/// site-down one first), and a silent OPD whose port stays up is its own device or power.
final class OfficeTimingNamespaceTests: IncidentNamespaceTests {
    override func testTicketsFromRealFaults() throws {}  // the fast lab's scenario runs in the parent class

    func testOneTicketWithTheRightCauseAtOfficeTimings() throws {
        continueAfterFailure = false
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corePort = SNMPDAgent.freePort(), popPort = SNMPDAgent.freePort(), hookPort = SNMPDAgent.freePort()
        let core = try SNMPDAgent(port: corePort, namespace: ns("c"))
        let pop = try SNMPDAgent(addresses: ["198.18.0.2"], port: popPort, namespace: ns("p"))
        defer { core.stop(); pop.stop() }
        var timings = Timings.office
        let trapPort = SNMPDAgent.freePort()
        timings.trapPort = trapPort
        try write(dir, corePort: corePort, popPort: popPort, hookPort: hookPort, timings: timings)
        let hookLog = dir.appendingPathComponent("hook.jsonl")
        try Self.hook.write(to: dir.appendingPathComponent("hook.py"), atomically: true, encoding: .utf8)
        let hook = try Spawned(["/usr/sbin/ip", "netns", "exec", ns("c"), "/usr/bin/python3", dir.appendingPathComponent("hook.py").path,
                                "\(hookPort)", hookLog.path])
        defer { hook.signal(SIGKILL); _ = hook.wait() }
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path]
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", ns("c"), Harness.pantau, "run", "--seconds", "400", "--log-level", "info"] + loc,
                                       log: dir.appendingPathComponent("run.log"))
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        func log() -> String { (try? String(contentsOf: dir.appendingPathComponent("run.log"), encoding: .utf8)) ?? "" }
        func tickets() -> [[String: Any]] { ticketList(loc) }
        func waitTickets(_ what: String, timeout: Double, _ ok: ([[String: Any]]) -> Bool) -> [[String: Any]] {
            waitForTickets(loc, what, timeout: timeout, log: log, ok)
        }
        func sh(_ c: String) { XCTAssertEqual(try Harness.sh(c).status, 0, c) }

        // Links confirm up in two polls: 20 s apart.
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 90) { s in
            ["pop", "opd1", "opd2", "opd3", "red", "fo-trunk", "fo-opd3"].allSatisfy { s[$0] == "up" }
        }, "everything up; \(log().suffix(3000))")

        XCTAssertEqual(tickets().count, 0, "no ticket before any fault: \(tickets()); \(log().prefix(8000))")
        // 1. The trunk goes dark between two polls: one fo-cut ticket, opened from the path read.
        let cutAt = Date()
        sh("ip -n \(ns("p")) link set trunk-far down")
        var all = waitTickets("a ticket for the cut", timeout: 30) { !$0.isEmpty }
        let seen = Date().timeIntervalSince(cutAt)
        XCTAssertEqual(all.count, 1, "one ticket: \(all)")
        XCTAssertEqual(all.first?["root"] as? String, "fo-trunk", "\(all)")
        XCTAssertEqual(all.first?["cause"] as? String, "fo-cut", "\(all)")
        XCTAssertEqual(all.first?["affected_sites"] as? [String], ["opd1", "opd2", "opd3", "pop"])
        // ICMP confirms in ~2 s; the path read waits out snmpd's ~5 s IF-MIB cache: well before the next 20 s poll.
        XCTAssertLessThan(seen, 2 + 5 + 3, "cut to ticket without a trap: \(seen) s")
        print("figure: office timings, no trap: cut to fo-cut ticket \(String(format: "%.1f", seen)) s")
        XCTAssertTrue(log().contains("path read"), "the path read ran")
        // Through the next regular poll and past it: still one ticket, never a second opening.
        sleep(22)
        all = tickets()
        XCTAssertEqual(all.count, 1, "still one ticket after the next poll: \(all)")
        sh("ip -n \(ns("p")) link set trunk-far up")
        all = waitTickets("trunk resolved", timeout: 120) { $0.first?["state"] as? String == "resolved" }

        // 2. An OPD stops answering while its port stays up: its own device or power, on evidence read after it failed.
        // First the POP's ports are read up again after the trunk came back, and the settle time (12 s here: a site
        // still silent that soon after its port came back is catching up, not a root) has passed.
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 60) { s in ["pop", "opd3", "fo-trunk", "fo-opd3"].allSatisfy { s[$0] == "up" } })
        sleep(13)
        let offAt = Date()
        sh("ip netns exec \(ns("o3")) sysctl -qw net.ipv4.icmp_echo_ignore_all=1")
        all = waitTickets("opd3 ticket", timeout: 30) { t in t.contains { $0["root"] as? String == "opd3" } }
        let opd3 = all.first { $0["root"] as? String == "opd3" }
        XCTAssertEqual(opd3?["cause"] as? String, "opd-device-or-power", "\(String(describing: opd3))")
        let offSeen = Date().timeIntervalSince(offAt)
        print("figure: office timings: OPD silent behind an up port to opd-device-or-power ticket \(String(format: "%.1f", offSeen)) s")
        XCTAssertLessThan(offSeen, 2 + 5 + 3, log().split(separator: "\n").filter { $0.contains("opd3") || $0.contains("path read") }.suffix(30)
            .joined(separator: "\n"))
        XCTAssertTrue((opd3?["evidence"] as? [String] ?? []).joined().contains("after the site stopped answering"), "\(String(describing: opd3))")
        sh("ip netns exec \(ns("o3")) sysctl -qw net.ipv4.icmp_echo_ignore_all=0")

        // 3. The trunk again, now with the core switch's linkDown trap: the ticket (reopened: the same root within
        // the reopen window) within 3 s of the trap. The trap alone waits for its read-back; ICMP confirming the
        // sites behind it down is the second, independent word.
        XCTAssertNotNil(try Harness.waitForStatus(loc, timeout: 60) { s in ["pop", "opd1", "opd3", "fo-trunk"].allSatisfy { s[$0] == "up" } })
        let ifIndex = try Harness.sh("ip netns exec \(ns("c")) cat /sys/class/net/trunk/ifindex").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        sh("ip -n \(ns("p")) link set trunk-far down")
        let binds = "1.3.6.1.2.1.2.2.1.1.\(ifIndex) i \(ifIndex) 1.3.6.1.2.1.2.2.1.7.\(ifIndex) i 1 1.3.6.1.2.1.2.2.1.8.\(ifIndex) i 2"
        let trapAt = Date()
        sh("ip netns exec \(ns("c")) snmptrap -v 2c -c \(SNMPDAgent.community) udp:127.0.0.1:\(trapPort) '' 1.3.6.1.6.3.1.1.5.3 \(binds)")
        all = waitTickets("the trunk's ticket on the trap", timeout: 20) { t in
            t.contains { $0["root"] as? String == "fo-trunk" && $0["state"] as? String == "open" }
        }
        let fromTrap = Date().timeIntervalSince(trapAt)
        print("figure: office timings, linkDown trap: trap to fo-cut ticket \(String(format: "%.1f", fromTrap)) s")
        XCTAssertLessThan(fromTrap, 3, "trap to ticket: \(fromTrap) s")
        XCTAssertEqual(all.filter { $0["kind"] as? String == "outage" }.count, 2, "the trunk (reopened) and opd3: \(all)")
        sh("ip -n \(ns("p")) link set trunk-far up")

        // Both openings reach the webhook (the outbox sends within seconds).
        let deadline = Date().addingTimeInterval(20)
        func events() -> [String] {
            ((try? String(contentsOf: hookLog, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["event"] as? String }
        }
        while Date() < deadline, events().filter({ $0.hasPrefix("opened") }).count < 2 || !events().contains(where: { $0.hasPrefix("reopened") }) {
            usleep(200_000)
        }
        engine.terminate()
        engine.waitUntilExit()
        let lines = ((try? String(contentsOf: hookLog, encoding: .utf8)) ?? "").split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let opened = lines.filter { ($0["event"] as? String)?.hasPrefix("opened") == true }.compactMap { $0["ticket"] as? String }
        XCTAssertEqual(opened.count, 2, "one opening message per root: \(lines)")
        XCTAssertEqual(Set(opened).count, 2)
        let reopened = lines.filter { ($0["event"] as? String)?.hasPrefix("reopened") == true }.compactMap { $0["ticket"] as? String }
        XCTAssertEqual(reopened.count, 1, "the trunk's second cut: one reopening message: \(events()); \(tickets())")
    }
}
