import Foundation
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// A test clock whose wall time steps (an operator or NTP sets the clock) while its monotonic
/// time runs on undisturbed.
final class SteppingClock: WallClock {
    let inner: ManualClock
    let stepAt: Double
    let step: Double
    init(start: Double, stepAt: Double, step: Double) {
        inner = ManualClock(start)
        self.stepAt = stepAt
        self.step = step
    }
    func monotonic() -> Double { inner.now() }
    func sleep(untilMonotonic deadline: Double) async throws { try await inner.sleep(until: deadline) }
    func now() -> Double { inner.now() + (inner.now() >= stepAt ? step : 0) }
    func sleep(until deadline: Double) async throws { try await inner.sleep(until: deadline - (now() - inner.now())) }
}

final class ClockStepTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "dc", role: .core, address: "10.0.0.1"),
    ], links: [], maintenance: [])

    func rounds(step: Double) async throws -> Int {
        let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)
        let clock = SteppingClock(start: start, stepAt: start + 600, step: step)
        clock.inner.setParticipants(2)  // the ICMP prober and the stop timer
        let fake = RecordingEchoTransport { _, _ in 0.5 }
        var icmp = ICMPSettings()
        icmp.intervalSeconds = 30
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-cs-\(UUID().uuidString).sqlite").path)
        let engine = TestEngine(inventory: inv, probes: ProbeConfig(icmpDefaults: icmp), store: store, transport: fake, clock: clock, runFor: 1200)
        _ = try await engine.run()
        return fake.exchanges.count
    }

    /// 20 minutes at a 30 s interval is 40 rounds, whether the wall clock is set back an hour
    /// (which used to stall probing for that hour) or forward (which must not burst).
    func testAWallClockStepNeitherStallsNorBurstsProbing() async throws {
        let back = try await rounds(step: -3600)
        XCTAssertEqual(back, 40, "set back an hour: probing goes on")
        let forward = try await rounds(step: 3600)
        XCTAssertEqual(forward, 40, "set forward an hour: no burst of catch-up rounds")
    }
}
