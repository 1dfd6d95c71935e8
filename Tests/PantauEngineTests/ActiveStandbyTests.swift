import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import XCTest
import PantauBus
import PantauCore
import PantauCorrelator

/// Leadership decides whether the active correlator goes on: its services survive store errors,
/// but when the lock is no longer held (or the store cannot say), it steps down and exits for its
/// supervisor; a graceful shutdown ends it quietly.
final class ActiveStandbyTests: XCTestCase {
    /// A service that waits until shut down or cancelled, as the correlator's services do.
    struct Idle: Service {
        func run() async throws { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) } }
    }

    func testStepsDownWhenTheLockIsLost() async throws {
        let answers = Mutex([true, true, false])
        let standby = ActiveStandby(acquire: { answers.withLock { $0.isEmpty ? false : $0.removeFirst() } }, retryEvery: 0.05, checkEvery: 0.05,
                                    clock: SystemWallClock(), logger: Logger(label: "test"), services: [Idle()])
        let started = Date()
        do {
            try await standby.run()
            XCTFail("an active correlator that lost the lock must not go on")
        } catch let e as PantauError {
            XCTAssertTrue(e.message.contains("no longer held"), e.description)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testStepsDownWhenTheStoreCannotSay() async throws {
        let calls = Mutex(0)
        let standby = ActiveStandby(acquire: {
            let n = calls.withLock { $0 += 1; return $0 }
            if n == 1 { return true }
            throw PantauError(.storage, operation: "taking the correlator lock", subject: "test", message: "connection closed")
        }, retryEvery: 0.05, checkEvery: 0.05, clock: SystemWallClock(), logger: Logger(label: "test"), services: [Idle()])
        do {
            try await standby.run()
            XCTFail("must step down")
        } catch let e as PantauError {
            XCTAssertTrue(e.message.contains("stepping down"), e.description)
        }
    }

    func testAGracefulShutdownEndsItQuietly() async throws {
        let standby = ActiveStandby(acquire: { true }, retryEvery: 0.05, checkEvery: 0.05, clock: SystemWallClock(), logger: Logger(label: "test"),
                                    services: [Idle()])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: standby)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))  // active, checking its lock a few times
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
