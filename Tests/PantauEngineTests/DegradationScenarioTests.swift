import Foundation
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// A flaky site: loss above its threshold for a few minutes, fine, lossy again. On the test
/// clock, through the whole engine (ICMP prober, bus, correlator, store).
final class DegradationScenarioTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1"),
        Site(id: "flaky", name: "Kelurahan", address: "10.0.0.2", uplinks: ["cu"]),
    ], links: [Link(id: "cu", kind: .copper, from: "dc", to: "flaky")], maintenance: [])
    let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)  // a Tuesday

    func testFlakyDegradationIsOneNoticeHeldAndResolvedAfterItClears() async throws {
        let m = { (x: Double) in self.start + x * 60 }
        // Loss 2 of 3 packets in three spells, each gap shorter than the 5-minute recovery hold.
        let spells = [m(10)..<m(13), m(15)..<m(17), m(19)..<m(21)]
        let clock = ManualClock(start)
        let fake = RecordingEchoTransport { address, packet in
            address == "10.0.0.2" && packet > 0 && spells.contains { $0.contains(clock.now()) } ? nil : 0.5
        }
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-dg-\(UUID().uuidString).sqlite").path)
        var icmp = ICMPSettings()
        icmp.intervalSeconds = 30
        var config = IncidentConfig()
        config.tracker.groupWindow = 60
        config.tracker.recoveryHold = 300
        let events = try await TestEngine(inventory: inv, probes: ProbeConfig(icmpDefaults: icmp), store: store, transport: fake,
                                          clock: clock, runFor: 3600, incidents: config).run()
        let tickets = try await store.tickets()
        XCTAssertEqual(tickets.map(\.rootKey), ["site:flaky:degraded"], "one notice for the whole flaky period")
        let t = try XCTUnwrap(tickets.first)
        XCTAssertEqual(t.cause, .degraded)
        XCTAssertEqual(t.state, .resolved)
        XCTAssertEqual(t.flaps, 2)
        XCTAssertEqual(Double(t.startedAt), m(10), accuracy: 30, "starts when the loss began, not when the site came up")
        let recovered = try XCTUnwrap(t.recoveredAt)
        XCTAssertGreaterThan(recovered, t.openedAt, "recovered after it opened")
        XCTAssertEqual(Double(recovered), m(21), accuracy: 30, "recovered when the last spell cleared")
        XCTAssertGreaterThanOrEqual(t.resolvedAt! - recovered, 300, "resolved only after the recovery hold")
        // The site itself never went down: no state change after the first up.
        let changes = events.filter { if case .stateChanged(let id, _, let to, _) = $0 { id == "flaky" && to == .down } else { false } }
        XCTAssertEqual(changes.count, 0)
    }
}
