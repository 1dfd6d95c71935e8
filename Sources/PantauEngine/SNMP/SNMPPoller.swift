import Logging
import PantauCore
import PantauProbes
import PantauStore
import Synchronization

/// Polls every managed device over SNMP on its own interval, judges each watched link from its
/// ports, confirms changes, applies linkDown/linkUp traps at once, and records everything in
/// the engine's session. Runs inside `ProbeEngine` (one session, one heartbeat).
public final class SNMPPoller: Sendable {
    let inventory: Inventory
    let config: SNMPProbeConfig
    let targets: [SNMPTarget]
    let prober: SNMPProber
    let store: Store
    let clock: any WallClock
    let logger: Logger
    /// Traps handed over by the receiver, applied by the poll loop.
    let trapInbox = Mutex<[SNMPTrap]>([])
    let rejectionInbox = Mutex<[SNMPTrapRejection]>([])

    /// Devices without a credentials profile are left out (and reported by `pantau check`).
    public init(inventory: Inventory, config: SNMPProbeConfig, credentials: [String: SNMPCredentials],
                transport: any SNMPTransport, store: Store, clock: any WallClock, logger: Logger) {
        self.inventory = inventory
        self.config = config
        targets = inventory.devices.compactMap { d in
            credentials[d.snmpProfile].map { SNMPTarget(device: d, credentials: $0, settings: config.settings(for: d)) }
        }
        prober = SNMPProber(transport: transport)
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    public var deviceCount: Int { targets.count }
    public var linkCount: Int { inventory.links.filter { l in l.ends.contains { e in targets.contains { $0.device.id == e.device } } }.count }

    /// Hands a received trap to the poll loop (any thread).
    public func enqueue(_ trap: SNMPTrap) { trapInbox.withLock { $0.append(trap) } }
    public func enqueue(_ rejection: SNMPTrapRejection) { rejectionInbox.withLock { $0.append(rejection) } }

    /// Mutable state of one run, touched only by the task running `run`.
    final class RunState: @unchecked Sendable {
        var nextDue: [String: Double] = [:]
        var readings: [String: DeviceReading] = [:]
        var readingAt: [String: Double] = [:]
        var machines: [String: ConfirmingStateMachine] = [:]
        var counters: [LinkEnd: (inOctets: CounterSample?, outOctets: CounterSample?)] = [:]
        var baselines: [String: (value: Double?, fetched: Double)] = [:]
        var failuresLogged: Set<String> = []
        var missingPortsLogged: Set<LinkEnd> = []
    }

    /// Runs until cancelled or `until` (engine time). Each due batch is one `execute`.
    public func run(session: EngineSession, until: Double?, onEvent: @escaping @Sendable (EngineEvent) -> Void) async throws {
        let state = RunState()
        let start = clock.now()
        for t in targets { state.nextDue[t.device.id] = start }
        for l in inventory.links where !l.ends.isEmpty {
            state.machines[l.id] = ConfirmingStateMachine(policy: settings(for: l).confirm)
        }
        defer { stopEvents(state, onEvent: onEvent) }
        while !Task.isCancelled {
            let now = clock.now()
            if let until, now >= until { break }
            try applyTraps(state, session: session, onEvent: onEvent)
            // Poll when a device is due, taking along those due within 0.25 s (one batch).
            let isDue = targets.contains { (state.nextDue[$0.device.id] ?? now) <= now }
            let due = isDue ? targets.filter { (state.nextDue[$0.device.id] ?? now) <= now + 0.25 } : []
            if !due.isEmpty { try await poll(due, state, session: session, onEvent: onEvent) }
            guard let next = state.nextDue.values.min() else { return }
            var wake = min(next, clock.now() + 0.1)  // traps are applied within 0.1 s
            if let until { wake = min(wake, until) }
            try await clock.sleep(until: wake)
        }
    }

    /// The engine stops watching: every link known up or down becomes unknown (the store
    /// closes the intervals with the session; this tells the event listeners).
    func stopEvents(_ state: RunState, onEvent: @Sendable (EngineEvent) -> Void) {
        let at = EpochSeconds(clock.now().rounded(.down))
        for id in state.machines.keys.sorted() {
            if case .record(let from, _, _)? = state.machines[id]!.stop(at: at) {
                onEvent(.stateChanged(target: id, from: from, to: .unknown, since: at))
            }
        }
    }

    /// The settings that govern a link: those of its `a` device (else `b`).
    func settings(for link: Link) -> SNMPSettings {
        for e in link.ends { if let t = targets.first(where: { $0.device.id == e.device }) { return t.settings } }
        return config.defaults
    }

    func poll(_ due: [SNMPTarget], _ state: RunState, session: EngineSession,
              onEvent: @escaping @Sendable (EngineEvent) -> Void) async throws {
        let started = clock.now()
        let readings = await prober.probe(due)
        let end = clock.now()
        for (t, r) in zip(due, readings) {
            state.readings[t.device.id] = r
            state.readingAt[t.device.id] = started
            var next = (state.nextDue[t.device.id] ?? started) + Double(t.settings.intervalSeconds)
            if next < end { next = end + Double(t.settings.intervalSeconds) * 0.5 }
            state.nextDue[t.device.id] = next
            if let f = r.failure {
                if state.failuresLogged.insert(t.device.id).inserted {
                    logger.warning("device not polled", metadata: ["device": "\(t.device.id)", "why": "\(f)"])
                }
            } else if state.failuresLogged.remove(t.device.id) != nil {
                logger.notice("device answers again", metadata: ["device": "\(t.device.id)"])
            }
        }
        let polled = Set(due.map(\.device.id))
        let links = inventory.links.filter { l in l.ends.contains { polled.contains($0.device) } }
        let at = EpochSeconds(started.rounded(.down))
        let result = evaluate(links, state, at: at, wallNow: started)
        try store.recordLinkRound(session, at: EpochSeconds(end.rounded(.down)), changes: result.changes,
                                  samples: result.samples, optical: result.optical)
        for e in result.events { onEvent(e) }
        onEvent(.snmpPollCompleted(at: at, devices: due.count, answered: readings.filter { $0.failure == nil }.count,
                                   durationMs: Int((end - started) * 1000)))
    }
}
