/// The engine's source of time, injected so that state machines, the engine and the demo
/// can run on real time or on an accelerated or manual clock.
public protocol WallClock: Sendable {
    /// Seconds since the epoch (fractional).
    func now() -> Double
    /// Suspends until `deadline` (epoch seconds) on this clock; throws on cancellation.
    func sleep(until deadline: Double) async throws
}

extension WallClock {
    public func nowSeconds() -> EpochSeconds { EpochSeconds(now().rounded(.down)) }
}
