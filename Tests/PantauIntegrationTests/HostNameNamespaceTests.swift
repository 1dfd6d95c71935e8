import Foundation
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit

/// `pantau run` with sites given by host name and by IPv6, in a namespace of the test's own:
/// its /etc/hosts names the hosts and its resolver is 127.0.0.1 inside the namespace (nothing
/// listens there), so no lookup and no packet leaves the namespaces this test creates.
final class HostNameNamespaceTests: XCTestCase {
    let suffix = String(getpid() % 100_000)
    var core: String { "pthc\(suffix)" }
    var opd: String { "ptho\(suffix)" }
    var created = false

    override func setUpWithError() throws {
        try Harness.addNamespaceOrSkip(core)
        created = true
        let s = suffix
        // `ip netns exec` mounts /etc/netns/<name>/* over /etc/*: the engine's own hosts file and resolver.
        let out = try Harness.sh("""
            set -e
            ip netns add \(opd)
            ip -n \(core) link set lo up; ip -n \(opd) link set lo up
            ip link add hc-\(s) type veth peer name ho-\(s)
            ip link set hc-\(s) netns \(core); ip link set ho-\(s) netns \(opd)
            ip -n \(core) addr add 2001:db8:18::1/64 dev hc-\(s) nodad; ip -n \(core) link set hc-\(s) up
            ip -n \(opd) addr add 2001:db8:18::2/64 dev ho-\(s) nodad; ip -n \(opd) link set ho-\(s) up
            mkdir -p /etc/netns/\(core)
            printf '127.0.0.1 localhost\\n::1 localhost ip6-localhost\\n2001:db8:18::2 opd6.intra.test\\n' > /etc/netns/\(core)/hosts
            printf 'nameserver 127.0.0.1\\noptions timeout:1 attempts:1\\n' > /etc/netns/\(core)/resolv.conf
            """)
        XCTAssertEqual(out.status, 0, "namespace setup failed: \(out.stdout) \(out.stderr)")
    }

    override func tearDownWithError() throws {
        guard created else { return }
        _ = try Harness.sh("ip netns del \(core); ip netns del \(opd); rm -rf /etc/netns/\(core)")
    }

    func testSitesByNameAndIPv6AndAnUnresolvedNameIsItsOwnState() async throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: byname, name: OPD Nama, address: localhost, uplinks: [l1]}
              - {id: v6, name: OPD IPv6, address: "2001:db8:18::2", uplinks: [l2]}
              - {id: v6name, name: OPD Nama IPv6, address: opd6.intra.test, uplinks: [l3]}
              - {id: ghost, name: OPD Hantu, address: ghost.intra.test, uplinks: [l4]}
            """, links: """
              - {id: l1, kind: fo-aerial, from: dc, to: byname}
              - {id: l2, kind: fo-aerial, from: dc, to: v6}
              - {id: l3, kind: fo-aerial, from: dc, to: v6name}
              - {id: l4, kind: fo-aerial, from: dc, to: ghost}
            """, probes: """
            icmp:
              resolve_interval: 5s
              defaults: {interval: 1s, packets: 2, packet_gap: 10ms, timeout: 300ms, rounds_to_confirm_down: 2, rounds_to_confirm_up: 1}
            """)
        let loc = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path]
        let log = dir.appendingPathComponent("run.log")
        let engine = try Harness.start("/usr/sbin/ip", ["netns", "exec", core, Harness.pantau, "run", "--seconds", "60"] + loc, log: log)
        defer { if engine.isRunning { kill(engine.processIdentifier, SIGKILL) } }
        let logText = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        let seen = try Harness.waitForStatus(loc, timeout: 20) {
            $0["byname"] == "up" && $0["v6"] == "up" && $0["v6name"] == "up" && $0["ghost"] == "unresolved"
        }
        XCTAssertNotNil(seen, "by name, by IPv6 and by IPv6 name up; the ghost name unresolved; log: \(logText())")
        let status = try Harness.run(Harness.pantau, ["status", "--format", "json"] + loc).stdout
        XCTAssertTrue(status.contains("host name ghost.intra.test did not resolve"), status)

        // The IPv6 host goes away: both of its sites go down (the name keeps its address); the ghost stays unresolved, never down.
        XCTAssertEqual(try Harness.sh("ip -n \(opd) link set ho-\(suffix) down").status, 0)
        let down = try Harness.waitForStatus(loc, timeout: 15) { $0["v6"] == "down" && $0["v6name"] == "down" }
        XCTAssertNotNil(down, "IPv6 outage seen; log: \(logText())")
        XCTAssertEqual(down?["ghost"], "unresolved")
        XCTAssertEqual(down?["byname"], "up")
        kill(engine.processIdentifier, SIGTERM)
        engine.waitUntilExit()
        let store = try Store(path: dir.appendingPathComponent("p.sqlite").path, mode: .readOnly)
        let history = try await store.history(overlapping: TimeRange(0, Int64(Date().timeIntervalSince1970) + 60), targets: ["ghost", "v6"])
        XCTAssertEqual(history["ghost"]?.filter { $0.state != .unknown } ?? [], [], "an unresolved name is no data, never down or up")
        XCTAssertEqual(history["v6"]?.map(\.state).filter { $0 != .unknown }, [.up, .down], "the IPv6 site's history is real")
    }
}
