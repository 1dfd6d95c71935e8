import Logging
import PantauBus
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
    /// Resolves sites given by host name.
    let resolver: any HostResolver
    /// Sites whose loss/RTT thresholds are suspended (a bandwidth test fills their path).
    let suspensions: ProbeSuspensions?

    public init(inventory: Inventory, probes: ProbeConfig, transport: any EchoTransport, bus: ObservationBus,
                clock: any WallClock, logger: Logger, engine: String = "local", runFor: Double? = nil,
                resolver: any HostResolver = SystemHostResolver(), suspensions: ProbeSuspensions? = nil) {
        self.resolver = resolver
        self.suspensions = suspensions
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
        /// The site's host name, when the inventory gives one instead of an address.
        var hostName: String?
        /// When to resolve the name again (monotonic), and why it last failed (nil: resolved).
        var resolveDue: Double = 0
        var resolveError: String?
        /// The last lookup of a name that had resolved before failed (logged once per outage).
        var resolverFailing = false
        /// An address to ping is known (a literal, or the name resolved at least once).
        var resolved: Bool { !target.echo.address.isEmpty }
    }

    /// Mutable state of one run, touched only by the task running `run()`.
    final class RunState: @unchecked Sendable {
        var slots: [Slot] = []
        /// Every site and its last round (a ping answered or not is a read; an unresolved name is not).
        var ledger = ReadLedger(since: 0)
    }

    /// Sites this prober watches (those with an address or a host name).
    public var targetCount: Int { inventory.sites.filter { $0.address.flatMap(SiteAddress.init) != nil }.count }

    public func run() async throws {
        let start = clock.monotonic()
        let startWall = clock.now()
        let state = RunState()
        state.slots = inventory.sites.compactMap { site in
            guard let a = site.address, let address = SiteAddress(a) else { return nil }
            let s = probes.icmp(for: site)
            var slot = Slot(target: ICMPTarget(id: site.id, address: [], settings: s), settings: s,
                            machine: ConfirmingStateMachine(policy: s.confirmPolicy), nextDue: start)
            switch address {
            case .literal(let bytes): slot.target.echo.address = bytes
            case .hostName(let name): slot.hostName = name
            }
            return slot
        }
        state.ledger = ReadLedger(since: startWall)
        for slot in state.slots {
            state.ledger.add(slot.target.id, window: 2 * Double(slot.settings.intervalSeconds) + Double(slot.settings.timeoutMs) / 1000 + 5)
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
                    await self.resolveNames(state)
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
        let pingable = due.filter { state.slots[$0].resolved }
        let (results, foreign) = try await prober.round(pingable.map { state.slots[$0].target })
        let end = clock.monotonic()
        let at = EpochSeconds(startWall.rounded(.down))
        var batch = ObservationBatch(source: source, at: EpochSeconds(clock.now().rounded(.down)))
        for i in due where !state.slots[i].resolved {
            unresolvedRound(slot: &state.slots[i], at: at, end: end, into: &batch)
        }
        for (k, i) in pingable.enumerated() {
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
            // During a bandwidth test on its path a site's loss and RTT are the test's: not judged.
            if o.reachable, state.slots[i].machine.state == .up, suspensions?.reason(o.id) == nil {
                judgeDegradation(o, slot: &state.slots[i], at: at, into: &batch)
            }
            let interval = Double(state.slots[i].settings.intervalSeconds)
            state.slots[i].nextDue += interval
            if state.slots[i].nextDue < end { state.slots[i].nextDue = end + interval * 0.5 }  // fell behind: do not burst
        }
        for (k, i) in pingable.enumerated() where k < results.count {
            state.ledger.record(state.slots[i].target.id, at: startWall, failure: nil)
        }
        for i in due where !state.slots[i].resolved {
            state.ledger.record(state.slots[i].target.id, at: startWall, failure: "host name \(state.slots[i].hostName ?? "?") not resolved")
        }
        batch.cycle = CycleReport(startedAt: startWall, durationMs: Int((end - start) * 1000), done: due.count,
                                  answered: results.filter(\.reachable).count, late: late, foreign: foreign)
        batch.cycle?.account(state.ledger, now: clock.now())
        bus.publish(batch)
    }

    /// A site whose host name has never resolved: nothing to ping, so its state is not known
    /// (confirmed like any change, never "down") and the reason is in its sample for `status`.
    func unresolvedRound(slot: inout Slot, at: EpochSeconds, end: Double, into batch: inout ObservationBatch) {
        let id = slot.target.id
        let why = "unresolved: host name \(slot.hostName ?? "?") did not resolve (\(slot.resolveError ?? "not resolved yet"))"
        batch.icmpSamples.append(ProbeSample(target: id, at: at, sent: 0, received: 0, rttsMs: [], jitterMs: nil, note: why))
        if case .record(let from, let to, let since)? = slot.machine.observe(.unknown, at: at) {
            batch.observations.append(Observation(kind: .site, element: id, source: source, what: .state(from: from, to: to),
                                                  since: since, evidence: why))
            if let d = slot.degraded {
                slot.degraded = nil
                batch.observations.append(Observation(kind: .site, element: id, source: source, what: .degradation(reason: nil),
                                                      since: max(since, d.since), evidence: "site \(to.rawValue)"))
            }
        }
        let interval = Double(slot.settings.intervalSeconds)
        slot.nextDue += interval
        if slot.nextDue < end { slot.nextDue = end + interval * 0.5 }
    }

    /// Resolves the host names that are due (at start, then every `resolve_interval`), at most
    /// 16 lookups at once. A name that fails after having resolved keeps its last address (a
    /// resolver outage must not blind the monitor) and is tried again within a minute.
    func resolveNames(_ state: RunState) async {
        let now = clock.monotonic()
        let due = state.slots.indices.filter { state.slots[$0].hostName != nil && state.slots[$0].resolveDue <= now }
        guard !due.isEmpty else { return }
        let names = due.map { ($0, state.slots[$0].hostName!) }
        let resolver = self.resolver
        let results = await withTaskGroup(of: (Int, Result<[UInt8], ResolutionFailure>).self) { group in
            var out: [(Int, Result<[UInt8], ResolutionFailure>)] = []
            var next = 0
            func add() {
                let (i, name) = names[next]
                next += 1
                group.addTask { (i, await resolver.resolve(name)) }
            }
            while next < names.count && next < 16 { add() }
            for await r in group {
                out.append(r)
                if next < names.count { add() }
            }
            return out
        }
        let interval = Double(probes.resolveIntervalSeconds)
        for (i, r) in results {
            let name = state.slots[i].hostName!
            switch r {
            case .success(let bytes):
                if state.slots[i].target.echo.address != bytes || state.slots[i].resolverFailing {
                    logger.info("host name resolved", metadata: ["site": "\(state.slots[i].target.id)", "name": "\(name)",
                                                                 "address": "\(IPAddressText.format(bytes))"])
                }
                state.slots[i].target.echo.address = bytes
                state.slots[i].resolveError = nil
                state.slots[i].resolverFailing = false
                state.slots[i].resolveDue = now + interval
            case .failure(let f):
                state.slots[i].resolveDue = now + min(60, interval)
                if state.slots[i].resolved {
                    guard !state.slots[i].resolverFailing else { continue }
                    state.slots[i].resolverFailing = true
                    logger.warning("host name did not resolve; pinging its last address", metadata: [
                        "site": "\(state.slots[i].target.id)", "name": "\(name)", "error": "\(f.message)",
                        "address": "\(IPAddressText.format(state.slots[i].target.echo.address))"])
                } else {
                    if state.slots[i].resolveError == nil {
                        logger.error("host name did not resolve", metadata: ["site": "\(state.slots[i].target.id)", "name": "\(name)",
                                                                             "error": "\(f.message)"])
                    }
                    state.slots[i].resolveError = f.message
                }
            }
        }
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
