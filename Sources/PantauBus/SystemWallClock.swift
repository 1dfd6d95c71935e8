import Foundation
import PantauCore

/// Real time: `Date` for timestamps, the monotonic `ContinuousClock` for scheduling, so a
/// wall-clock step (NTP, an operator) neither stalls nor bursts the probers.
public struct SystemWallClock: WallClock {
    let origin = ContinuousClock.now

    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(until deadline: Double) async throws {
        let d = deadline - now()
        if d > 0 { try await Task.sleep(nanoseconds: UInt64(d * 1_000_000_000)) }
        try Task.checkCancellation()
    }

    public func monotonic() -> Double {
        let c = (ContinuousClock.now - origin).components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    public func sleep(untilMonotonic deadline: Double) async throws {
        let d = deadline - monotonic()
        if d > 0 { try await Task.sleep(nanoseconds: UInt64(d * 1_000_000_000)) }
        try Task.checkCancellation()
    }
}

/// Simulated time running `speed` times faster than real time from `start` (the demo).
public struct AcceleratedClock: WallClock {
    let start: Double
    let realStart: Double
    let speed: Double

    public init(start: Double, speed: Double) {
        self.start = start
        realStart = Date().timeIntervalSince1970
        self.speed = speed
    }

    public func now() -> Double { start + (Date().timeIntervalSince1970 - realStart) * speed }

    public func sleep(until deadline: Double) async throws {
        let d = (deadline - now()) / speed
        if d > 0 { try await Task.sleep(nanoseconds: UInt64(d * 1_000_000_000)) }
        try Task.checkCancellation()
    }
}
