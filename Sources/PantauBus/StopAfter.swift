import PantauCore
import ServiceLifecycle

/// Ends the engine after `seconds` of engine time (`pantau run --seconds`, the demo, tests):
/// when it returns, the group shuts down gracefully. Probers given the same `runFor` stop
/// probing at exactly that instant and wait for the shutdown, so the last recorded instant
/// does not depend on which task the scheduler wakes first.
public struct StopAfter: Service {
    let seconds: Double
    let clock: any WallClock

    public init(seconds: Double, clock: any WallClock) {
        self.seconds = seconds
        self.clock = clock
    }

    public func run() async throws {
        let until = clock.monotonic() + seconds
        try? await cancelWhenGracefulShutdown { try await clock.sleep(untilMonotonic: until) }
    }
}

/// What a service given `runFor` does when its time is up: wait for the group to shut down
/// (returning earlier would count as an unexpected exit during another's shutdown).
public func parkUntilShutdown() async {
    try? await gracefulShutdown()
}
