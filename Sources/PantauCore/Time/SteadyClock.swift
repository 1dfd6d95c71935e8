import Synchronization

/// The engine's timeline: wall-clock time read once at start, carried forward by the monotonic
/// clock, so a step of the system clock (an operator, NTP's first sync, a wrong RTC corrected)
/// never reaches a recorded stamp or a timer.
///
/// Why: every interval the store holds is `[from, to)` in the stamps the engine gave it, and
/// every incident timer (group window, recovery hold, reopen window) is a difference of two
/// stamps. With the system clock, a step back of an hour made the next state change older than
/// the open interval (the store dropped it: an erased interval), and a step forward stretched the
/// open interval by the hour and fired every recovery hold at once. On this timeline a
/// difference of two stamps is always real elapsed time.
///
/// The price is said aloud: after a step, Pantau's stamps differ from the system clock by the
/// step (`offset`), logged and shown by `pantau status`, until the engine is restarted, when the
/// timeline starts again from the (corrected) system clock. The record at a restart is still
/// exact: a step forward leaves the skipped time as no data, a step back overlaps sessions that
/// the availability figures combine as sets (no second is counted twice).
public final class SteadyClock: WallClock {
    /// A step of the system clock against the timeline, as noticed.
    public struct Step: Sendable, Hashable, Codable {
        /// System clock minus the timeline, in seconds (positive: the system clock jumped ahead).
        public var offset: Double
        /// On the timeline, when it was noticed.
        public var noticedAt: EpochSeconds
        public init(offset: Double, noticedAt: EpochSeconds) {
            self.offset = offset
            self.noticedAt = noticedAt
        }
    }

    let inner: any WallClock
    let anchorWall: Double
    let anchorMonotonic: Double
    /// Differences below this are not steps (clock reads, NTP's slewing).
    public let tolerance: Double
    let reported = Mutex<Double>(0)

    /// - Parameters: `inner`: the system clock (wall and monotonic readings); `tolerance`:
    ///   the smallest difference reported as a step.
    public init(_ inner: any WallClock, tolerance: Double = 2) {
        self.inner = inner
        anchorWall = inner.now()
        anchorMonotonic = inner.monotonic()
        self.tolerance = tolerance
    }

    public func now() -> Double { anchorWall + (inner.monotonic() - anchorMonotonic) }
    public func monotonic() -> Double { inner.monotonic() }
    public func sleep(untilMonotonic deadline: Double) async throws { try await inner.sleep(untilMonotonic: deadline) }
    public func sleep(untilMonotonic deadline: Double, orRing bell: Doorbell) async throws {
        try await inner.sleep(untilMonotonic: deadline, orRing: bell)
    }
    public func sleep(until deadline: Double) async throws {
        try await inner.sleep(untilMonotonic: deadline - anchorWall + anchorMonotonic)
    }

    /// System clock minus the timeline now (seconds).
    public var offset: Double { inner.now() - now() }

    /// A new step since the last call (the offset moved by more than `tolerance`), or nil.
    /// A step that is undone (the clock set right again) is reported too, with offset ~0.
    public func checkStep() -> Step? {
        let off = offset
        return reported.withLock { last in
            guard abs(off - last) > tolerance else { return nil }
            last = off
            return Step(offset: off, noticedAt: nowSeconds())
        }
    }
}

/// How a clock step is written for people: whole seconds with a sign ("+3600", "-90").
public enum ClockStepText {
    public static func signed(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 0 ? "+\(s)" : "\(s)"
    }
}
