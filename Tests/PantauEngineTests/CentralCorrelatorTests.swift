import Foundation
import Logging
import ServiceLifecycle
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// The central correlator on a real PostgreSQL (started by the test on loopback): two engines
/// write their views, the correlator (woken by NOTIFY) opens one ticket for the cut, a late
/// replay from the engine behind the cut changes nothing but the history, and the recovery
/// resolves the ticket with the true time. `changes(from:to:)` is checked on its own first.
final class CentralCorrelatorTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1"),
        Site(id: "pop", name: "POP Pulau", role: .distribution, address: "127.0.0.2", uplinks: ["fo-laut"]),
        Site(id: "opd1", name: "Dinkes", criticality: .high, users: 150, address: "127.0.0.3", uplinks: ["fo-opd1"]),
    ], links: [
        Link(id: "fo-laut", kind: .foUndersea, from: "dc", to: "pop", a: LinkEnd(device: "core-sw", interface: "sfp1"),
             b: LinkEnd(device: "pop-sw", interface: "sfp1")),
        Link(id: "fo-opd1", kind: .foAerial, from: "pop", to: "opd1", a: LinkEnd(device: "pop-sw", interface: "ether1")),
    ], devices: [], maintenance: [])

    func testChangesBetweenTwoViews() {
        let old = CombinedView(states: ["pop": .init(.up, since: 10), "fo-laut": .init(.up, since: 10)], linkDetail: ["fo-laut": "up"])
        let new = CombinedView(states: ["pop": .init(.up, since: 10), "fo-laut": .init(.down, since: 50)],
                               degraded: ["opd1": .init("loss 30%", since: 40)], linkDetail: ["fo-laut": "core-sw/sfp1 oper-down"])
        let batch = CentralFeed.changes(from: old, to: new, links: ["fo-laut", "fo-opd1"], at: 60)
        XCTAssertEqual(batch.observations.map(\.element), ["fo-laut", "opd1"])
        XCTAssertEqual(batch.observations.first?.what, .state(from: .up, to: .down))
        XCTAssertEqual(batch.observations.first?.since, 50, "the engines' own time, not when the correlator looked")
        XCTAssertEqual(batch.observations.first?.kind, .link)
        XCTAssertEqual(batch.observations.last?.what, .degradation(reason: "loss 30%"))
        XCTAssertEqual(batch.linkSamples.map(\.detail), ["core-sw/sfp1 oper-down"])
        XCTAssertTrue(CentralFeed.changes(from: new, to: new, links: [], at: 70).observations.isEmpty)
        // A newer port read is passed on with its own time and state: evidence for a silent site's cause.
        var read = new
        read.portReads["fo-opd1"] = PortRead(at: 55, state: .up, detail: "pop-sw/ether1 up")
        let evidence = CentralFeed.changes(from: new, to: read, links: ["fo-laut", "fo-opd1"], at: 70).linkSamples
        XCTAssertEqual(evidence.map(\.target), ["fo-opd1"])
        XCTAssertEqual(evidence.first?.at, 55)
        XCTAssertEqual(evidence.first?.portState, .up)
    }

    func testOneTicketFromTwoEnginesAndTheTrueRecoveryTime() async throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let url = try server.newDatabase("central")
        let location = try PostgresLocation(url, environment: [:])
        let dc = try await PostgresStore.open(location, engine: "dc"), pop = try await PostgresStore.open(location, engine: "pop")
        let central = try await PostgresStore.open(location, engine: "correlator")
        await central.setLiveWithin(60)
        let now = { EpochSeconds(Date().timeIntervalSince1970) }
        let t0 = now() - 30
        func batch(_ engine: String, _ at: EpochSeconds, _ states: [(String, ElementKind, TargetState, EpochSeconds)]) -> ObservationBatch {
            let source = ObservationSource(.snmp, engine: engine)
            return ObservationBatch(source: source, at: at, observations: states.map {
                Observation(kind: $0.1, element: $0.0, source: source, what: .state(from: .unknown, to: $0.2), since: $0.3)
            })
        }
        let dcSession = try await dc.beginSource(ObservationSource(.snmp, engine: "dc"), at: t0, detail: EngineDetail())
        let popSession = try await pop.beginSource(ObservationSource(.snmp, engine: "pop"), at: t0, detail: EngineDetail())
        try await dc.record(batch("dc", t0, [("dc", .site, .up, t0), ("pop", .site, .up, t0), ("opd1", .site, .up, t0), ("fo-laut", .link, .up, t0)]),
                            session: dcSession)
        try await pop.record(batch("pop", t0, [("pop", .site, .up, t0), ("opd1", .site, .up, t0), ("fo-laut", .link, .up, t0)]), session: popSession)

        var config = IncidentConfig()
        config.evaluateEvery = 1
        config.settleSeconds = 0
        config.tracker.recoveryHold = 2
        let bus = ObservationBus(), clock = SystemWallClock(), logger = Logger(label: "t")
        let incidents = IncidentManager(inventory: inv, config: config, store: central, bus: bus, clock: clock, logger: logger)
        let feed = CentralFeed(source: central, bus: bus, inventory: inv, clock: clock, logger: logger, beat: 30)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: feed), .init(service: incidents)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The undersea cable is cut: the DC engine sees its end go down and the POP stop answering;
            // the POP engine, behind the cut, cannot reach the centre (it spools).
            let cut = now()
            try await dc.record(batch("dc", cut, [("fo-laut", .link, .down, cut - 1), ("pop", .site, .down, cut - 1), ("opd1", .site, .down, cut - 1)]),
                                session: dcSession)
            let written = Date()
            let opened = try await waitFor(timeout: 10) { try await central.tickets(states: [.open]).first }
            // Woken by NOTIFY, not the 30 s beat of this feed.
            XCTAssertLessThan(Date().timeIntervalSince(written), 5, "state change to ticket")
            XCTAssertEqual(opened.root, "fo-laut")
            XCTAssertEqual(opened.cause, .foCut)
            XCTAssertEqual(opened.affectedSites, ["opd1", "pop"])
            XCTAssertEqual(opened.startedAt, cut - 1)
            // The POP engine's spool arrives late, with its true times: its end of the cable went
            // down too, its own sites answered it throughout. Still one ticket.
            // (Checked at the end: no second ticket from the late replay.)
            try await pop.record(batch("pop", now(), [("fo-laut", .link, .down, cut)]), session: popSession)
            // Spliced: both ends up again (the POP engine's word comes in later than the DC's).
            // The splice comes seconds after the cut (engines stamp real time: wait for the clock, not a fixed sleep).
            while now() < cut + 3 { try await Task.sleep(for: .milliseconds(100)) }
            let back = now()
            try await dc.record(batch("dc", back, [("fo-laut", .link, .up, back - 1), ("pop", .site, .up, back - 1), ("opd1", .site, .up, back - 1)]),
                                session: dcSession)
            try await pop.record(batch("pop", back, [("fo-laut", .link, .up, back)]), session: popSession)
            let resolved = try await waitFor(timeout: 15) { try await central.tickets(states: [.resolved]).first }
            XCTAssertEqual(resolved.number, opened.number)
            XCTAssertEqual(resolved.recoveredAt, back - 1, "recovered when the first engine saw the cable carry traffic again")
            await XCTAssertEqualAsync(try await central.tickets(states: nil).map(\.number), [opened.number], "one ticket for one cut, seen from both sides")
            // The history combines both engines: the link was down while both ends said so.
            let merged = try await central.history(overlapping: TimeRange(t0, now() + 1), targets: ["fo-laut"])["fo-laut"] ?? []
            XCTAssertEqual(merged.filter { $0.state == .down }.map(\.range), [TimeRange(cut, back - 1)])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await dc.close()
        await pop.close()
        await central.close()
    }

    func waitFor<T>(timeout: Double, _ probe: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = try await probe() { return v }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Timeout(description: "condition not met within \(timeout) s")
    }
}

struct Timeout: Error, CustomStringConvertible {
    var description: String
}
