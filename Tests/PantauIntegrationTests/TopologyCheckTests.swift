import Foundation
import PantauTestSupport
import XCTest

/// `pantau check --live` against two recorded switches that see each other over LLDP: a Cisco
/// Nexus 5000 (port id = MAC, local name from lldpLocPortDesc) and an HPE ProCurve (port id =
/// port number), served by snmpsim from PyPI snmpsim-data, each on its own loopback port.
final class TopologyCheckTests: XCTestCase {
    func testLiveCheckReportsAgreementMismatchAndSilentPort() throws {
        try XCTSkipUnless(SnmpsimAgent.available, "snmpsim venv missing (scripts/setup.sh builds it)")
        // The recordings are anonymised (sysName DUMSYS-nn); give them back the names their
        // neighbours announce, as the real devices had.
        let nexus = try SnmpsimAgent(devices: ["n5000": try SnmpsimAgent.recording("network/switch/cisco-n5000")
            .settingRecord("1.3.6.1.2.1.1.5.0", type: "4", value: "NWPU-CA-5548-01.example.net")])
        let procurve = try SnmpsimAgent(devices: ["procurve": try SnmpsimAgent.recording("network/switch/hpe-procurve-516733-b21")
            .settingRecord("1.3.6.1.2.1.1.5.0", type: "4", value: "ProCurve 6120XG Blade Switch")])
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core}
              - {id: blade, name: Ruang Server Blade, uplinks: [fo-blade, fo-blade2]}
              - {id: ucs, name: OPD UCS, uplinks: [fo-ucs]}
            """, links: """
              - {id: fo-blade, kind: fo-underground, from: dc, to: blade, a: {device: nexus, interface: Ethernet1/19}, b: {device: blade-sw, interface: "17"}}
              - {id: fo-blade2, kind: fo-underground, from: dc, to: blade, a: {device: nexus, interface: Ethernet1/23}, b: {device: blade-sw, interface: "18"}}
              - {id: fo-ucs, kind: fo-underground, from: dc, to: ucs, a: {device: nexus, interface: Ethernet1/24}}
            """, probes: "icmp: {}\n", extra: """
            devices:
              - {id: nexus, site: dc, address: 127.0.0.1, port: \(nexus.port), vendor: cisco, role: core, snmp: nexus}
              - {id: blade-sw, site: blade, address: 127.0.0.1, port: \(procurve.port), vendor: generic, role: access, snmp: procurve}
            """)
        try """
        profiles:
          nexus: {version: 2c, community: n5000}
          procurve: {version: 2c, community: procurve}
        """.write(to: dir.appendingPathComponent("inventory/credentials.yaml"), atomically: true, encoding: .utf8)
        let inv = dir.appendingPathComponent("inventory").path

        let out = try Harness.run(Harness.pantau, ["check", "--inventory", inv, "--live", "--format", "json"], timeout: 120)
        XCTAssertEqual(out.status, 1, "a mismatch must fail the check: \(out.stdout) \(out.stderr)")
        guard let json = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any] else {
            return XCTFail("not JSON: \(out.stdout) \(out.stderr)")
        }
        XCTAssertEqual(json["devices_read"] as? Int, 2, out.stdout)
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        func verdict(_ link: String, _ device: String) -> String? {
            findings.first { $0["link"] as? String == link && $0["device"] as? String == device }?["verdict"] as? String
        }
        // Both ends of fo-blade see each other: the Nexus sees "ProCurve 6120XG Blade Switch" port 17,
        // the ProCurve sees NWPU-CA-5548-01 port Eth1/19 (the Nexus's sysName, domain dropped).
        XCTAssertEqual(verdict("fo-blade", "nexus"), "agrees", out.stdout)
        XCTAssertEqual(verdict("fo-blade", "blade-sw"), "agrees", out.stdout)
        // Ethernet1/23 actually leads to NWPU-UCS-FI-A, not to blade-sw 18.
        XCTAssertEqual(verdict("fo-blade2", "nexus"), "mismatch", out.stdout)
        let seen = findings.first { $0["link"] as? String == "fo-blade2" && $0["device"] as? String == "nexus" }?["seen"] as? String
        XCTAssertEqual(seen, "NWPU-UCS-FI-A Eth1/25 (lldp)")
        // ProCurve port 18 is oper-down and announces nobody.
        XCTAssertEqual(verdict("fo-blade2", "blade-sw"), "no-neighbor", out.stdout)
        // fo-ucs has no b end: the far device is shown, not judged.
        XCTAssertEqual(verdict("fo-ucs", "nexus"), "unverified", out.stdout)
        XCTAssertEqual(json["disagreements"] as? Int, 1, out.stdout)

        let table = try Harness.run(Harness.pantau, ["check", "--inventory", inv, "--live", "--lang", "en"], timeout: 120)
        XCTAssertEqual(table.status, 1)
        XCTAssertTrue(table.stdout.contains("Topology check: 2 of 2 devices read; 1 disagreement(s)."), table.stdout)
        XCTAssertTrue(table.stdout.contains("NWPU-UCS-FI-A"), table.stdout)
        XCTAssertFalse(table.stdout.contains("n5000") || table.stderr.contains("n5000"), "community strings never printed")
    }
}
