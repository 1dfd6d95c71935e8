import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauHelpdesk
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
        raiseOpenFileLimit()
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
        // This face's own ticket actions and every other process's changes (TicketWatch) on one feed.
        let tickets = TicketFeed()
        hub.listen(to: tickets)
        let status = StatusQuery(inventory: config.inventory, probes: config.probes, snmp: config.snmp, bandwidth: config.bandwidth)
        let app = try failing {
            try WebApp(inventory: config.inventory, config: config.web, store: store, status: status, policy: config.incidents.priority,
                       report: config.report, clock: clock, hub: hub, logger: logger,
                       reportRenderer: location.webReportRenderer(config, store: store),
                       templatesDirectory: location.inventoryDirectory.appendingPath("templates"), incidents: config.incidents, tickets: tickets,
                       healthFile: location.isCentral ? nil : location.databasePath + ".health.json")
        }
        let scheme = config.web.tls ? "https" : "http"
        let web = try failing {
            try WebService(app: app, onFailure: { printErr("pantau: \($0)") }) { port in
                say("pantau: dashboard on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/ for every engine on \(pgLocation)")
            }
        }
        let feed = CentralFeed(source: store, bus: bus, inventory: config.inventory, clock: clock, logger: logger)
        let watch = TicketWatch(store: store, tickets: tickets, logger: logger)
        try await central.run([.init(service: feed), .init(service: watch), .init(service: web)], store: store, clock: clock, logger: logger,
                              what: "the web face")
    }
}
