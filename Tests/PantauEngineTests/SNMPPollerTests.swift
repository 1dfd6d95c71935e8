import Foundation
import Logging
import Synchronization
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// An agent whose counters and port state follow the manual clock: the recording fake's view
/// is rewritten before every poll, as a real switch's would move between polls.
final class ClockedSNMPTransport: SNMPTransport {
    let inner = RecordingSNMPTransport()
    let clock: ManualClock
    let start: Double
    let portDown: Range<Double>

    init(clock: ManualClock, start: Double, portDown: Range<Double>) {
        self.clock = clock
        self.start = start
        self.portDown = portDown
    }

    func execute(_ requests: [SNMPRequest]) async -> [SNMPResponse] {
        let elapsed = clock.now() - start
        inner.update("core") { v in
            v[SNMPObjects.sysUpTime] = .timeticks(UInt32(1_000_000 + elapsed * 100))
            for i: UInt32 in 1...2 {
                v[SNMPObjects.ifName.appending(i)] = .octets(Array("sfp\(i)".utf8))
                v[SNMPObjects.ifAdminStatus.appending(i)] = .integer(1)
                v[SNMPObjects.ifOperStatus.appending(i)] = .integer(i == 1 && portDown.contains(elapsed) ? 2 : 1)
                v[SNMPObjects.ifHighSpeed.appending(i)] = .gauge32(1000)
                // 125,000 octets/s in = 1 Mbit/s; 250,000 out = 2 Mbit/s, from a high start (wraps are not the point here).
                v[SNMPObjects.ifHCInOctets.appending(i)] = .counter64(UInt64(1 << 40) + UInt64(elapsed * 125_000))
                v[SNMPObjects.ifHCOutOctets.appending(i)] = .counter64(UInt64(elapsed * 250_000))
            }
        }
        return await inner.execute(requests)
    }
}

final class SNMPPollerTests: XCTestCase {
    func testPortDownWithinOnePollRatesAndUtilisation() async throws {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core),
            Site(id: "bkd", name: "bkd", uplinks: ["fo-bkd"]),
        ], links: [Link(id: "fo-bkd", kind: .foUnderground, from: "dc", to: "bkd", a: LinkEnd(device: "core", interface: "sfp1"),
                        bandwidthMbps: 10)],
        devices: [Device(id: "core", site: "dc", address: "127.0.0.1", vendor: .generic, role: .core, snmpProfile: "p")],
        maintenance: [])
        // Monday 2026-03-02 08:00 WIB; the port is down from minute 10 to minute 20.
        let start = Double(ISO8601.parse("2026-03-02T08:00:00+07:00")!)
        let clock = ManualClock(start)
        let transport = ClockedSNMPTransport(clock: clock, start: start, portDown: 600..<1200)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var config = SNMPProbeConfig()
        config.trapListen = nil
        let events = try await TestEngine(inventory: inv, store: store, transport: RecordingEchoTransport { _, _ in 0.5 }, clock: clock,
                                          runFor: 1800, snmp: { bus in
            SNMPPoller(inventory: inv, config: config, credentials: ["p": .v2c("c", profile: "p")], transport: transport,
                       samples: store, bus: bus, clock: clock, logger: Logger(label: "test"), runFor: 1800)
        }).run()
        let changes = events.compactMap { e -> String? in
            if case .stateChanged(let t, let f, let to, let since) = e, t == "fo-bkd" { return "\(f)->\(to) @\(Int(Double(since) - start))" }
            return nil
        }
        // Polls every 60 s: down confirmed by the first poll that sees it, up by the second.
        XCTAssertEqual(changes, ["unknown->up @0", "up->down @600", "down->up @1200", "up->unknown @1800"])
        let lastLinks = try await store.linkLast()
        let last = try XCTUnwrap(lastLinks["fo-bkd"])
        XCTAssertEqual(last.inBps, 1_000_000)
        XCTAssertEqual(last.outBps, 2_000_000)
        // Utilisation against the contracted 10 Mbit/s, not the 1 Gbit/s port.
        XCTAssertEqual(last.utilisationPct, 20)
        // The polls asked for sysUpTime and the IF-MIB columns in one request per device.
        XCTAssertEqual(transport.inner.requests.count, 31, "polls at 0, 60, … 1740 s, and the port read back 5.5 s after it was seen down")
        XCTAssertTrue(transport.inner.requests.allSatisfy { $0.scalars == [SNMPObjects.sysUpTime] })

        // Link availability uses the same calendar: 10 of 30 working minutes down, 0 unknown.
        let history = try await store.history(overlapping: TimeRange(Int64(start), Int64(start) + 1800), targets: ["fo-bkd"])
        let down = history["fo-bkd", default: []].filter { $0.state == .down }.map { $0.range.end - $0.range.start }.reduce(0, +)
        XCTAssertEqual(down, 600)
    }
}
