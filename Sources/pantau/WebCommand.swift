import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauPostgres
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb
import ServiceLifecycle

/// `pantau web --db postgresql://…`: the faces on the central store — dashboard, tickets and
/// helpdesk, archive, monthly report, API and metrics — for every engine at once. Live views
/// follow the engines and the correlator through `LISTEN/NOTIFY`. Any number may run (they
/// hold no lock); put them behind the office's reverse proxy like the single-office dashboard.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "The dashboard, helpdesk, archive, monthly report and API on the central PostgreSQL store.",
        discussion: "Listens as probes/web.yaml says. The password comes from PGPASSWORD or PANTAU_PG_PASSWORD_FILE, never from the address.")

    @OptionGroup var central: CentralOptions

    func run() async throws {
        let logger = bootstrapLogging(level: central.logLevel)
        let location = central.location
        let config = try location.load()
        guard let host = config.web.host else { throw usageError(Self.self, "probes/web.yaml says listen: off") }
        let (store, pgLocation) = try await central.openStore(Self.self, role: "web", logger: logger,
                                                              why: "the faces of several engines read the central store "
                                                                + "(a single office's dashboard runs inside 'pantau run')")
        let clock = SystemWallClock()
        let bus = ObservationBus()
        let hub = LiveHub(inventory: config.inventory)
        hub.attach(bus)
        let status = StatusQuery(inventory: config.inventory, probes: config.probes, snmp: config.snmp, bandwidth: config.bandwidth)
        let app = try failing {
            try WebApp(inventory: config.inventory, config: config.web, store: store, status: status, policy: config.incidents.priority,
                       report: config.report, clock: clock, hub: hub, logger: logger,
                       reportRenderer: location.webReportRenderer(config, store: store),
                       templatesDirectory: location.inventoryDirectory.appendingPath("templates"), incidents: config.incidents)
        }
        let scheme = config.web.tls ? "https" : "http"
        let web = try failing {
            try WebService(app: app, onFailure: { printErr("pantau: \($0)") }) { port in
                say("pantau: dashboard on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/ for every engine on \(pgLocation)")
            }
        }
        let feed = CentralFeed(source: store, bus: bus, inventory: config.inventory, clock: clock, logger: logger)
        let tickets = TicketWatch(store: store, hub: hub, logger: logger)
        try await central.run([.init(service: feed), .init(service: tickets), .init(service: web)], store: store, clock: clock, logger: logger,
                              what: "the web face")
    }
}

/// Tells live dashboards about ticket changes made by any process (the correlator, another web
/// face, the CLI): woken by the store's notifications, it compares the live tickets with what it
/// saw last and publishes the differences.
final class TicketWatch: Service, Sendable {
    let store: PostgresStore
    let hub: LiveHub
    let logger: Logger

    init(store: PostgresStore, hub: LiveHub, logger: Logger) {
        self.store = store
        self.hub = hub
        self.logger = logger
    }

    func run() async throws {
        let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.store.waitForChanges(on: [.tickets]) { wake.continuation.yield() } }
                    group.addTask {
                        var seen: [String: String]?
                        for await _ in wake.stream {
                            var now: [String: String] = [:]
                            for t in try await self.store.tickets(states: nil) {
                                let key = "\(t.state.rawValue)|\(t.priority.rawValue)|\(t.affectedSites.joined(separator: ","))|\(t.escalationLevel)"
                                now[t.number] = key
                                if let seen, seen[t.number] != key {
                                    self.hub.publish(.ticket(number: t.number, state: t.state.rawValue, priority: t.priority.rawValue,
                                                             sites: t.affectedSites + [t.root]))
                                }
                            }
                            seen = now
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {}
    }
}
