import Foundation
import XCTest

/// Issue 30: under systemd's default of 1,024 open files (no `LimitNOFILE`) devices failed at
/// once, silently. An engine whose open-file limit cannot hold its fixed needs refuses to start
/// and names the limit; one that can, but not a session per device, says how many it keeps.
final class DescriptorLimitTests: XCTestCase {
    func config(devices: Int) -> URL {
        let dir = Harness.tempDir()
        let list = (0..<devices).map { "  - {id: sw\($0), site: dc, address: 127.0.0.1, port: \(20000 + $0), vendor: generic, role: access, snmp: lab}" }
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
            """, links: "  []", probes: "icmp: {}\n", extra: "devices:\n" + list.joined(separator: "\n"))
        try! "profiles:\n  lab: {version: 2c, community: pantau-none}\n"
            .write(to: dir.appendingPathComponent("inventory/credentials.yaml"), atomically: true, encoding: .utf8)
        // Nothing answers on those ports: short walks, so the run ends soon after its second.
        try! "snmp:\n  defaults: {timeout: 200ms, retries: 0}\n"
            .write(to: dir.appendingPathComponent("probes/snmp.yaml"), atomically: true, encoding: .utf8)
        try! "web:\n  listen: off\n".write(to: dir.appendingPathComponent("probes/web.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    func run(_ dir: URL, limit: Int) throws -> Harness.Output {
        // `ulimit -n` lowers the hard limit too: the engine cannot raise itself past it.
        try Harness.sh("cd \(dir.path) && ulimit -n \(limit) && \(Harness.pantau) run --seconds 1 --inventory inventory --probes probes --db pantau.sqlite 2>&1",
                       timeout: 60)
    }

    func testALimitBelowTheEnginesNeedsIsAStartupErrorNamingIt() throws {
        let dir = config(devices: 3)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try run(dir, limit: 150)
        XCTAssertNotEqual(out.status, 0, out.stdout)
        XCTAssertTrue(out.stdout.contains("the open-file limit is 150"), out.stdout)
        XCTAssertTrue(out.stdout.contains("LimitNOFILE"), out.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pantau.sqlite").path), "refused before opening anything")
    }

    func testMoreDevicesThanSessionsFitRunsAndSaysSo() throws {
        let dir = config(devices: 400)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try run(dir, limit: 512)
        XCTAssertEqual(out.status, 0, out.stdout)
        // 512 - 128 reserved - 64 walks in flight - the trap listener = 319 sessions kept.
        XCTAssertTrue(out.stdout.contains("sessions of 319 of 400 SNMP devices are kept open"), out.stdout)
    }

    func testEveryShippedUnitStatesItsOpenFileLimit() throws {
        let deploy = Harness.packageRoot.appendingPathComponent("deploy")
        let units = try FileManager.default.contentsOfDirectory(atPath: deploy.path).filter { $0.hasSuffix(".service") }
        XCTAssertGreaterThanOrEqual(units.count, 4)
        for u in units {
            let text = try String(contentsOf: deploy.appendingPathComponent(u), encoding: .utf8)
            XCTAssertNotNil(text.range(of: #"(?m)^LimitNOFILE=\d+$"#, options: .regularExpression), "\(u) sets no LimitNOFILE")
        }
    }
}
