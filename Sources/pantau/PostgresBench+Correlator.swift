import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import ServiceLifecycle

extension PostgresBench {
    /// 3. The central correlator's latency: an engine records an FO cut of one POP's uplink
    /// (of `sites` sites), and the clock runs until the ticket row is committed — through the
    /// engine's transaction, NOTIFY, the combined view, root cause over the whole topology and
    /// the ticket's transaction. `cuts` cuts one after another; the correlator runs in this
    /// process on its own connections, as `pantau correlate` does.
    func correlatorLatency(_ location: PostgresLocation, inventory inv: Inventory, cuts: Int) async throws {
        let logger = Logger(label: "bench")
        let engine = try await PostgresStore.open(location, engine: "latency", logger: logger)
        let central = try await PostgresStore.open(location, engine: "correlator", logger: logger)
        let probe = try await PostgresStore.open(location, engine: "bench", logger: logger)
        await central.setLiveWithin(PostgresStore.defaultLiveWithin)
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let source = ObservationSource(.snmp, engine: "latency")
        let session = try await engine.beginSource(source, at: now, detail: EngineDetail())
        func batch(_ at: EpochSeconds, _ states: [(String, ElementKind, TargetState)]) -> ObservationBatch {
            ObservationBatch(source: source, at: at, observations: states.map {
                Observation(kind: $0.1, element: $0.0, source: source, what: .state(from: .unknown, to: $0.2), since: at)
            })
        }
        try await engine.record(batch(now, inv.sites.map { ($0.id, ElementKind.site, TargetState.up) } + inv.links.map { ($0.id, .link, .up) }),
                                session: session)
        var config = IncidentConfig()
        config.settleSeconds = 0
        let bus = ObservationBus(), clock = SystemWallClock()
        let incidents = IncidentManager(inventory: inv, config: config, store: central, bus: bus, clock: clock, logger: logger)
        let feed = CentralFeed(source: central, bus: bus, inventory: inv, clock: clock, logger: logger, beat: 60)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: feed), .init(service: incidents)], logger: logger))
        let pids = [try await engine.backendPID(), try await central.backendPID()]
        var latencies: [Double] = []
        var cpu = 0.0
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .seconds(2))  // the correlator has seeded itself
            let cpuBefore = pids.map(Self.cpuSeconds).reduce(0, +)
            let pops = inv.sites.filter { $0.role == .distribution }
            for k in 0..<min(cuts, pops.count) {
                let link = pops[k].uplinks[0]
                let at = EpochSeconds(Date().timeIntervalSince1970)
                try await engine.record(batch(at, [(link, .link, .down)]), session: session)
                let written = Date()
                let deadline = written.addingTimeInterval(30)
                while try await probe.tickets(states: [.open]).count < k + 1 {
                    guard Date() < deadline else { throw PantauError(.storage, operation: "waiting for the ticket", subject: link, message: "none in 30 s") }
                    try await Task.sleep(for: .milliseconds(1))
                }
                latencies.append(Date().timeIntervalSince(written))
            }
            cpu = pids.map(Self.cpuSeconds).reduce(0, +) - cpuBefore
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let sorted = latencies.sorted()
        func ms(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000 }
        print(String(format: "correlator latency, state change committed to ticket committed (%d FO cuts, %d sites): median %.0f ms, p90 %.0f ms, max %.0f ms; "
                     + "PostgreSQL backends (engine + correlator) %.2f CPU-s", sorted.count, inv.sites.count, ms(0.5), ms(0.9), (sorted.last ?? 0) * 1000, cpu))
        for s in [engine, central, probe] { await s.close() }
    }
}
