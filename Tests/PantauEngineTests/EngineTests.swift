import Foundation
import Logging
import Synchronization
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit

/// A manual clock: sleeping advances time instantly, so whole days run in milliseconds. Time
/// moves only when every participant (each sibling service that schedules on the clock) is
/// asleep, and only to the earliest deadline among them: concurrent services (ICMP, SNMP,
/// correlator, the stop timer) wake in deadline order, and none races past a deadline while
/// another is still working or starting.
final class ManualClock: WallClock {
    struct State {
        var now: Double
        var sleepers: [Int: Double] = [:]
        var next = 0
        var participants = 1
        /// Test tasks that sleep on the clock beside the engine's services (a trap sender).
        var extra = 0
    }
    let state: Mutex<State>
    init(_ start: Double) { state = Mutex(State(now: start)) }
    /// How many services sleep on this clock (set by `TestEngine`).
    func setParticipants(_ n: Int) { state.withLock { $0.participants = n } }
    /// A test task joins (+1) or leaves (-1) the sleepers time waits for.
    func addParticipants(_ n: Int) { state.withLock { $0.extra += n } }
    func now() -> Double { state.withLock { $0.now } }
    func sleep(until deadline: Double) async throws {
        let id = register(deadline)
        defer { _ = state.withLock { $0.sleepers.removeValue(forKey: id) } }
        try await sleep(id)
    }

    /// A ring ends the sleeper at once, inside the clock's lock: time cannot move past the
    /// instant work arrived for it (a trap handed over at its test instant is applied then).
    func sleep(untilMonotonic deadline: Double, orRing bell: Doorbell) async throws {
        let id = register(deadline)
        bell.onRing { [self] in state.withLock { s in if s.sleepers[id] != nil { s.sleepers[id] = min(s.sleepers[id]!, s.now) } } }
        defer {
            bell.onRing(nil)
            _ = state.withLock { $0.sleepers.removeValue(forKey: id) }
        }
        if bell.consume() { return try Task.checkCancellation() }
        try await sleep(id)
        bell.consume()
    }

    func register(_ deadline: Double) -> Int {
        state.withLock { s in
            s.next += 1
            s.sleepers[s.next] = deadline
            return s.next
        }
    }

    func sleep(_ id: Int) async throws {
        while true {
            try Task.checkCancellation()
            let woke = state.withLock { s -> Bool in
                let deadline = s.sleepers[id] ?? s.now
                if deadline <= s.now { return true }
                guard s.sleepers.count >= s.participants + s.extra, deadline <= (s.sleepers.values.min() ?? deadline) else { return false }
                s.now = deadline
                return true
            }
            if woke { break }
            await Task.yield()
        }
        await Task.yield()
    }
}

final class EngineTests: XCTestCase {
    func testEngineRecordsConfirmedOutageAndAvailability() async throws {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core, address: "10.0.0.1"),
            Site(id: "bkd", name: "bkd", address: "10.0.0.2", uplinks: ["l"]),
        ], links: [Link(id: "l", kind: .foUnderground, from: "dc", to: "bkd")], maintenance: [])
        let probes = ProbeConfig(icmpDefaults: ICMPSettings(intervalSeconds: 60, packets: 2, timeoutMs: 1000,
                                                            roundsToConfirmDown: 3, roundsToConfirmUp: 2))
        // Monday 2026-03-02 08:00 WIB; bkd stops answering 09:00-09:30.
        let start = Double(ISO8601.parse("2026-03-02T08:00:00+07:00")!)
        let clock = ManualClock(start)
        let outage = (start + 3600)..<(start + 5400)
        let fake = RecordingEchoTransport { address, _ in
            address == "10.0.0.2" && outage.contains(clock.now()) ? nil : 0.5
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        let events = try await TestEngine(inventory: inv, probes: probes, store: store, transport: fake, clock: clock, runFor: 8 * 3600).run()
        let changes = events.compactMap { e -> String? in
            if case .stateChanged(let t, let f, let to, let since) = e { return "\(t) \(f)->\(to) @\(Int(Double(since) - start))" }
            return nil
        }
        XCTAssertEqual(changes.filter { $0.hasPrefix("bkd") }, [
            "bkd unknown->up @0", "bkd up->down @3600", "bkd down->up @5400", "bkd up->unknown @28800",
        ])
        let q = try AvailabilityQuery(inventory: inv)
        let day = TimeRange(Int64(start) - 3600, Int64(start) + 9 * 3600)
        let r = try await q.compute(store: store, span: day, sites: ["bkd"])[0]
        XCTAssertEqual(r.scheduledSeconds, 8 * 3600)
        XCTAssertEqual(r.downSeconds, 1800)
        XCTAssertEqual(r.upSeconds, 8 * 3600 - 1800)
        XCTAssertEqual(r.unknownSeconds, 0)
    }
}
