import ArgumentParser
import Foundation
import Logging
import PantauCapture
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauHelpdesk
import PantauNotify
import PantauInventory
import PantauNetSNMP
import PantauPostgres
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the probe engine: ping every site, record state changes (SIGINT/SIGTERM stop it cleanly).")

    @OptionGroup var location: LocationOptions

    @Option(help: "Stop by itself after this many seconds (default: run until stopped).")
    var seconds: Double?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .warning

    @Option(help: "This engine's id (several engines write to one PostgreSQL store, each under its own id).")
    var engine: String = "local"

    @Option(help: "The sites this engine probes: all, role:ROLE, behind:SITE, SITE; comma-separated (default all).")
    var sites: String = "all"

    @Option(help: "With --db postgresql://: the local spool that keeps everything until the centre has it (default ./pantau-spool-ENGINE.sqlite).")
    var spool: String?

    @Option(help: "Exit non-zero when the database has failed this many seconds in a row (default 300), so a supervisor restarts the engine.")
    var storeOutageLimit: Double?

    func run() async throws {
        raiseOpenFileLimit()
        // A long-running engine with a few threads: two malloc arenas instead of one per thread
        // keep its resident memory from growing with fragmentation (see docs/performance.md).
        limitMallocArenas(Int32(ProcessInfo.processInfo.environment["PANTAU_MALLOC_ARENAS"].flatMap { Int($0) } ?? 2))
        let config = try location.load()
        let logger = bootstrapLogging(level: logLevel)
        if let b = descriptorBudget(config) {
            if let problem = b.problem { throw ValidationError("pantau: \(problem)") }
            if let note = b.note { say("pantau: \(note)") }
        }
        if let url = location.storeAddress, PostgresLocation.isURL(url) {
            try await runProbeEngine(config, url: url, logger: logger)
            return
        }
        let store = try failing { try location.openStore(.create) }
        let transport = try failing { try SocketEchoTransport() }
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let names = Dictionary(config.inventory.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let clock = SteadyClock(SystemWallClock())  // stamps and timers never step with the system clock
        let bus = ObservationBus()
        // Every long-running service says a failing store here (the log once, `pantau status` through the health file).
        let faults = StoreFaultBoard()
        let suspensions = ProbeSuspensions()
        let selected = try selection(config)
        let icmp = ICMPProbeService(inventory: config.inventory.probing(selected), probes: config.probes, transport: transport, bus: bus,
                                    clock: clock, logger: logger, engine: engine, runFor: seconds, suspensions: suspensions)
        let bandwidth = BandwidthTestService(inventory: config.inventory, config: config.bandwidth, transport: IPerf3Transport(), store: store,
                                             bus: bus, clock: clock, logger: logger, suspensions: suspensions, runFor: seconds, faults: faults)
        let (snmp, traps) = makeSNMP(config, inventory: config.inventory.probing(selected), samples: store,
                                     withTraffic: config.capture.interface != nil, bus: bus, clock: clock,
                                     logger: logger)
        let capture = config.capture.interface.map { name in
            CaptureService(inventory: config.inventory, config: config.capture, transport: PcapCapture(.interface(name), config: config.capture),
                           bus: bus, clock: clock, logger: logger, runFor: seconds) { error in
                if let error { printErr("pantau: \(error); traffic per OPD waits for the interface (tried again, every minute at most), probing continues") } else {
                    say("pantau: counting mirrored traffic per OPD on \(name)")
                }
            }
        }
        let hub = LiveHub(inventory: config.inventory)
        // Every ticket change of this process on one stream (correlator, helpdesk use cases, escalation): live pages and the console hear it.
        let tickets = TicketFeed()
        hub.listen(to: tickets)
        let web = try makeWeb(config, store: store, clock: clock, hub: hub, tickets: tickets, logger: logger)
        let composer = NotificationComposer(inventory: config.inventory, config: config.incidents)
        let onEvent: @Sendable (EngineEvent) -> Void = { event in
            switch event {
            case .started(let sources, let targets, let recovered):
                say("pantau: engine started (\(sources.joined(separator: ", "))), \(targets) targets, ICMP \(transport.mode.rawValue) socket, db \(store.path)"
                      + (recovered.isEmpty ? "" : "; closed crashed session(s) \(recovered) at their last heartbeat"))
            case .stateChanged(let t, let from, let to, let since):
                say("\(ISO8601.format(since, in: tz))  \(t)  \(from.rawValue) -> \(to.rawValue)  \(names[t] ?? "")")
            case .stopped(let at):
                say("pantau: engine stopped at \(ISO8601.format(at, in: tz))")
            case .ticket(let number, let change, let priority, let cause, let root, let affected, let at):
                say("\(ISO8601.format(at, in: tz))  ticket \(number) \(change): \(priority) \(cause) \(root)"
                    + (affected.isEmpty ? "" : " cuts off \(affected.count): \(affected.joined(separator: ", "))"))
            }
        }
        tickets.listen { onEvent(EngineEvent($0)) }
        // The correlator acts on recorded changes only: what the store writer made durable.
        let recorded = ObservationBus()
        let incidents = IncidentManager(inventory: config.inventory, config: config.incidents, store: store, bus: recorded,
                                        clock: clock, logger: logger, runFor: seconds, faults: faults, tickets: tickets,
                                        messages: { composer.drafts($0, $1) })
        var faces: [any Service] = web.map { [$0] } ?? []
        faces.append(MemoryTrim(clock: clock))
        if config.incidents.escalation.isEnabled {
            let helpdesk = Helpdesk(inventory: config.inventory, config: config.incidents, report: config.report, store: store,
                                    templatesDirectory: location.inventoryDirectory.appendingPath("templates"), feed: tickets)
            // Escalations reach the console and the live pages on the ticket feed.
            faces.append(EscalationService(helpdesk: helpdesk, clock: clock, logger: logger, faults: faults))
        }
        var notifications: NotificationService?
        if !config.incidents.channels.isEmpty {
            say("pantau: notifications to \(config.incidents.channels.map(\.description).joined(separator: ", "))")
            notifications = NotificationService(store: store, notifiers: NotificationService.notifiers(for: config.incidents.channels),
                                                clock: clock, logger: logger, faults: faults)
        }
        let engine = ProbeEngine(store: store, bus: bus, clock: clock, logger: logger, icmp: icmp, snmp: snmp, traps: traps,
                                 incidents: incidents, notifications: notifications, bandwidth: bandwidth, capture: capture, faces: faces,
                                 recorderPolicy: recorderPolicy(config), faults: faults, recorded: recorded, runFor: seconds, onEvent: onEvent)
        hub.attach(engine.recorder.recorded)
        try await failingAsync { try await engine.run(signals: [.sigterm, .sigint]) }
    }

    /// The store writer's limits: retention from probes/retention.yaml, and how long a failing store is borne.
    func recorderPolicy(_ config: LoadedConfiguration) -> HistoryRecorder.Policy {
        var p = HistoryRecorder.Policy()
        p.retention = config.retention
        p.healthFile = location.databasePath + ".health.json"
        if let limit = storeOutageLimit { p.giveUpAfter = limit }
        return p
    }
}

