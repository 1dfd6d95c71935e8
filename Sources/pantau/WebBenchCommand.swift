import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb
import ServiceLifecycle

/// Serves the dashboard for a synthetic network of N sites (a core, POPs, OPDs, one FO link
/// each, a month of history with some outages, live states, open tickets) on 127.0.0.1, for
/// `scripts/bench-web.sh` to time pages and /metrics and to hold live clients. Prints one line:
/// `URL TOKEN PID`. Stops after --seconds or on SIGTERM.
struct WebBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web", abstract: "Serve the dashboard for a synthetic network of N sites (for scripts/bench-web.sh).")

    @Option(help: "Sites (at most 10,000).") var sites: Int = 1000
    @Option(help: "Serve this many seconds.") var seconds: Double = 300
    @Option(help: "Database file to write (deleted first).") var db: String = "pantau-bench-web.sqlite"

    func validate() throws {
        guard (10...10_000).contains(sites), seconds > 0, seconds <= 3600 else { throw ValidationError("--sites 10...10000, --seconds up to 3600") }
    }

    func run() async throws {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) }
        let inv = Self.inventory(sites: sites)
        let store = try Store(path: db)
        // A typical moment: the 15th of last month at 14:00, half a month of figures behind it.
        let tz = TimeZone(identifier: inv.timezone)!
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        var c = cal.dateComponents([.year, .month], from: cal.date(byAdding: .month, value: -1, to: Date())!)
        let monthStart = EpochSeconds(cal.date(from: c)!.timeIntervalSince1970)
        c.day = 15
        c.hour = 14
        let now = EpochSeconds(cal.date(from: c)!.timeIntervalSince1970)
        // A month so far: every site up since the 1st, one in ten down for an hour on the 1st, five down now.
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: monthStart)
        var obs: [Observation] = []
        for (i, s) in inv.sites.enumerated() {
            obs.append(Observation(kind: .site, element: s.id, source: ObservationSource(.icmp), what: .state(from: .unknown, to: .up), since: monthStart))
            if i % 10 == 5 {
                obs.append(Observation(kind: .site, element: s.id, source: ObservationSource(.icmp), what: .state(from: .up, to: .down), since: monthStart + 9 * 3600))
                obs.append(Observation(kind: .site, element: s.id, source: ObservationSource(.icmp), what: .state(from: .down, to: .up), since: monthStart + 10 * 3600))
            }
        }
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: monthStart + 10 * 3600, observations: obs), session: icmp)
        let downNow = inv.sites.filter { $0.role == .opd }.prefix(5)
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: now, observations: downNow.map {
            Observation(kind: .site, element: $0.id, source: ObservationSource(.icmp), what: .state(from: .up, to: .down), since: now - 120)
        }, icmpSamples: inv.sites.map { ProbeSample(target: $0.id, at: now, sent: 3, received: 3, rttsMs: [1.2, 1.4, 1.3], jitterMs: 0.1) },
           cycle: CycleReport(startedAt: Double(now), durationMs: 900, done: inv.sites.count, answered: inv.sites.count - 5, late: 0)), session: icmp)
        let none: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { _, _ in [] }
        for s in downNow {
            _ = try await store.openTicket(RootCause(element: .site(s.id), cause: .siteDown, affectedSites: [s.id], startedAt: now - 120, evidence: []),
                                           decision: PriorityDecision(priority: .p3, impact: .low, urgency: .medium, score: 4, reason: "bench"),
                                           at: now - 60, month: YearMonth(LocalDate(year: 2026, month: 1, day: 1)!).description,
                                           reopenWithin: 3600, prefix: "GGN", messages: none)
        }
        try await store.addUser(WebUser(name: "bench", displayName: "Bench", role: .admin), passwordHash: Passwords.hash("bench-password-1", cost: 4),
                                actor: "bench", at: now)
        let token = WebApp.newToken()
        try await store.addToken(tokenSHA256: WebApp.tokenHash(token), label: "bench", user: "bench", actor: "bench", at: now)
        var config = WebConfig()
        config.port = 0
        let logger = Logger(label: "bench")
        let hub = LiveHub(inventory: inv)
        let app = try WebApp(inventory: inv, config: config, store: store,
                             status: StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: SNMPProbeConfig()), policy: PriorityPolicy(),
                             clock: BenchClock(offset: Double(now) - Date().timeIntervalSince1970), hub: hub, logger: logger)
        let web = try WebService(app: app, onListening: { port in
            say("http://127.0.0.1:\(port) \(token) \(getpid())")
        })
        let group = ServiceGroup(configuration: .init(services: [
            .init(service: web), .init(service: RealTimeLimit(seconds: seconds), successTerminationBehavior: .gracefullyShutdownGroup),
        ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// A core, one POP per 50 OPDs, each OPD behind its POP over its own FO link.
    static func inventory(sites n: Int) -> Inventory {
        let pops = max(1, n / 50)
        var sites = [Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1")]
        var links: [Link] = []
        for p in 0..<pops {
            sites.append(Site(id: "pop\(p)", name: "POP \(p)", role: .distribution, address: "127.1.\(p / 250).\(p % 250 + 1)", uplinks: ["fo-pop\(p)"]))
            links.append(Link(id: "fo-pop\(p)", kind: .foUnderground, from: "dc", to: "pop\(p)"))
        }
        for i in 0..<(n - pops - 1) {
            let p = i % pops
            sites.append(Site(id: "opd\(i)", name: "OPD nomor \(i)", address: "127.2.\(i / 250).\(i % 250 + 1)", uplinks: ["fo-opd\(i)"]))
            links.append(Link(id: "fo-opd\(i)", kind: .foAerial, from: "pop\(p)", to: "opd\(i)"))
        }
        return Inventory(organization: "Bench", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: sites, links: links,
                         devices: [], maintenance: [])
    }
}

/// Real time shifted to the benchmark's moment (the web face reads "now" from it).
struct BenchClock: WallClock {
    let offset: Double
    func now() -> Double { Date().timeIntervalSince1970 + offset }
    func sleep(until deadline: Double) async throws { try await Task.sleep(for: .seconds(max(0, deadline - now()))) }
}
