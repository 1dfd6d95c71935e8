/// The engine's source of time, injected so that state machines, the engine and the demo
/// can run on real time or on an accelerated or manual clock.
///
/// Two readings: `now()` is wall-clock time, for timestamps that people and reports read;
/// `monotonic()` never steps, for scheduling. A wall clock set back an hour (or forward)
/// must neither stall probing nor make it burst, so loops schedule on `monotonic()` and
/// sleep with `sleep(untilMonotonic:)`.
public protocol WallClock: Sendable {
    /// Seconds since the epoch (fractional).
    func now() -> Double
    /// Suspends until `deadline` (epoch seconds) on this clock; throws on cancellation.
    func sleep(until deadline: Double) async throws
    /// Seconds on a clock that never jumps (any origin). Default: `now()`, for clocks whose
    /// wall time cannot step (manual and accelerated clocks).
    func monotonic() -> Double
    /// Suspends until `deadline` on the `monotonic()` clock.
    func sleep(untilMonotonic deadline: Double) async throws
    /// Suspends until `deadline` on the `monotonic()` clock or until `bell` rings, whichever
    /// is first (a ring pending from before returns at once); throws on cancellation.
    func sleep(untilMonotonic deadline: Double, orRing bell: Doorbell) async throws
}

extension WallClock {
    public func nowSeconds() -> EpochSeconds { EpochSeconds(now().rounded(.down)) }
    public func monotonic() -> Double { now() }
    public func sleep(untilMonotonic deadline: Double) async throws { try await sleep(until: deadline) }

    public func sleep(untilMonotonic deadline: Double, orRing bell: Doorbell) async throws {
        if bell.consume() { return try Task.checkCancellation() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.sleep(untilMonotonic: deadline) }
            group.addTask { await bell.wait() }
            await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }
}
