import Logging
import PantauCore
import PantauProbes
import ServiceLifecycle

/// The ICMP prober as a sibling service: pings every site with an address on its own
/// interval, confirms state changes, judges loss/RTT against the site's thresholds, and
/// publishes one batch per round on the observation bus (the store writer records it, the
/// correlator reads it). On graceful shutdown it finishes the round in flight and publishes
/// its last batch: every state unknown from that moment, the source ended.
public final class ICMPProbeService: Service, Sendable {
    let inventory: Inventory
    let probes: ProbeConfig
    let prober: ICMPProber
    let bus: ObservationBus
    let clock: any WallClock
    let logger: Logger
    let source: ObservationSource
    /// Stop by itself after this many seconds of engine time (nil: run until shut down).
    let runFor: Double?

    public init(inventory: Inventory, probes: ProbeConfig, transport: any EchoTransport, bus: ObservationBus,
                clock: any WallClock, logger: Logger, engine: String = "local", runFor: Double? = nil) {
        self.inventory = inventory
        self.probes = probes
        prober = ICMPProber(transport: transport, maxRate: probes.sendRatePerSecond)
        self.bus = bus
        self.clock = clock
        self.logger = logger
        source = ObservationSource(.icmp, engine: engine)
        self.runFor = runFor
    }

    /// Per-site scheduling and state.
    struct Slot {
        var target: ICMPTarget
        var settings: ICMPSettings
        var machine: ConfirmingStateMachine
        /// Next round, on the monotonic clock.
        var nextDue: Double
        /// The current degradation (loss/RTT above threshold) and since when.
        var degraded: (reason: String, since: EpochSeconds)?
    }

    /// Mutable state of one run, touched only by the task running `run()`.
    final class RunState: @unchecked Sendable {
        var slots: [Slot] = []
    }

    /// Sites this prober watches (those with an IPv4 address).
    public var targetCount: Int { inventory.sites.filter { $0.address.flatMap(IPv4Literal.parse) != nil }.count }

    public func run() async throws {
        let start = clock.monotonic()
        let startWall = clock.now()
        let state = RunState()
        state.slots = inventory.sites.compactMap { site in
            guard let a = site.address, let octets = IPv4Literal.parse(a) else { return nil }
            let s = probes.icmp(for: site)
            return Slot(target: ICMPTarget(id: site.id, address: octets, settings: s), settings: s,
                        machine: ConfirmingStateMachine(policy: s.confirmPolicy), nextDue: start)
        }
        guard !state.slots.isEmpty else {
            // Nothing to ping (no site has an address): no source, just wait for the others.
            await parkUntilShutdown()
            return
        }
        // The session begins with a heartbeat before the first round.
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds()))
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let runFor = self.runFor, self.clock.monotonic() - start >= runFor { break }
                    try await self.round(state)
                    guard let next = state.slots.map(\.nextDue).min() else { break }
                    var wake = next
                    if let runFor = self.runFor { wake = min(wake, start + runFor) }
                    try await self.clock.sleep(untilMonotonic: wake)
                }
            }
        } catch is CancellationError {
            // graceful shutdown: fall through to end the source
        }
        let timeIsUp = runFor.map { clock.monotonic() - start >= $0 } ?? false
        let stopAt = timeIsUp ? EpochSeconds((startWall + runFor!).rounded(.down)) : clock.nowSeconds()
        var last = ObservationBatch(source: source, at: stopAt, ended: true)
        for i in state.slots.indices {
            if case .record(let from, _, _)? = state.slots[i].machine.stop(at: stopAt) {
                last.observations.append(Observation(kind: .site, element: state.slots[i].target.id, source: source,
                                                     what: .state(from: from, to: .unknown), since: stopAt, evidence: "engine stopped"))
            }
        }
        bus.publish(last)
        if timeIsUp { await parkUntilShutdown() }
    }

    /// One round over the sites that are due (within a quarter second, so batches stay together).
    func round(_ state: RunState) async throws {
        let start = clock.monotonic()
        let startWall = clock.now()
        let due = state.slots.indices.filter { state.slots[$0].nextDue <= start + 0.25 }
        guard !due.isEmpty else { return }
        let late = due.filter { start - state.slots[$0].nextDue > Double(state.slots[$0].settings.intervalSeconds) / 4 }.count
        let (results, foreign) = try await prober.round(due.map { state.slots[$0].target })
        let end = clock.monotonic()
        let at = EpochSeconds(startWall.rounded(.down))
        var batch = ObservationBatch(source: source, at: EpochSeconds(clock.now().rounded(.down)))
        for (k, i) in due.enumerated() {
            let o = results[k]
            batch.icmpSamples.append(ProbeSample(target: o.id, at: at, sent: o.sent, received: o.received, rttsMs: o.rttsMs, jitterMs: o.jitterMs))
            let evidence = "\(o.sent - o.received)/\(o.sent) lost" + (o.rttAvgMs.map { ", RTT \(Self.ms($0)) ms" } ?? "")
            if case .record(let from, let to, let since)? = state.slots[i].machine.observe(reachable: o.reachable, at: at) {
                batch.observations.append(Observation(kind: .site, element: o.id, source: source, what: .state(from: from, to: to),
                                                      since: since, evidence: evidence))
                logger.notice("state changed", metadata: ["target": "\(o.id)", "from": "\(from.rawValue)", "to": "\(to.rawValue)"])
                if to != .up, let d = state.slots[i].degraded {
                    // Down is an outage of its own: the degradation ends where the outage begins.
                    state.slots[i].degraded = nil
                    batch.observations.append(Observation(kind: .site, element: o.id, source: source, what: .degradation(reason: nil),
                                                          since: max(since, d.since), evidence: "site \(to.rawValue)"))
                }
            }
            if o.reachable, state.slots[i].machine.state == .up {
                judgeDegradation(o, slot: &state.slots[i], at: at, into: &batch)
            }
            let interval = Double(state.slots[i].settings.intervalSeconds)
            state.slots[i].nextDue += interval
            if state.slots[i].nextDue < end { state.slots[i].nextDue = end + interval * 0.5 }  // fell behind: do not burst
        }
        batch.cycle = CycleReport(startedAt: startWall, durationMs: Int((end - start) * 1000), done: due.count,
                                  answered: results.filter(\.reachable).count, late: late, foreign: foreign)
        bus.publish(batch)
    }

    /// Loss or RTT above the site's thresholds starts a degradation; a round within them ends it.
    func judgeDegradation(_ o: ICMPObservation, slot: inout Slot, at: EpochSeconds, into batch: inout ObservationBatch) {
        let s = slot.settings
        var why: [String] = []
        if o.lossPct > s.lossWarnPct { why.append("loss \(Int(o.lossPct.rounded()))% > \(Int(s.lossWarnPct))%") }
        if let rtt = o.rttAvgMs, rtt > s.rttWarnMs { why.append("RTT \(Self.ms(rtt)) ms > \(Int(s.rttWarnMs)) ms") }
        let reason = why.joined(separator: ", ")
        switch (slot.degraded, why.isEmpty) {
        case (nil, false):
            slot.degraded = (reason, at)
            batch.observations.append(Observation(kind: .site, element: o.id, source: source, what: .degradation(reason: reason),
                                                  since: at, evidence: reason))
        case (.some, true):
            slot.degraded = nil
            batch.observations.append(Observation(kind: .site, element: o.id, source: source, what: .degradation(reason: nil),
                                                  since: at, evidence: "loss and RTT within thresholds"))
        default:
            break
        }
    }

    static func ms(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r))" : "\(r)"
    }
}