extension RunCommand {
    /// The dashboard, API and metrics (`probes/web.yaml`; `listen: off` for none).
    func makeWeb(_ config: LoadedConfiguration, store: Store, clock: any WallClock, hub: LiveHub, tickets: TicketFeed, logger: Logger) throws -> WebService? {
        guard let host = config.web.host else { return nil }
        let status = StatusQuery(inventory: config.inventory, probes: config.probes, snmp: config.snmp, bandwidth: config.bandwidth)
        let app = try failing {
            try WebApp(inventory: config.inventory, config: config.web, store: store, status: status, policy: config.incidents.priority,
                       report: config.report, clock: clock, hub: hub, logger: logger,
                       reportRenderer: location.webReportRenderer(config, store: store),
                       templatesDirectory: location.inventoryDirectory.appendingPath("templates"), incidents: config.incidents, tickets: tickets,
                       healthFile: location.isCentral ? nil : location.databasePath + ".health.json",
                       connectionLimits: ConnectionLimits(perAddress: 256, total: descriptorBudget(config)?.dashboardConnections ?? 4096))
        }
        let scheme = config.web.tls ? "https" : "http"
        return try failing { try WebService(app: app, onFailure: { printErr("pantau: \($0)") }) { port in
            say("pantau: dashboard on \(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)/ (users: pantau user add NAME --role noc)")
        } }
    }

