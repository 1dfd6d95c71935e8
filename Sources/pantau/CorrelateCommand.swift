import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauHelpdesk
import PantauNotify
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import ServiceLifecycle

/// `pantau correlate --db postgresql://…`: the central correlator. It reads the combined view
/// of every probe engine from the shared store (woken by `LISTEN/NOTIFY`), finds the root
/// causes over the whole topology, opens and resolves the gangguan tickets and delivers their
/// messages. Start it on two machines: one takes the advisory lock and acts, the other waits as
/// a hot standby and takes over within about a second when the first dies.
struct CorrelateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "The central correlator on PostgreSQL: root causes, tickets and notifications from every engine's observations.",
        discussion: """
            Exactly one correlator acts (a PostgreSQL advisory lock); others started on the same store wait as hot standbys.
            The password comes from PGPASSWORD or PANTAU_PG_PASSWORD_FILE, never from the address.
            """)

    @OptionGroup var central: CentralOptions

    @Option(help: "Seconds between a standby's attempts to take over (default 1).")
    var retryEvery: Double = 1

    func run() async throws {
        raiseOpenFileLimit()
        let logger = bootstrapLogging(level: central.logLevel)
        let location = central.location
        let config = try location.load()
        let (store, pgLocation) = try await central.openStore(Self.self, role: "correlator", logger: logger,
                                                              why: "the correlator works on the central store")
        let clock = SteadyClock(SystemWallClock())  // stamps and timers never step with the system clock
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let bus = ObservationBus()
        let composer = NotificationComposer(inventory: config.inventory, config: config.incidents)
        let tickets = TicketFeed()
        tickets.listen { n in
            say("\(ISO8601.format(n.at, in: tz))  ticket \(n.number) \(n.change): \(n.priority) \(n.cause) \(n.root)"
                + (n.affected.isEmpty ? "" : " cuts off \(n.affected.count): \(n.affected.joined(separator: ", "))"))
        }
        let incidents = IncidentManager(inventory: config.inventory, config: config.incidents, store: store, bus: bus, clock: clock,
                                        logger: logger, tickets: tickets, messages: { composer.drafts($0, $1) })
        let feed = CentralFeed(source: store, bus: bus, inventory: config.inventory, clock: clock, logger: logger)
        var active: [any Service] = [feed, incidents]
        if !config.incidents.channels.isEmpty {
            active.append(NotificationService(store: store, notifiers: NotificationService.notifiers(for: config.incidents.channels),
                                              clock: clock, logger: logger, pollSeconds: 1))
        }
        if config.incidents.escalation.isEnabled {
            // Escalation acts on the shared tickets: only the active correlator runs it.
            let helpdesk = Helpdesk(inventory: config.inventory, config: config.incidents, report: config.report, store: store,
                                    templatesDirectory: location.inventoryDirectory.appendingPath("templates"))
            active.append(EscalationService(helpdesk: helpdesk, clock: clock, logger: logger) { t, level in
                say("\(ISO8601.format(EpochSeconds(clock.now()), in: tz))  ticket \(t.number) escalated to level \(level)")
            })
        }
        let pid = getpid()
        let gate = ActiveStandby(acquire: { try await store.tryLeadership() }, retryEvery: retryEvery, clock: clock, logger: logger,
                                 services: active,
                                 onStandby: { say("pantau: correlator \(pid) on standby: another correlator holds the lock on \(pgLocation)") },
                                 onActive: { say("pantau: correlator \(pid) active on \(pgLocation) (\(config.inventory.sites.count) sites)") })
        try await central.run([.init(service: gate, successTerminationBehavior: .gracefullyShutdownGroup)], store: store, clock: clock,
                              logger: logger, what: "the correlator")
        say("pantau: correlator \(pid) stopped")
    }
}
