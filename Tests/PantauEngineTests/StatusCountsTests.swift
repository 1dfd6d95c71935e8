import Foundation
import Logging
import XCTest
import PantauCore
import PantauEngine
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit

/// Issue 30: `status` counted what answered ("done 994, answered 994") while six devices were
/// never read. The count is now against every device the poller watches, the silent ones named.
final class StatusCountsTests: XCTestCase {
    func testASilentDeviceIsCountedAgainstTheInventoryAndNamed() async throws {
        let devices = ["sw-a", "sw-b", "sw-c"]
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core),
            Site(id: "bkd", name: "bkd", uplinks: ["fo-bkd"]),
        ], links: [Link(id: "fo-bkd", kind: .foUnderground, from: "dc", to: "bkd", a: LinkEnd(device: "sw-a", interface: "sfp1"))],
        devices: devices.map { Device(id: $0, site: "dc", address: "127.0.0.1", vendor: .generic, role: .core, snmpProfile: "p") },
        maintenance: [])
        let start = Double(ISO8601.parse("2026-03-02T08:00:00+07:00")!)
        let clock = ManualClock(start)
        // sw-b never answers (no view: every walk times out); the other two do.
        let transport = RecordingSNMPTransport()
        for d in ["sw-a", "sw-c"] {
            transport.update(d) { v in
                v[SNMPObjects.sysUpTime] = .timeticks(1000)
                v[SNMPObjects.ifName.appending(1)] = .octets(Array("sfp1".utf8))
                v[SNMPObjects.ifAdminStatus.appending(1)] = .integer(1)
                v[SNMPObjects.ifOperStatus.appending(1)] = .integer(1)
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var config = SNMPProbeConfig()
        config.trapListen = nil
        _ = try await TestEngine(inventory: inv, store: store, transport: RecordingEchoTransport { _, _ in 0.5 }, clock: clock,
                                 runFor: 600, snmp: { bus in
            SNMPPoller(inventory: inv, config: config, credentials: ["p": .v2c("c", profile: "p")], transport: transport,
                       samples: store, bus: bus, clock: clock, logger: Logger(label: "test"), runFor: 600)
        }).run()
        let report = try await StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: config).build(store: store, now: EpochSeconds(start) + 600)
        let snmp = try XCTUnwrap(report.sources.first { $0.source.hasPrefix("snmp@") })
        // The last poll batch: the two live devices answered (the failing one is walked in the
        // background lane, so a batch's answered/done alone would read "2 of 2").
        XCTAssertEqual(snmp.total, 3)
        XCTAssertEqual(snmp.current, 2)
        XCTAssertEqual(snmp.unread?.map(\.id), ["sw-b"])
        XCTAssertNil(snmp.unread?.first?.lastRead, "never read")
        XCTAssertTrue(snmp.unread?.first?.why.contains("no response") == true, snmp.unread?.first?.why ?? "")
        let json = String(decoding: try JSONEncoder.pantau.encode(report), as: UTF8.self)
        XCTAssertTrue(json.contains("\"current\":2") && json.contains("\"total\":3"), json)
    }
}
