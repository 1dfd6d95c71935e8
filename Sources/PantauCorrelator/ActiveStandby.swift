import Logging
import PantauBus
import PantauCore
import ServiceLifecycle

/// Runs its services only while this process holds the leadership (a PostgreSQL advisory lock
/// for the central correlator): until then it waits as a hot standby, trying again every
/// `retryEvery` seconds, so it takes over within about that long after the active one dies.
/// The lock lives on the store's connection: losing the connection loses the lock and fails
/// every write, so a process cut off from the store can never act beside its successor.
public final class ActiveStandby: Service, Sendable {
    let acquire: @Sendable () async throws -> Bool
    let retryEvery: Double
    /// How often the active process checks it still holds the lock.
    let checkEvery: Double
    let clock: any WallClock
    let logger: Logger
    let services: [any Service]
    let onStandby: @Sendable () -> Void
    let onActive: @Sendable () -> Void

    public init(acquire: @escaping @Sendable () async throws -> Bool, retryEvery: Double = 1, checkEvery: Double = 5, clock: any WallClock, logger: Logger,
                services: [any Service], onStandby: @escaping @Sendable () -> Void = {}, onActive: @escaping @Sendable () -> Void = {}) {
        self.acquire = acquire
        self.retryEvery = retryEvery
        self.checkEvery = checkEvery
        self.clock = clock
        self.logger = logger
        self.services = services
        self.onStandby = onStandby
        self.onActive = onActive
    }

    public func run() async throws {
        let active: Bool
        do {
            active = try await cancelWhenGracefulShutdown {
                var told = false
                while !Task.isCancelled {
                    if try await self.acquire() { return true }
                    if !told {
                        told = true
                        self.onStandby()
                    }
                    try await self.clock.sleep(untilMonotonic: self.clock.monotonic() + self.retryEvery)
                }
                return false
            }
        } catch is CancellationError { return }  // shut down while waiting
        guard active else { return }
        onActive()
        logger.notice("active: this process holds the correlator lock")
        // One child per service. The services survive store errors (they retry); leadership is
        // what decides: a watchdog asks again every `checkEvery` seconds whether this process
        // still holds the lock, and when the answer is no or the store cannot answer, the
        // services are cancelled and the error ends the process, so a supervisor restarts it as
        // a standby (a lost connection has released the lock: another correlator may be active).
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in services { group.addTask { try await s.run() } }
            group.addTask {
                do { try await cancelWhenGracefulShutdown { try await self.watchLeadership() } } catch is CancellationError {}
            }
            // `next()` rethrows a child's error at once (`waitForAll` would first wait for every
            // other child); leaving the group with it cancels the rest.
            while try await group.next() != nil {}
        }
    }

    /// Returns only when cancelled (a graceful shutdown); throws when leadership is lost.
    func watchLeadership() async throws {
        while !Task.isCancelled {
            try await clock.sleep(untilMonotonic: clock.monotonic() + checkEvery)
            let held: Bool
            do { held = try await acquire() } catch is CancellationError { throw CancellationError() } catch {
                throw PantauError(.storage, operation: "checking the correlator lock", subject: "the central store", message: "\(error); stepping down")
            }
            guard held else {
                throw PantauError(.storage, operation: "checking the correlator lock", subject: "the central store",
                                  message: "the lock is no longer held; stepping down")
            }
        }
    }
}