    /// How the engine spends the descriptors its open-file limit allows (nil: the limit is unknown).
    func descriptorBudget(_ config: LoadedConfiguration) -> DescriptorBudget? {
        let limit = openFileLimit()
        guard limit > 0 else { return nil }
        let devices = config.credentials.isEmpty ? 0 : config.inventory.devices.filter { config.credentials[$0.snmpProfile] != nil }.count
        let b = DescriptorBudget(limit: Int(min(limit, UInt64(Int32.max))), devices: devices, maxInFlight: config.snmp.maxInFlight,
                                 dashboard: config.web.host != nil)
        return b
    }

    /// The SNMP poller and trap receiver, when devices have credentials.
    /// `withTraffic`: the capture runs beside it, so a hot link names who filled it (subscribed only when there is a poller to drain it).
    func makeSNMP(_ config: LoadedConfiguration, inventory: Inventory, samples: any SampleStore, withTraffic: Bool, bus: ObservationBus,
                  clock: any WallClock, logger: Logger) -> (SNMPPoller?, TrapReceiverService?) {
        guard !inventory.devices.isEmpty, !config.credentials.isEmpty else { return (nil, nil) }
        let transport = NetSNMPTransport(maxInFlight: config.snmp.maxInFlight,
                                         maxIdleSessions: descriptorBudget(config)?.idleSessions ?? NetSNMPTransport.defaultMaxIdleSessions)
        let poller = SNMPPoller(inventory: inventory, config: config.snmp, credentials: config.credentials,
                                transport: transport, samples: samples, bus: bus, clock: clock, logger: logger, engine: engine, runFor: seconds,
                                traffic: withTraffic ? RecentTraffic(bus: bus) : nil)
        say("pantau: SNMP polling \(poller.deviceCount) devices watching \(poller.linkCount) links")
        guard let listen = config.snmp.trapListen else { return (poller, nil) }
        let traps = TrapReceiverService(listener: transport, address: listen, credentials: config.credentials, poller: poller,
                                        logger: logger) { error in
            if let error {
                printErr("pantau: \(error); traps are off, polling continues (set snmp.trap_listen in probes/snmp.yaml)")
            } else {
                say("pantau: receiving SNMP traps on \(listen)")
            }
        }
        return (poller, traps)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

func bootstrapLogging(level: Logger.Level) -> Logger {
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = level
        return h
    }
    return Logger(label: "pantau")
}

/// Writes a line to stdout unbuffered, so a pipe or log sees state changes at once.
func say(_ s: String) {
    FileHandle.standardOutput.write((s + "\n").data(using: .utf8)!)
}

func failingAsync<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as PantauError {
        printErr("pantau: \(e.description)")
        throw ExitCode(1)
    }
}

/// glibc's `mallopt(M_ARENA_MAX, n)` (malloc.h is not in Swift's Glibc module): at most `n`
/// malloc arenas instead of up to 8 per core, so a process with a few long-lived threads does
/// not keep memory resident in arenas it rarely uses.
func limitMallocArenas(_ n: Int32) {
    let M_ARENA_MAX: Int32 = -8
    guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    _ = unsafeBitCast(sym, to: Mallopt.self)(M_ARENA_MAX, n)
}
