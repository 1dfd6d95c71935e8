import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauInventory
import PantauPostgres
import PantauCapture
import PantauProbes
import PantauSQLite
import PantauStoreKit

extension RunCommand {
    /// The sites this engine probes (`--sites`), checked against the inventory.
    func selection(_ config: LoadedConfiguration) throws -> Set<String> {
        do { return try SiteSelector(sites, inventory: config.inventory).sites(in: config.inventory) } catch {
            throw usageError(Self.self, error.description)
        }
    }

    /// `pantau run --engine ID --sites SELECTOR --db postgresql://…`: a probe engine writing to
    /// the central store (ICMP and SNMP of its sites: states, heartbeats, measurements), under its
    /// own id, through a local spool (nothing lost while the centre is unreachable or after a
    /// `kill -9`; replayed in order with the original times), and mirrored traffic per OPD when it
    /// has the mirror port. Tickets, notifications and the dashboard are the central processes'
    /// (`pantau correlate`, `pantau web`).
    func runProbeEngine(_ config: LoadedConfiguration, url: String, logger: Logger) async throws {
        guard engine != "local" else {
            throw usageError(Self.self, "an engine writing to PostgreSQL needs its own id: --engine ID (e.g. dc, pop-lepar)")
        }
        let location = try failing { try PostgresLocation(url) }
        let selected = try selection(config)
        // Everything goes through the local spool: on disk first, then to the centre in order.
        let spoolPath = spool ?? "pantau-spool-\(engine).sqlite"
        // Checked at start: a damaged spool is moved aside and said, never a restart loop nor a silent fresh start.
        let (spoolFile, damage) = try failing { try Spool.openChecked(path: spoolPath, now: EpochSeconds(Date().timeIntervalSince1970)) }
        if let damage {
            logger.error("damaged spool moved aside", metadata: ["spool": "\(spoolPath)", "damage": "\(damage)"])
            printErr("pantau: \(spoolPath): \(damage)")
        }
        let store = SpoolingStore(spool: spoolFile, location: location, engine: engine, logger: logger)
        let forwarded = await store.drain()
        if forwarded > 0 { say("pantau: replayed \(forwarded) spooled entr\(forwarded == 1 ? "y" : "ies") to \(location)") }
        let transport = try failing { try SocketEchoTransport() }
        let clock = SteadyClock(SystemWallClock())  // stamps and timers never step with the system clock
        let bus = ObservationBus()
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let inventory = config.inventory.probing(selected)
        let suspensions = ProbeSuspensions()
        let icmp = ICMPProbeService(inventory: inventory, probes: config.probes, transport: transport, bus: bus, clock: clock, logger: logger,
                                    engine: engine, runFor: seconds, suspensions: suspensions)
        // Scheduled bandwidth tests of this engine's sites: a test of a selected site, or of a
        // link with a selected end (results go through the spool like everything else).
        var tests = config.bandwidth
        tests.tests = tests.tests.filter { t in
            selected.contains(t.target) || config.inventory.link(t.target).map { selected.contains($0.from) || selected.contains($0.to) } ?? false
        }
        let bandwidth = tests.tests.isEmpty ? nil
            : BandwidthTestService(inventory: config.inventory, config: tests, transport: IPerf3Transport(), store: store, bus: bus, clock: clock,
                                   logger: logger, suspensions: suspensions, engine: engine, runFor: seconds)
        let (snmp, traps) = makeSNMP(config, inventory: inventory, samples: store,
                                     withTraffic: config.capture.interface != nil, bus: bus, clock: clock, logger: logger)
        // Mirrored traffic per OPD, when this engine has the mirror port (probes/capture.yaml).
        let capture = config.capture.interface.map { name in
            CaptureService(inventory: config.inventory, config: config.capture, transport: PcapCapture(.interface(name), config: config.capture),
                           bus: bus, clock: clock, logger: logger, runFor: seconds) { error in
                if let error { printErr("pantau: \(error); traffic per OPD waits for the interface (tried again, every minute at most), probing continues") } else {
                    say("pantau: counting mirrored traffic per OPD on \(name)")
                }
            }
        }
        var policy = HistoryRecorder.Policy()
        policy.retention = config.retention
        if let limit = storeOutageLimit { policy.giveUpAfter = limit }
        let engineID = engine
        let onEvent: @Sendable (EngineEvent) -> Void = { event in
            switch event {
            case .started(let sources, let targets, let recovered):
                say("pantau: engine \(engineID) started (\(sources.joined(separator: ", "))), \(targets) targets, writing to \(location)"
                    + (recovered.isEmpty ? "" : "; closed crashed session(s) \(recovered) at their last heartbeat"))
            case .stateChanged(let t, let from, let to, let since):
                say("\(ISO8601.format(since, in: tz))  \(t)  \(from.rawValue) -> \(to.rawValue)")
            case .stopped(let at):
                say("pantau: engine \(engineID) stopped at \(ISO8601.format(at, in: tz))")
            case .ticket: break
            }
        }
        say("pantau: probe engine \(engine) for \(selected.count) site(s) (\(sites)), spool \(spoolPath); tickets come from pantau correlate")
        let probeEngine = ProbeEngine(store: store, bus: bus, clock: clock, logger: logger, icmp: icmp, snmp: snmp, traps: traps,
                                      bandwidth: bandwidth, capture: capture, faces: [MemoryTrim(clock: clock)], recorderPolicy: policy, runFor: seconds,
                                      detail: EngineDetail(notice: damage.map { Self.notice($0, tz: tz) }), onEvent: onEvent)
        do {
            try await failingAsync { try await probeEngine.run(signals: [.sigterm, .sigint]) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

extension RunCommand {
    /// What a damaged spool moved aside at start leaves to say at the centre (`pantau status`
    /// there, through the engine's session detail): where the file is and what did not arrive.
    static func notice(_ d: SpoolDamage, tz: TimeZone) -> String {
        var s = "damaged spool (\(d.problem)) moved aside to \(d.movedTo)"
        if let n = d.heldEntries {
            s += n == 0 ? "; it held nothing readable" : "; \(n) readable entr\(n == 1 ? "y" : "ies") did not reach the centre"
                + (d.heldFrom.map { f in d.heldTo.map { " (\(ISO8601.format(f, in: tz)) .. \(ISO8601.format($0, in: tz)))" } ?? "" } ?? "")
        } else {
            s += "; what it held cannot be read"
        }
        return s
    }
}
