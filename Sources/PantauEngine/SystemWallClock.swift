import Foundation
import PantauCore

/// Real time: `Date` for the epoch, `Task.sleep` for waiting.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(until deadline: Double) async throws {
        let d = deadline - now()
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
