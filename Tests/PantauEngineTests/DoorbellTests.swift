import Foundation
import XCTest
import PantauBus
import PantauCore

/// The poller sleeps until its next due poll or a ring (a trap, a finished walk): a ring wakes it
/// at once, a ring while it works is kept for its next sleep, and nothing else wakes it.
final class DoorbellTests: XCTestCase {
    func testARingWakesASleepAtOnceAndAPendingRingIsNotLost() async throws {
        let clock = SystemWallClock()
        let bell = Doorbell()
        let started = Date()
        async let ringer: Void = {
            try? await Task.sleep(nanoseconds: 100_000_000)
            bell.ring()
        }()
        try await clock.sleep(untilMonotonic: clock.monotonic() + 30, orRing: bell)
        _ = await ringer
        let woke = Date().timeIntervalSince(started)
        XCTAssertLessThan(woke, 5, "a ring after 0.1 s ended a 30 s sleep after \(woke) s")
        // Rung while nobody sleeps: the next sleep returns at once.
        bell.ring()
        let t0 = Date()
        try await clock.sleep(untilMonotonic: clock.monotonic() + 30, orRing: bell)
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1)
        // No ring: the sleep lasts until its deadline.
        let t1 = Date()
        try await clock.sleep(untilMonotonic: clock.monotonic() + 0.3, orRing: bell)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(t1), 0.29)
    }

    func testCancellationEndsTheSleep() async throws {
        let clock = SystemWallClock()
        let bell = Doorbell()
        let task = Task { try await clock.sleep(untilMonotonic: clock.monotonic() + 30, orRing: bell) }
        try await Task.sleep(nanoseconds: 50_000_000)
        task.cancel()
        let t0 = Date()
        do {
            try await task.value
            XCTFail("a cancelled sleep returns by throwing")
        } catch is CancellationError {}
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
    }
}
