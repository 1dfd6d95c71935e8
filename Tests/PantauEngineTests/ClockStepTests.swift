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

    /// bkd is cut off from minute 10 to minute 25 (real time); the system clock steps by `step`
    /// at minute 16, in the middle of the outage. On the engine's steady timeline the record is
    /// exactly up 10 min, down 15 min, up to the end: a step back used to erase the open
    /// interval (the next change looked older than it), a step forward stretched it by the
    /// step; the ticket's outage and its recovery hold keep real time too.
    func recorded(step: Double, steady: Bool = true) async throws -> (history: [String], ticket: Ticket?, health: StoreHealth?) {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core, address: "10.0.0.1"),
            Site(id: "bkd", name: "bkd", address: "10.0.0.2", uplinks: ["l"]),
        ], links: [Link(id: "l", kind: .foUnderground, from: "dc", to: "bkd")], maintenance: [])
        let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)
        let stepping = SteppingClock(start: start, stepAt: start + 960, step: step)
        let clock: any WallClock = steady ? SteadyClock(stepping) : stepping
        // ICMP, the correlator, the stop timer and (on the steady timeline) the clock watch.
        stepping.inner.setParticipants(steady ? 4 : 3)
        let outage = (start + 600)..<(start + 1500)
        let fake = RecordingEchoTransport { address, _ in
            address == "10.0.0.2" && outage.contains(stepping.monotonic()) ? nil : 0.5
        }
        var icmp = ICMPSettings()
        icmp.intervalSeconds = 30
        icmp.roundsToConfirmDown = 2
        icmp.roundsToConfirmUp = 2
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-cs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try Store(path: dir.appendingPathComponent("p.sqlite").path)
        var policy = HistoryRecorder.Policy()
        policy.healthFile = dir.appendingPathComponent("p.sqlite.health.json").path
        var engine = TestEngine(inventory: inv, probes: ProbeConfig(icmpDefaults: icmp), store: store, transport: fake, clock: clock, runFor: 2400)
        engine.incidents = IncidentConfig()
        engine.recorderPolicy = policy
        _ = try await engine.run()
        let span = TimeRange(Int64(start) - 7200, Int64(start) + 7200)
        let history = try await store.history(overlapping: span, targets: ["bkd"])["bkd", default: []]
            .sorted { $0.range.start < $1.range.start }
            .map { "\($0.state) \($0.range.start - Int64(start))..\($0.range.end - Int64(start))" }
        let ticket = try await store.tickets(states: nil).first { $0.affectedSites.contains("bkd") }
        let health = FileManager.default.contents(atPath: policy.healthFile!).flatMap { try? JSONDecoder().decode(StoreHealth.self, from: $0) }
        return (history, ticket, health)
    }

    func testAStepNeitherErasesNorStretchesARecordedIntervalOrATimer() async throws {
        for step in [-3600.0, 3600] {
            let r = try await recorded(step: step)
            XCTAssertEqual(r.history, ["up 0..600", "down 600..1500", "up 1500..2400"], "step \(step)")
            let t = try XCTUnwrap(r.ticket, "step \(step): the outage opened a ticket")
            XCTAssertEqual(t.startedAt - Int64(start), 600, "step \(step)")
            XCTAssertEqual(try XCTUnwrap(t.recoveredAt, "step \(step): resolved") - Int64(start), 1500, "step \(step)")
            // The recovery hold ran on real time after the recovery (not cut short by a step forward).
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(t.resolvedAt) - t.recoveredAt!, IncidentTracker.Policy().recoveryHold, "step \(step)")
            let said = try XCTUnwrap(r.health?.clockStep, "step \(step): the step is said in the health file")
            XCTAssertEqual(said.offset, step, accuracy: 1)
        }
    }

    /// Without the steady timeline (the system clock stamping directly) the same run loses or
    /// stretches time: the reason the engine runs on `SteadyClock`.
    func testOnTheSystemClockAStepCorruptsTheRecord() async throws {
        let back = try await recorded(step: -3600, steady: false)
        // Measured: ["up -2100..2400", "up 0..600"]: the 15-minute outage is gone from the record.
        XCTAssertFalse(back.history.contains { $0.hasPrefix("down") }, "\(back.history)")
        let forward = try await recorded(step: 3600, steady: false)
        // Measured: ["up 0..600", "down 600..5100"]: the outage grows by the hour the clock jumped.
        XCTAssertTrue(forward.history.contains("down 600..5100"), "\(forward.history)")
    }

    let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)

    /// The timeline itself: it never steps, a step is reported once (and its undoing once), and a
    /// sleep until a stamp wakes after the real time to it, whatever the system clock did.
    func testTheSteadyTimelineReportsAStepOnceAndSleepsOnRealTime() async throws {
        let stepping = SteppingClock(start: start, stepAt: start + 10, step: -90)
        let steady = SteadyClock(stepping)
        XCTAssertNil(steady.checkStep())
        try await stepping.inner.sleep(until: start + 10)
        XCTAssertEqual(steady.now(), start + 10)
        XCTAssertEqual(steady.offset, -90)
        XCTAssertEqual(steady.checkStep()?.offset, -90)
        XCTAssertNil(steady.checkStep(), "reported once")
        try await steady.sleep(until: start + 40)
        XCTAssertEqual(stepping.monotonic(), start + 40, "30 s of real time, not 120")
        XCTAssertEqual(steady.now(), start + 40)
    }
}
