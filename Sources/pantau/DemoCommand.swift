import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauHelpdesk
import PantauInventory
import PantauNotify
import PantauReports
import PantauProbes
import PantauSQLite
import PantauStoreKit
import PantauWeb
import ServiceLifecycle
import Synchronization

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the real engine on the sample inventory against a simulated network with scripted faults.",
        discussion: """
            Only the transport is simulated: no packets are sent, no root is needed. Simulated time \
            starts at 08:00 on the latest working day and runs --speed times faster than real time. \
            Faults: the undersea cable fo-laut-kota-lepar is cut (POP Lepar and its OPDs go down), \
            one OPD blips for one round (not confirmed, no state change), and one OPD's power is off.
            """)

    @OptionGroup var location: LocationOptions

    /// The engine id of the demo's sources: how the demo recognises a database it wrote.
    static let engine = "demo"

    @Option(help: "Simulated seconds per real second (default 60; 10 when the dashboard is on and the demo runs in a terminal, so the FO cut can be watched live).")
    var speed: Double?

    @Option(help: "Simulated minutes to run.")
    var minutes: Double = 60

    @Option(help: "Language: id or en.")
    var lang: Language = .id

    @Option(help: "Dashboard port on 127.0.0.1 (0: any free port; the demo prints the address and a login).")
    var webPort: Int = 8080

    @Flag(help: "No dashboard.")
    var noWeb = false

    @Option(help: "Keep the dashboard up this many real seconds after the scenario ends (default 600 in a terminal, else 0; Ctrl-C ends it sooner).")
    var keepServing: Double?

    @Option(help: "Send the demo's ticket news and the requesters' WhatsApp messages as JSON to this webhook on loopback (http://127.0.0.1:PORT/…).")
    var notifyWebhook: String?

    func validate() throws {
        guard let u = notifyWebhook else { return }
        let host = URL(string: u)?.host ?? ""
        let loopback = host.hasPrefix("127.") || host == "localhost" || host == "::1" || host == "[::1]"
        if !loopback || !(u.hasPrefix("http://") || u.hasPrefix("https://")) {
            throw ValidationError("--notify-webhook must be an http(s) URL on loopback (127.0.0.1, ::1): the demo sends nothing off this machine")
        }
    }

    /// The demo's incident settings: the inventory's priority policy; messages only to `--notify-webhook`.
    func demoIncidents(_ config: LoadedConfiguration) -> IncidentConfig {
        var c = IncidentConfig()
        c.priority = config.incidents.priority
        if let url = notifyWebhook {
            c.channels = [NotifyChannel(name: "demo-webhook", kind: .webhook(url: url, headers: [:]))]
            c.requesterChannels = [.whatsapp: "demo-webhook"]
        }
        return c
    }

    /// A person is watching: the dashboard is on and the output goes to a terminal.
    var watched: Bool { !noWeb && isatty(1) == 1 }

    func run() async throws {
        let config = try location.load(printWarnings: false)
        let inv = config.inventory
        let logger = bootstrapLogging(level: .error)
        let query = try failing { try AvailabilityQuery(inventory: inv) }
        let cal = query.calendar
        let tz = cal.timeZone
        let dbPath = location.db ?? "pantau-demo.sqlite"
        // The demo starts afresh, but only ever deletes a database it wrote itself (all its
        // sources are the demo's): never an engine's history passed by mistake with --db.
        if FileManager.default.fileExists(atPath: dbPath) {
            let sources = try await failingAsync { try await Store(path: dbPath, mode: .readOnly).sourceHealth() }
            guard !sources.isEmpty, sources.allSatisfy({ $0.engine == Self.engine }) else {
                let who = sources.isEmpty ? "imported history" : "history of engine(s) " + Set(sources.map(\.engine)).sorted().joined(separator: ", ")
                printErr("pantau: \(dbPath) holds \(who), not written by the demo; the demo replaces only its own database. "
                         + "Choose another --db (the default is pantau-demo.sqlite).")
                throw ExitCode(1)
            }
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
        let store = try failing { try Store(path: dbPath) }

        // Simulated start: 08:00 local on the latest working day up to today.
        var day = cal.localDate(of: EpochSeconds(Date().timeIntervalSince1970))
        for _ in 0..<30 {
            if case .working = cal.day(day) { break }
            day = day.adding(days: -1)
        }
        let start = Double(cal.instant(day, secondOfDay: 8 * 3600))
        let archiveDesk = Helpdesk(inventory: inv, config: demoIncidents(config), report: config.report, store: store,
                                   templatesDirectory: location.inventoryDirectory.appendingPath("templates"))
        let lastMonth = try await failingAsync {
            try await DemoHistory.seed(store: store, inventory: inv, calendar: cal, today: day, helpdesk: archiveDesk)
        }
        let speed = self.speed ?? (watched ? 10 : 60)
        let clock = AcceleratedClock(start: start, speed: speed)
        let faults = DemoScenario.faults(for: inv, start: start)
        let transport = SimulatedEchoTransport(inventory: inv, clock: clock, faults: faults.map(\.fault))
        // The switches answer SNMP from the same simulated network (credentials are placeholders: nothing is sent).
        let demoCredentials = Dictionary(inv.devices.map { ($0.snmpProfile, SNMPCredentials.v2c("demo", profile: $0.snmpProfile)) },
                                         uniquingKeysWith: { a, _ in a })
        var snmpConfig = config.snmp
        snmpConfig.trapListen = nil
        let bus = ObservationBus()
        let hub = LiveHub(inventory: inv)
        // Every ticket change of the demo on one stream: the console and the live pages hear it.
        let tickets = TicketFeed()
        hub.listen(to: tickets)
        let snmp = inv.devices.isEmpty ? nil : SNMPPoller(
            inventory: inv, config: snmpConfig, credentials: demoCredentials,
            transport: SimulatedSNMPTransport(inventory: inv, network: transport, clock: clock),
            samples: store, bus: bus, clock: clock, logger: logger, engine: Self.engine, runFor: minutes * 60, traffic: RecentTraffic(bus: bus))
        // The mirror port of the simulated network: per-OPD traffic by the sites' subnets.
        var captureConfig = config.capture
        captureConfig.interface = "simulated-mirror"
        let capture = inv.sites.contains(where: { !$0.subnets.isEmpty }) ? CaptureService(
            inventory: inv, config: captureConfig, transport: SimulatedCaptureTransport(inventory: inv, network: transport, clock: clock),
            bus: bus, clock: clock, logger: logger, engine: Self.engine, runFor: minutes * 60) : nil
        let id = lang == .id
        let names = Dictionary(inv.sites.map { ($0.id, $0.name) } + inv.links.filter { !$0.ends.isEmpty }.map {
            ($0.id, (id ? "tautan " : "link ") + ($0.name ?? "\($0.from) - \($0.to)"))
        }, uniquingKeysWith: { a, _ in a })

        say(id ? "Pantau demo: \(inv.organization), \(inv.sites.count) situs (ICMP), \(inv.devices.count) switch (SNMP), jaringan tersimulasi (tanpa paket sungguhan)."
               : "Pantau demo: \(inv.organization), \(inv.sites.count) sites (ICMP), \(inv.devices.count) switches (SNMP), simulated network (no real packets).")
        say((id ? "Waktu simulasi mulai " : "Simulated time starts ") + "\(ISO8601.format(EpochSeconds(start), in: tz)), x\(Int(speed)); db \(dbPath)")
        say(id ? "Skenario gangguan:" : "Fault script:")
        for f in faults {
            say("  \(ISO8601.clock(EpochSeconds(f.fault.from), in: tz))-\(ISO8601.clock(EpochSeconds(f.fault.to), in: tz))  \(id ? f.textID : f.textEN)")
        }
        // Last night's scheduled bandwidth tests, simulated: the configured tests measured at 92% of contract.
        let lastNight = EpochSeconds(start) - 13 * 3600   // 19:00 the evening before
        for spec in config.bandwidth.tests {
            let contract = inv.contractMbps(spec.target) ?? 50
            let sim = RecordingBandwidthTransport { _, d in contract * (d == .upload ? 0.92 : 0.94) }
            var results: [BandwidthResult] = []
            for d in spec.direction == .both ? [BandwidthDirection.upload, .download] : [spec.direction] {
                results.append(await sim.run(spec, direction: d, at: lastNight))
            }
            try await failingAsync { try await store.recordBandwidth(results) }
            say((id ? "Uji bandwidth semalam (simulasi) \(spec.target): " : "Last night's bandwidth test (simulated) \(spec.target): ")
                + results.map { "\($0.direction.rawValue) \(String(format: "%.1f", $0.mbps ?? 0)) Mbps" }.joined(separator: ", ")
                + (id ? " dari kontrak \(Int(contract)) Mbps" : " of a \(Int(contract)) Mbps contract"))
        }
        say("")
        let onEvent: @Sendable (EngineEvent) -> Void = { event in
            if case .ticket(let number, let change, let priority, let cause, let root, let affected, _) = event {
                let verb: String = switch change {
                case "opened": id ? "DIBUKA" : "OPENED"
                case "resolved": id ? "PULIH" : "RESOLVED"
                case "reopened": id ? "DIBUKA LAGI" : "REOPENED"
                case "acknowledged": id ? "DITANGANI" : "ACKNOWLEDGED"
                case "closed": id ? "DITUTUP" : "CLOSED"
                case "escalated": id ? "DIESKALASI" : "ESCALATED"
                default: id ? "DIPERBARUI" : "UPDATED"
                }
                // Names and a human cause for people; the codes in brackets for whoever looks them up.
                let why = SuspectedCause(rawValue: cause).map { id ? $0.textID : $0.textEN } ?? cause
                let rootName = inv.site(root)?.name ?? inv.link(root).map { $0.name ?? "\($0.from) - \($0.to)" } ?? root
                let sites = affected.map { "\(inv.site($0)?.name ?? $0) (\($0))" }
                say("[\(ISO8601.clock(EpochSeconds(clock.now()), in: tz))] ■ \(id ? "TIKET" : "TICKET") \(number) \(verb): \(priority) \(why) (\(cause))"
                    + (id ? " pada " : " at ") + "\(rootName) (\(root))"
                    + (affected.isEmpty ? "" : (id ? "; memutus \(affected.count) situs: " : "; cuts off \(affected.count) sites: ") + sites.joined(separator: ", ")))
                return
            }
            guard case .stateChanged(let t, let from, let to, let since) = event else { return }
            let mark = to == .down ? "▼" : to == .up ? "▲" : "·"
            let word: String = switch to {
            case .up: id ? "AKTIF" : "UP"
            case .down: id ? "PUTUS" : "DOWN"
            case .unknown: id ? "tanpa data" : "unknown"
            }
            // The first "up" of every site, and every site going unknown at the end, are noise here.
            guard from != .unknown, to != .unknown else { return }
            say("[\(ISO8601.clock(EpochSeconds(clock.now()), in: tz))] \(mark) \(word.padding(toLength: 6, withPad: " ", startingAt: 0)) "
                + "\(t.padding(toLength: 20, withPad: " ", startingAt: 0)) \(names[t] ?? "")  (\(id ? "sejak" : "since") \(ISO8601.clock(since, in: tz)))")
        }
        tickets.listen { onEvent(EngineEvent($0)) }
        // The dashboard: a demo user with a fresh password, printed (only its bcrypt hash is stored).
        var web: WebService?
        var webApp: WebApp?
        let boundPort = Mutex(0)
        var webConfig = config.web
        let demoPassword = "demo-" + WebApp.newToken().dropFirst(4).prefix(12)
        if !noWeb {
            webConfig.host = "127.0.0.1"
            webConfig.port = Self.portIsFree(webPort) ? webPort : 0   // 8080 taken: any free port (printed below)
            webConfig.certificateFile = nil   // the demo serves plain HTTP on loopback
            webConfig.keyFile = nil
            try await failingAsync {
                try await store.addUser(WebUser(name: "demo", displayName: "Demo NOC", role: .noc), passwordHash: Passwords.hash(demoPassword),
                                        actor: "demo", at: EpochSeconds(start))
            }
            let status = StatusQuery(inventory: inv, probes: config.probes, snmp: config.snmp, bandwidth: config.bandwidth)
            let app = try failing {
                try WebApp(inventory: inv, config: webConfig, store: store, status: status, policy: config.incidents.priority,
                           report: config.report, clock: clock, hub: hub, logger: logger,
                           reportRenderer: location.webReportRenderer(config, store: store),
                           templatesDirectory: location.inventoryDirectory.appendingPath("templates"), incidents: demoIncidents(config),
                           tickets: tickets)
            }
            webApp = app
            web = try failing { try WebService(app: app, onFailure: { printErr("pantau: \($0)") }) { port in
                boundPort.withLock { $0 = port }
                say((id ? "Dasbor: http://127.0.0.1:\(port)/  masuk sebagai demo / \(demoPassword)"
                        : "Dashboard: http://127.0.0.1:\(port)/  log in as demo / \(demoPassword)"))
            } }
        }
        let reporter = DemoReporter(query: query, store: store, clock: clock, lang: lang, everySeconds: 15 * 60)
        let icmp = ICMPProbeService(inventory: inv, probes: config.probes, transport: transport, bus: bus, clock: clock,
                                    logger: logger, engine: Self.engine, runFor: minutes * 60)
        let incidentConfig = demoIncidents(config)
        let composer = NotificationComposer(inventory: inv, config: incidentConfig)
        // As in pantau run: the correlator acts on what the store writer recorded.
        let recorded = ObservationBus()
        let incidents = IncidentManager(inventory: inv, config: IncidentConfig(), store: store, bus: recorded, clock: clock, logger: logger,
                                        runFor: minutes * 60, tickets: tickets, messages: { composer.drafts($0, $1) })
        let notifications = incidentConfig.channels.isEmpty ? nil
            : NotificationService(store: store, notifiers: NotificationService.notifiers(for: incidentConfig.channels), clock: clock, logger: logger)
        let engine = ProbeEngine(store: store, bus: bus, clock: clock, logger: logger, icmp: icmp, snmp: snmp, incidents: incidents,
                                 notifications: notifications, capture: capture, faces: [reporter] + (web.map { [$0] } ?? []), recorded: recorded,
                                 runFor: minutes * 60, onEvent: onEvent)
        hub.attach(engine.recorder.recorded)
        try await failingAsync { try await engine.run(signals: [.sigterm, .sigint]) }
        let keepServing = self.keepServing ?? (watched ? 600 : 0)
        // Stopped early by SIGTERM or Ctrl-C: the person wants it to end, not to keep serving.
        let interrupted = clock.now() - start < minutes * 60 - 1
        if let webApp, keepServing > 0, !interrupted {
            let web = try failing { try WebService(app: webApp, port: boundPort.withLock { $0 }) }
            say(id ? "Skenario selesai; dasbor tetap aktif \(Int(keepServing)) detik (Ctrl-C untuk berhenti)."
                   : "Scenario over; the dashboard stays up \(Int(keepServing)) s (Ctrl-C to stop).")
            let after = ServiceGroup(configuration: .init(services: [
                .init(service: web), .init(service: RealTimeLimit(seconds: keepServing), successTerminationBehavior: .gracefullyShutdownGroup),
            ], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await after.run()
        }
        await reporter.printSummary(final: true)
        if capture != nil { try await printTraffic(store: store, inventory: inv, from: EpochSeconds(start), to: EpochSeconds(clock.now()) + 60, id: id) }
        let db = location.db.map { " --db \($0)" } ?? " --db \(dbPath)"
        say(id ? "Bulan lalu (\(lastMonth)) berisi riwayat simulasi satu bulan penuh dengan tiket yang sudah ditutup:"
               : "Last month (\(lastMonth)) holds a whole month of simulated history with closed tickets:")
        say("  pantau report --month \(lastMonth) --format pdf\(db)       " + (id ? "laporan bulanan (PDF)" : "the monthly report (PDF)"))
        say("  pantau month close \(lastMonth) --by \"NAMA\"\(db)          " + (id ? "tutup buku: angka dibekukan" : "month close: figures frozen"))
    }

    /// The simulated mirror port's busiest OPDs over the run (what `pantau traffic` shows).
    func printTraffic(store: Store, inventory inv: Inventory, from: EpochSeconds, to: EpochSeconds, id: Bool) async throws {
        let rows = try await failingAsync { try await store.opdTraffic(TimeRange(from, to), resolution: 60, sites: nil) }
        let figures = TrafficFigures(rows: rows, seconds: Double(max(60, to - from - 60)), names: inv)
        guard !figures.sites.isEmpty else { return }
        say(id ? "\nLalu lintas per OPD dari port mirror (simulasi), lima tertinggi:" : "\nTraffic per OPD from the mirror port (simulated), top five:")
        var table = [[id ? "situs" : "site", id ? "nama" : "name", id ? "rata-rata masuk Mbit/s" : "avg in Mbit/s", id ? "rata-rata keluar Mbit/s" : "avg out Mbit/s"]]
        for s in figures.sites.filter({ inv.site($0.site)?.role != .core }).prefix(5) {
            table.append([s.site, s.name, String(format: "%.2f", s.avg_in_mbps), String(format: "%.2f", s.avg_out_mbps)])
        }
        say(TextTable.render(table, rightAligned: [2, 3]))
    }
}

extension DemoCommand {
    /// Whether a TCP port on 127.0.0.1 can be bound now (0 always can).
    static func portIsFree(_ port: Int) -> Bool {
        guard port != 0 else { return true }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// Ends a service group after `seconds` of real time (the demo's dashboard after the scenario).
struct RealTimeLimit: Service {
    let seconds: Double
    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(seconds)) }
    }
}
