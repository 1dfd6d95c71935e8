import Logging
import PantauCore
import PantauProbes
import PantauStore
import ServiceLifecycle

/// The ICMP probe engine: pings every site with an address on its own interval, confirms
/// state changes, and records each round atomically in the store. A `Service`: on
/// graceful shutdown it finishes the round in flight, marks every state unknown from that
/// moment and closes its session.
public final class ProbeEngine: Service, Sendable {
    let inventory: Inventory
    let probes: ProbeConfig
    let store: Store
    let prober: ICMPProber
    let clock: any WallClock
    let logger: Logger
    let onEvent: @Sendable (EngineEvent) -> Void
    /// Stop by itself after this many seconds of engine time (nil: run until shut down).
    let runFor: Double?
    /// The SNMP side (link states), when devices are configured with credentials.
    let snmp: SNMPPoller?
    /// Correlation and gangguan tickets, fed by every state change.
    let incidents: IncidentManager?

    public init(inventory: Inventory, probes: ProbeConfig, store: Store, transport: any EchoTransport,
                clock: any WallClock, logger: Logger, runFor: Double? = nil, snmp: SNMPPoller? = nil,
                incidents: IncidentManager? = nil, onEvent: @escaping @Sendable (EngineEvent) -> Void = { _ in }) {
        self.snmp = snmp
        self.incidents = incidents
        self.inventory = inventory
        self.probes = probes
        self.store = store
        prober = ICMPProber(transport: transport, maxRate: probes.sendRatePerSecond)
        self.clock = clock
        self.logger = logger
        self.runFor = runFor
        if let incidents {
            self.onEvent = { @Sendable e in
                incidents.observe(e)
                onEvent(e)
            }
        } else {
            self.onEvent = onEvent
        }
    }

    /// Per-site scheduling and state.
    struct Slot {
        var target: ICMPTarget
        var settings: ICMPSettings
        var machine: ConfirmingStateMachine
        var nextDue: Double
    }

    /// Mutable state of one run, touched only by the task running `run()`.
    final class RunState: @unchecked Sendable {
        var slots: [Slot] = []
        var lastPrune: Double = 0
    }

    public func run() async throws {
        let startedAt = clock.now()
        let (session, recovery) = try store.beginEngineSession(at: EpochSeconds(startedAt.rounded(.down)), detail: EngineDetail())
        if !recovery.sessions.isEmpty {
            logger.warning("closed sessions left open by a crash at their last heartbeat",
                           metadata: ["sessions": "\(recovery.sessions)", "intervals": "\(recovery.intervals)"])
        }
        let state = RunState()
        state.slots = inventory.sites.compactMap { site in
            guard let a = site.address, let octets = IPv4Literal.parse(a) else { return nil }
            let s = probes.icmp(for: site)
            return Slot(target: ICMPTarget(id: site.id, address: octets, settings: s), settings: s,
                        machine: ConfirmingStateMachine(policy: s.confirmPolicy), nextDue: startedAt)
        }
        onEvent(.started(session: session.id, targets: state.slots.count, recoveredSessions: recovery.sessions))
        logger.info("engine started", metadata: ["session": "\(session.id)", "targets": "\(state.slots.count)"])
        state.lastPrune = startedAt
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    if let snmp = self.snmp {
                        group.addTask {
                            try await snmp.run(session: session, until: self.runFor.map { startedAt + $0 }, onEvent: self.onEvent)
                        }
                    }
                    if let incidents = self.incidents {
                        group.addTask {
                            try await incidents.run(until: self.runFor.map { startedAt + $0 }, onEvent: self.onEvent)
                        }
                    }
                    group.addTask { try await self.icmpLoop(state, session: session, startedAt: startedAt) }
                    try await group.waitForAll()
                }
            }
        } catch is CancellationError {
            // graceful shutdown or cancellation: fall through to close the session
        }
        let stopAt = EpochSeconds(clock.now().rounded(.down))
        for i in state.slots.indices {
            if case .record(let from, _, _)? = state.slots[i].machine.stop(at: stopAt) {
                onEvent(.stateChanged(target: state.slots[i].target.id, from: from, to: .unknown, since: stopAt))
            }
        }
        try store.endEngineSession(session, at: stopAt)
        onEvent(.stopped(at: stopAt))
        logger.info("engine stopped", metadata: ["session": "\(session.id)"])
    }

    /// Pings due sites round after round until cancelled or `runFor` is over.
    func icmpLoop(_ state: RunState, session: EngineSession, startedAt: Double) async throws {
        while !Task.isCancelled {
            if let runFor, clock.now() - startedAt >= runFor { break }
            try await round(&state.slots, session: session)
            let now = clock.now()
            if now - state.lastPrune > 3600 {
                try? store.pruneRollups(now: EpochSeconds(now))
                state.lastPrune = now
            }
            guard let next = state.slots.map(\.nextDue).min() else { break }
            var wake = next
            if let runFor { wake = min(wake, startedAt + runFor) }
            try await clock.sleep(until: wake)
        }
    }

    /// One round over the sites that are due (within a quarter second, so batches stay together).
    func round(_ slots: inout [Slot], session: EngineSession) async throws {
        let start = clock.now()
        let due = slots.indices.filter { slots[$0].nextDue <= start + 0.25 }
        guard !due.isEmpty else { return }
        let observations = try await prober.probe(due.map { slots[$0].target })
        let end = clock.now()
        let at = EpochSeconds(start.rounded(.down))
        var changes: [StateChange] = []
        var samples: [ProbeSample] = []
        var events: [EngineEvent] = []
        for (k, i) in due.enumerated() {
            let o = observations[k]
            samples.append(ProbeSample(target: o.id, at: at, sent: o.sent, received: o.received, rttsMs: o.rttsMs, jitterMs: o.jitterMs))
            if case .record(let from, let to, let since)? = slots[i].machine.observe(reachable: o.reachable, at: at) {
                changes.append(StateChange(target: o.id, state: to, since: since))
                events.append(.stateChanged(target: o.id, from: from, to: to, since: since))
            }
            let interval = Double(slots[i].settings.intervalSeconds)
            slots[i].nextDue += interval
            if slots[i].nextDue < end { slots[i].nextDue = end + interval * 0.5 }  // fell behind: do not burst
        }
        // Durable before it is announced: a crash after this loses no confirmed change.
        try store.recordRound(session, at: EpochSeconds(end.rounded(.down)), changes: changes, samples: samples)
        for e in events {
            if case .stateChanged(let t, let f, let to, _) = e {
                logger.notice("state changed", metadata: ["target": "\(t)", "from": "\(f.rawValue)", "to": "\(to.rawValue)"])
            }
            onEvent(e)
        }
        onEvent(.roundCompleted(at: at, targets: due.count, reachable: observations.filter(\.reachable).count,
                                durationMs: Int((end - start) * 1000)))
    }
}
