import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauEngine
import PantauNotify
import PantauInventory
import PantauNetSNMP
import PantauProbes
import PantauStore
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

    func run() async throws {
        let config = try location.load()
        let logger = bootstrapLogging(level: logLevel)
        let store = try failing { try location.openStore() }
        let transport = try failing { try SocketEchoTransport() }
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let names = Dictionary(config.inventory.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let snmp = try await startSNMP(config, store: store, logger: logger)
        let composer = NotificationComposer(inventory: config.inventory, channels: config.incidents.channels)
        let incidents = IncidentManager(inventory: config.inventory, config: config.incidents, store: store,
                                        clock: SystemWallClock(), logger: logger, probes: config.probes,
                                        messages: { composer.drafts($0, $1) })
        let engine = ProbeEngine(inventory: config.inventory, probes: config.probes, store: store, transport: transport,
                                 clock: SystemWallClock(), logger: logger, runFor: seconds, snmp: snmp, incidents: incidents) { event in
            switch event {
            case .started(let session, let targets, let recovered):
                say("pantau: engine session \(session) started, \(targets) sites, ICMP \(transport.mode.rawValue) socket, db \(store.path)"
                      + (recovered.isEmpty ? "" : "; closed crashed session(s) \(recovered) at their last heartbeat"))
            case .stateChanged(let t, let from, let to, let since):
                say("\(ISO8601.format(since, in: tz))  \(t)  \(from.rawValue) -> \(to.rawValue)  \(names[t] ?? "")")
            case .stopped(let at):
                say("pantau: engine stopped at \(ISO8601.format(at, in: tz))")
            case .trapApplied(let link, let to, _):
                say("trap: \(link) -> \(to.rawValue) (to be confirmed by the next poll)")
            case .ticket(let number, let change, let priority, let cause, let root, let affected, let at):
                say("\(ISO8601.format(at, in: tz))  ticket \(number) \(change): \(priority) \(cause) \(root)"
                    + (affected.isEmpty ? "" : " cuts off \(affected.count): \(affected.joined(separator: ", "))"))
            case .roundCompleted, .snmpPollCompleted: break
            }
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: engine, successTerminationBehavior: .gracefullyShutdownGroup)]
        if !config.incidents.channels.isEmpty {
            say("pantau: notifications to \(config.incidents.channels.map(\.description).joined(separator: ", "))")
            services.append(.init(service: NotificationService(store: store, notifiers: NotificationService.notifiers(for: config.incidents.channels),
                                                               clock: SystemWallClock(), logger: logger)))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await failingAsync { try await group.run() }
    }
}

extension RunCommand {
    /// The SNMP poller and trap receiver, when devices have credentials.
    func startSNMP(_ config: LoadedConfiguration, store: Store, logger: Logger) async throws -> SNMPPoller? {
        guard !config.inventory.devices.isEmpty, !config.credentials.isEmpty else { return nil }
        let transport = NetSNMPTransport(maxInFlight: config.snmp.maxInFlight)
        let poller = SNMPPoller(inventory: config.inventory, config: config.snmp, credentials: config.credentials,
                                transport: transport, store: store, clock: SystemWallClock(), logger: logger)
        say("pantau: SNMP polling \(poller.deviceCount) devices watching \(poller.linkCount) links")
        if let listen = config.snmp.trapListen {
            let users = config.credentials.values.compactMap { c in c.engineID.map { (engineID: $0, credentials: c) } }
            if let error = await transport.listen(address: listen, v3Users: users, onTrap: { poller.enqueue($0) },
                                                  onReject: { poller.enqueue($0) }) {
                printErr("pantau: \(error); traps are off, polling continues (set snmp.trap_listen in probes/snmp.yaml)")
            } else {
                say("pantau: receiving SNMP traps on \(listen)")
            }
        }
        return poller
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
