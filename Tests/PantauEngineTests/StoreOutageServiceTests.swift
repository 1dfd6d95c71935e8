import Foundation
import GRDB
import Logging
import Synchronization
import ServiceLifecycle
import XCTest
@testable import PantauEngine
import PantauBus
import PantauCore
import PantauCorrelator
import PantauPostgres
import PantauProbes
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// Real time moved to a fixed instant (a Sunday evening in WIB), so a test of scheduled work does
/// not depend on the hour CI runs at; sleeps are real.
struct ShiftedClock: WallClock {
    let offset: Double
    init(startingAt t: Double) { offset = t - Date().timeIntervalSince1970 }
    func now() -> Double { Date().timeIntervalSince1970 + offset }
    func sleep(until deadline: Double) async throws {
        let d = deadline - now()
        if d > 0 { try await Task.sleep(nanoseconds: UInt64(d * 1e9)) }
        try Task.checkCancellation()
    }
}

/// A store error never ends a long-running service: it is said once (log, fault board, the
/// health file `pantau status` reads), the service retries with backoff, and the work waiting
/// is done once the store answers. Real stores, real outages: SQLite held by another writer past
/// its busy timeout, and the test's own PostgreSQL server stopped under a POP engine's spool.
final class StoreOutageServiceTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1"),
        Site(id: "opd1", name: "Dinkes", criticality: .high, users: 150, address: "127.0.0.3", uplinks: ["fo-opd1"]),
    ], links: [
        Link(id: "fo-opd1", kind: .foAerial, from: "dc", to: "opd1", bandwidthMbps: 50),
    ], devices: [], maintenance: [])

    /// The correlator while SQLite is locked by another writer for longer than its 10 s busy
    /// timeout: the ticket write fails, the correlator keeps running and says so once; when the
    /// lock goes, exactly one ticket opens for the outage it saw meanwhile.
    func testCorrelatorSurvivesABusyDatabaseAndOpensTheTicketAfterwards() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-outage-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        // Another writer holds the database (its own connection, on a thread of its own) until released.
        let holder = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        Thread {
            try? holder.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                release.wait()
                try db.execute(sql: "COMMIT")
            }
        }.start()
        locked.wait()
        var released = false
        defer { if !released { release.signal() } }
        let bus = ObservationBus(), faults = StoreFaultBoard()
        var config = IncidentConfig()
        config.settleSeconds = 0
        config.tracker.groupWindow = 0   // a lone site opens at once (no group of sites to wait for)
        let manager = IncidentManager(inventory: inv, config: config, store: store, bus: bus, clock: SystemWallClock(),
                                      logger: Logger(label: "test"), faults: faults, retry: StoreRetry(initial: 0.5, maximum: 2))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: manager)], logger: Logger(label: "test")))
        let ended = Mutex<Bool>(false)
        let running = Task {
            defer { ended.withLock { $0 = true } }
            try await group.run()
        }
        defer { running.cancel() }
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let source = ObservationSource(.icmp, engine: "local")
        bus.publish(ObservationBatch(source: source, at: now, observations: [
            Observation(kind: .site, element: "dc", source: source, what: .state(from: .unknown, to: .up), since: now - 600),
            Observation(kind: .site, element: "opd1", source: source, what: .state(from: .up, to: .down), since: now - 120, evidence: "no reply"),
        ]))
        try await waitUntil(seconds: 40, "the correlator says the store fails") { faults.current[IncidentManager.serviceName] != nil }
        try await Task.sleep(for: .milliseconds(500))
        XCTAssertFalse(ended.withLock { $0 }, "a failed ticket write must not end the correlator")
        release.signal()
        released = true
        try await waitUntil(seconds: 60, "one ticket opens once the store answers") {
            (try? await store.tickets(states: [.open]).count) == 1
        }
        try await waitUntil(seconds: 10, "the fault is cleared") { faults.current.isEmpty }
        let tickets = try await store.tickets(states: nil)
        XCTAssertEqual(tickets.count, 1)
        XCTAssertEqual(tickets.first?.rootKey, "site:opd1")
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// A POP engine's scheduled bandwidth test while the centre is down: the test runs, the
    /// result waits in the spool, the judgement waits for the centre; nothing ends the service.
    /// When the centre is back the result arrives once and the fault clears.
    func testScheduledBandwidthTestDuringACentreOutage() async throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let location = try PostgresLocation(server.url, environment: [:])
        let spool = try Spool(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-spool-\(UUID().uuidString).sqlite").path)
        let store = SpoolingStore(spool: spool, location: location, engine: "pop", logger: Logger(label: "test"))
        try server.pause()
        var bw = BandwidthConfig()
        bw.startJitterSeconds = 0
        var spec = BandwidthTestSpec(target: "fo-opd1", server: "127.0.0.3", durationSeconds: 1)
        spec.direction = .download
        spec.at = [20 * 3600]
        bw.tests = [spec]
        // Sunday 1 March 2026, 20:00 WIB: outside working time.
        let clock = ShiftedClock(startingAt: Double(ISO8601.parse("2026-03-01T20:00:00+07:00")!))
        let faults = StoreFaultBoard()
        let service = BandwidthTestService(inventory: inv, config: bw, transport: RecordingBandwidthTransport { _, _ in 48 }, store: store,
                                           bus: ObservationBus(), clock: clock, logger: Logger(label: "test"), suspensions: ProbeSuspensions(),
                                           engine: "pop", faults: faults)
        let state = BandwidthTestService.RunState()
        _ = try await service.runScheduled(spec, state: state)   // must not throw
        XCTAssertEqual(try spool.backlog(), 1, "the result is on disk in the spool")
        XCTAssertNotNil(faults.current[BandwidthTestService.serviceName], "the judgement waits for the centre, said on the board")
        XCTAssertEqual(state.unjudged.count, 1)
        try server.resume()
        try await waitUntil(seconds: 30, "the centre takes the result and the test is judged") {
            _ = await store.drain()
            await service.catchUp(state)
            return state.unjudged.isEmpty && (try? spool.backlog()) == 0
        }
        XCTAssertTrue(faults.current.isEmpty)
        let history = try await store.bandwidthHistory(target: "fo-opd1", direction: nil, limit: 10)
        XCTAssertEqual(history.count, 1, "arrived once")
        await store.close()
    }

    func waitUntil(seconds: Double, _ what: String, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        XCTFail("not within \(seconds) s: \(what)")
        throw CancellationError()
    }
}
