import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle
import UnixSignals

/// The engine: sibling services in one `ServiceGroup` around one observation bus.
///
/// ```
///   ICMP prober ──┐
///   SNMP poller ──┼─> ObservationBus ─> store writer (HistoryRecorder) ─> HistoryStore
///   (traps) ──────┘   (typed batches)        │ recorded (durable batches)
///                                            ├─> correlator (IncidentManager) ─> TicketStore ─> outbox ─> NotificationService
///                                            └─> console / live views
/// ```
///
/// Adding a prober or a face means adding a sibling service and a subscriber; nothing else
/// changes. The engine claims the store for its life (a lock the kernel drops when the process
/// dies), closes sessions a crash left open, then runs the group until it is shut down
/// (signals, `runFor`) or a service fails (a store that stays broken: the process exits
/// non-zero for its supervisor).
public final class ProbeEngine: Sendable {
    public let bus: ObservationBus
    let store: any HistoryStore & SessionStore & SampleStore
    let clock: any WallClock
    let logger: Logger
    let services: [ServiceGroupConfiguration.ServiceConfiguration]
    let sources: [String]
    let targets: Int
    let onEvent: @Sendable (EngineEvent) -> Void
    public let recorder: HistoryRecorder
    /// How long graceful shutdown may take before the remaining services are cancelled.
    public let shutdownLimit: Duration

    /// - Parameters: the siblings, each built on `bus`; `runFor`: shut down after that many
    ///   seconds of engine time (give the probers the same value so they stop at that instant).
    public init(store: any HistoryStore & SessionStore & SampleStore, bus: ObservationBus, clock: any WallClock, logger: Logger,
                icmp: ICMPProbeService? = nil, snmp: SNMPPoller? = nil, traps: TrapReceiverService? = nil,
                incidents: (any Service)? = nil, notifications: (any Service)? = nil, bandwidth: BandwidthTestService? = nil,
                capture: CaptureService? = nil, faces: [any Service] = [],
                recorderPolicy: HistoryRecorder.Policy = .init(), faults: StoreFaultBoard = StoreFaultBoard(),
                proberFaults: StoreFaultBoard = StoreFaultBoard(), recorded: ObservationBus = ObservationBus(),
                shutdownLimit: Duration = .seconds(15), runFor: Double? = nil, detail: EngineDetail = EngineDetail(),
                onEvent: @escaping @Sendable (EngineEvent) -> Void = { _ in }) {
        self.store = store
        self.bus = bus
        self.clock = clock
        self.logger = logger
        self.onEvent = onEvent
        self.shutdownLimit = shutdownLimit
        recorder = HistoryRecorder(store: store, bus: bus, clock: clock, logger: logger, policy: recorderPolicy, detail: detail, faults: faults,
                                   proberFaults: capture?.faults ?? proberFaults, recorded: recorded)
        // Shutdown runs in reverse order: receivers and probers stop first (publishing their
        // last batches), the correlator next, the store writer last, after reading to the end.
        var list: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: recorder)]
        // On the steady timeline, a step of the system clock is watched for and said aloud.
        if let steady = clock as? SteadyClock { list.append(.init(service: ClockWatch(clock: steady, recorder: recorder, logger: logger))) }
        if let runFor { list.append(.init(service: StopAfter(seconds: runFor, clock: clock), successTerminationBehavior: .gracefullyShutdownGroup)) }
        if let notifications { list.append(.init(service: notifications)) }
        if let incidents { list.append(.init(service: incidents)) }
        // The console echoes what is durable: a line printed is a change a crash cannot take back.
        list.insert(.init(service: EventForwarder(bus: recorder.recorded, onEvent: onEvent)), at: 0)
        var sources: [String] = []
        if let icmp {
            list.append(.init(service: icmp))
            sources.append(icmp.source.description)
        }
        if let snmp {
            list.append(.init(service: snmp))
            sources.append(snmp.source.description)
        }
        if let traps { list.append(.init(service: traps)) }
        if let bandwidth, !bandwidth.scheduled.isEmpty {
            list.append(.init(service: bandwidth))
            sources.append(bandwidth.source.description)
        }
        if let capture {
            list.append(.init(service: capture))
            sources.append(capture.source.description)
        }
        // Faces (dashboard, reporters) stop first.
        list += faces.map { .init(service: $0) }
        services = list
        self.sources = sources
        targets = (icmp?.targetCount ?? 0) + (snmp?.deviceCount ?? 0)
    }

    /// Runs until shut down. `signals`: the Unix signals that start a graceful shutdown.
    public func run(signals: [UnixSignal] = []) async throws {
        let claim = try store.claimEngine()
        let recovery = try await store.recoverCrashedSessions()
        if !recovery.sessions.isEmpty {
            logger.warning("closed sessions left open by a crash at their last heartbeat",
                           metadata: ["sessions": "\(recovery.sessions)", "intervals": "\(recovery.intervals)"])
        }
        onEvent(.started(sources: sources, targets: targets, recoveredSessions: recovery.sessions))
        logger.info("engine started", metadata: ["sources": "\(sources)"])
        var config = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        config.maximumGracefulShutdownDuration = shutdownLimit
        let group = ServiceGroup(configuration: config)
        try await group.run()
        onEvent(.stopped(at: clock.nowSeconds()))
        logger.info("engine stopped")
        withExtendedLifetime(claim) {}
    }
}
