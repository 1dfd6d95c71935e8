import Logging
import PantauBus
import PantauCore
import PantauProbes
import PantauStoreKit
import ServiceLifecycle
import Synchronization

/// The SNMP prober as a sibling service: polls every managed device on its own interval,
/// judges each watched link from its ports, confirms changes, applies linkDown/linkUp traps
/// (handed over by the trap receiver) at once, and publishes one batch per poll on the
/// observation bus, as its own source with its own heartbeat.
public final class SNMPPoller: Service, Sendable {
    let inventory: Inventory
    let config: SNMPProbeConfig
    let targets: [SNMPTarget]
    let prober: SNMPProber
    /// Reads the optical baselines and writes the per-minute summary of rejected traps.
    let samples: any SampleStore
    /// Per-OPD traffic from the capture (as published on the bus), to name who filled a link (nil: no capture).
    let traffic: RecentTraffic?
    let topology: Topology
    let bus: ObservationBus
    let clock: any WallClock
    let logger: Logger
    let source: ObservationSource
    let runFor: Double?
    /// Traps handed over by the receiver, applied by the poll loop.
    let trapInbox = Mutex<[SNMPTrap]>([])
    /// Walks of failing devices, finished in the background lane, applied by the poll loop.
    let retryInbox = Mutex<[RetryResult]>([])
    /// Rung when a trap, a background walk or a site ICMP confirmed arrives: the loop sleeps
    /// until its next due poll or this, never waking just to look.
    let doorbell = Doorbell()

    struct RetryResult: Sendable {
        var targets: [SNMPTarget]
        var readings: [DeviceReading]
        var started: Double
        var startedWall: Double
        var end: Double
    }
    /// Rejected notifications, counted in memory (bounded) and written once a minute.
    let rejections = Mutex(TrapRejectionCounter())
    /// ICMP's confirmed states, for path reads (nil: path reads off, or nothing to poll).
    let pathMailbox: ObservationSubscription?
    let pathAnalyzer: RootCauseAnalyzer
    /// Devices this poller reads.
    let polled: Set<String>
    /// Each device's place in `targets`.
    let targetIndex: [String: Int]

    /// Devices without a credentials profile are left out (and reported by `pantau check`).
    public init(inventory: Inventory, config: SNMPProbeConfig, credentials: [String: SNMPCredentials],
                transport: any SNMPTransport, samples: any SampleStore, bus: ObservationBus, clock: any WallClock, logger: Logger,
                engine: String = "local", runFor: Double? = nil, traffic: RecentTraffic? = nil, pathReads: Bool = true) {
        self.inventory = inventory
        self.traffic = traffic
        topology = Topology(inventory)
        self.config = config
        var ports: [String: Set<String>] = [:]
        for l in inventory.links { for e in l.ends { ports[e.device, default: []].insert(e.interface) } }
        targets = inventory.devices.compactMap { d in
            credentials[d.snmpProfile].map {
                var t = SNMPTarget(device: d, credentials: $0, settings: config.settings(for: d))
                t.keepInterfaces = ports[d.id] ?? []  // only the ports of watched links are kept between polls
                return t
            }
        }
        prober = SNMPProber(transport: transport)
        polled = Set(targets.map(\.device.id))
        targetIndex = Dictionary(targets.enumerated().map { ($1.device.id, $0) }, uniquingKeysWith: { a, _ in a })
        pathAnalyzer = RootCauseAnalyzer(inventory: inventory)
        pathMailbox = pathReads && !targets.isEmpty
            ? bus.subscribe("snmp path reads", ringing: doorbell, ringsFor: { b in b.source.prober == .icmp && !b.observations.isEmpty }) : nil
        self.samples = samples
        self.bus = bus
        self.clock = clock
        self.logger = logger
        source = ObservationSource(.snmp, engine: engine)
        self.runFor = runFor
    }

    public var deviceCount: Int { targets.count }
    public var linkCount: Int { inventory.links.filter { l in l.ends.contains { e in targets.contains { $0.device.id == e.device } } }.count }

    /// How long an agent may answer from a cached IF-MIB after its port changed (net-snmp's
    /// snmpd caches ifTable ~5 s; many switches do the same). A reading taken within this time
    /// after a trap that contradicts it is not evidence against the trap.
    static let agentCacheSeconds: Double = 5
    /// How soon a port is read again past that cache (after a trap, or a port seen going down).
    static let recheckAfter: Double = 5.5

    /// Hands a received trap to the poll loop (any thread).
    public func enqueue(_ trap: SNMPTrap) {
        trapInbox.withLock { $0.append(trap) }
        doorbell.ring()
    }
    public func enqueue(_ rejection: SNMPTrapRejection) {
        let at = clock.nowSeconds()
        if rejections.withLock({ $0.count(source: rejection.source, reason: rejection.reason.rawValue, at: at) }) {
            logger.warning("trap rejected (counted; logged once per sender and reason)",
                           metadata: ["source": "\(rejection.source)", "reason": "\(rejection.reason.rawValue)"])
        }
    }

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
        /// Links whose optical power is at warning/alarm, and since when.
        var degraded: [String: (reason: String, since: EpochSeconds)] = [:]
        /// Links at or above their utilisation warning level, and since when.
        var hotSince: [String: EpochSeconds] = [:]
        /// Devices that showed no 64-bit counters: walked with ifInOctets/ifOutOctets as well.
        var legacy: Set<String> = []
        /// Links whose state a trap set, not yet read back by a poll (and what the trap said).
        var trapPending: [String: TargetState] = [:]
        /// When (engine time) each link's last applied trap arrived.
        var trapAt: [String: Double] = [:]
        /// Readings within the agent's cache that contradicted a pending trap: the state they
        /// showed and the first of them (so a false trap is corrected from its first read-back).
        var contradicted: [String: (state: TargetState, since: EpochSeconds)] = [:]
        /// Devices to read again soon, and when (engine time): past the agent's cache after a
        /// contradicted trap, or after a port was seen going down.
        var recheckAt: [String: Double] = [:]
        /// The regular due time of a device read early (a recheck or a trap's read-back): its
        /// polls keep their cadence instead of shifting by the early read.
        var resume: [String: Double] = [:]
        /// Consecutive failed polls per device (backoff and the background lane).
        var failures: [String: Int] = [:]
        /// Failing devices whose walk is under way in the background lane.
        var retrying: Set<String> = []
        var lastRejectionFlush: Double = 0
        /// Sites as ICMP confirmed them (path reads stop at a site known up).
        var sites = NetworkSnapshot()
        /// Silent sites whose path is to be read: since when they failed, and until when to try.
        var pathWanted: [String: (since: EpochSeconds, until: Double)] = [:]
        /// When each device's last out-of-cycle path read was scheduled (engine time).
        var pathReadAt: [String: Double] = [:]
        /// Devices whose next read is a path read (walked in the background lane).
        var pathLane: Set<String> = []
        /// Every device and its last good read: the cycle report counts against it.
        var ledger = ReadLedger(since: 0)
        /// `nextDue` as a heap: the loop reads the next due time without scanning every device.
        var queue = DueQueue<String>()

        /// Sets a device's next poll (engine time).
        func setDue(_ id: String, _ at: Double) {
            nextDue[id] = at
            queue.schedule(id, at: at)
        }
    }

    /// How long a good read of a device stays current: two intervals and its whole timeout.
    static func readWindow(_ s: SNMPSettings) -> Double {
        2 * Double(s.intervalSeconds) + s.timeoutSeconds * Double(s.retries + 1) + 10
    }

    /// Polls until graceful shutdown or `runFor` (engine time). Each due batch is one `execute`.
    public func run() async throws {
        let state = RunState()
        let start = clock.monotonic()
        let startWall = clock.now()
        state.lastRejectionFlush = start
        let until = runFor.map { start + $0 }
        for t in targets { state.setDue(t.device.id, start) }
        state.ledger = ReadLedger(since: startWall)
        for t in targets { state.ledger.add(t.device.id, window: Self.readWindow(t.settings)) }
        for l in inventory.links where !l.ends.isEmpty {
            state.machines[l.id] = ConfirmingStateMachine(policy: settings(for: l).confirm)
        }
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds()))
        do {
            try await cancelWhenGracefulShutdown {
                // Two lanes: live devices are polled by this loop; devices that failed their last
                // poll are walked by child tasks in the background (one try, a quarter of the
                // transport's slots), their results applied here when they come back. A dead
                // device costs its own timeout, never a live device's interval.
                try await withThrowingTaskGroup(of: Void.self) { lane in
                    while !Task.isCancelled {
                        let now = self.clock.monotonic()
                        if let until, now >= until { break }
                        self.applyTraps(state)
                        await self.applyRetries(state)
                        self.schedulePathReads(state)
                        await self.flushRejections(state)
                        // Poll when a device is due, taking along those due within 0.25 s (one batch).
                        // A device whose walk is under way in the background lane is rescheduled when it ends.
                        var due: [SNMPTarget] = []
                        if let first = state.queue.next(), first <= now {
                            due = state.queue.take(through: now + 0.25).filter { !state.retrying.contains($0) }
                                .compactMap { self.targetIndex[$0] }.sorted().map { self.targets[$0] }
                        }
                        // Failing devices, and path reads (a device toward a silent site may be silent too),
                        // are walked in the background lane: they never hold up traps or live devices.
                        let failing = due.filter { state.failures[$0.device.id, default: 0] > 0 || state.pathLane.contains($0.device.id) }.map { t in
                            var t = t
                            t.failing = true
                            return self.prepared(t, state)
                        }
                        if !failing.isEmpty {
                            state.retrying.formUnion(failing.map(\.device.id))
                            lane.addTask { await self.retry(failing) }
                        }
                        for t in failing { state.pathLane.remove(t.device.id) }
                        let live = due.filter { state.failures[$0.device.id, default: 0] == 0 && !state.retrying.contains($0.device.id) }
                        if !live.isEmpty { await self.poll(live, state) }
                        let next = state.queue.next() ?? .infinity
                        guard next < .infinity || !state.retrying.isEmpty else { break }
                        // Asleep until the next due poll, the rejected-trap flush, or the doorbell
                        // (a trap, a background walk done, a site ICMP confirmed).
                        var wake = min(next, state.lastRejectionFlush + 60)
                        if let until { wake = min(wake, until) }
                        try await self.clock.sleep(untilMonotonic: wake, orRing: self.doorbell)
                    }
                    lane.cancelAll()
                }
            }
        } catch is CancellationError {
            // graceful shutdown: end the source below
        }
        await flushRejections(state, force: true)
        if let pathMailbox { bus.unsubscribe(pathMailbox) }
        let timeIsUp = until.map { clock.monotonic() >= $0 } ?? false
        bus.publish(stopBatch(state, at: timeIsUp ? EpochSeconds((startWall + runFor!).rounded(.down)) : clock.nowSeconds()))
        if timeIsUp { await parkUntilShutdown() }
    }

    /// Writes the rejected-trap counts once a minute (or now), keeping them if the store fails.
    func flushRejections(_ state: RunState, force: Bool = false) async {
        let now = clock.monotonic()
        guard force || now - state.lastRejectionFlush >= 60 else { return }
        state.lastRejectionFlush = now
        let counts = rejections.withLock { $0.take() }
        guard !counts.isEmpty else { return }
        do { try await samples.addTrapRejections(counts) } catch {
            rejections.withLock { c in for x in counts { c.count(source: x.source, reason: x.reason, at: x.last, times: x.count, first: x.first) } }
        }
    }

    /// The engine stops watching: every link known up or down becomes unknown, the source ends.
    func stopBatch(_ state: RunState, at: EpochSeconds) -> ObservationBatch {
        var batch = ObservationBatch(source: source, at: at, ended: true)
        for id in state.machines.keys.sorted() {
            if case .record(let from, _, _)? = state.machines[id]!.stop(at: at) {
                batch.observations.append(Observation(kind: .link, element: id, source: source, what: .state(from: from, to: .unknown),
                                                      since: at, evidence: "engine stopped"))
            }
        }
        return batch
    }

    /// The settings that govern a link: those of its `a` device (else `b`).
    func settings(for link: Link) -> SNMPSettings {
        for e in link.ends { if let t = targets.first(where: { $0.device.id == e.device }) { return t.settings } }
        return config.defaults
    }

    /// The target as this poll walks it (32-bit counters once the device showed it needs them).
    func prepared(_ t: SNMPTarget, _ state: RunState) -> SNMPTarget {
        var t = t
        if state.legacy.contains(t.device.id) { t.legacyCounters = true }
        return t
    }

    /// The background lane: walks failing devices and leaves the result for the poll loop.
    func retry(_ due: [SNMPTarget]) async {
        let started = clock.monotonic(), startedWall = clock.now()
        let readings = await prober.probe(due)
        retryInbox.withLock { $0.append(RetryResult(targets: due, readings: readings, started: started,
                                                   startedWall: startedWall, end: clock.monotonic())) }
        doorbell.ring()
    }

    /// Applies what the background lane brought back (no cycle report: the loop's polls give it).
    func applyRetries(_ state: RunState) async {
        let done = retryInbox.withLock { q in defer { q = [] }; return q }
        for r in done {
            for t in r.targets { state.retrying.remove(t.device.id) }
            await apply(r.targets, r.readings, state, started: r.started, startedWall: r.startedWall, end: r.end, cycle: nil)
        }
    }

    /// How long a device that keeps failing waits before the next try: its interval, doubled
    /// after 3 failures in a row and quadrupled after 6 (never more than 5 minutes, never less
    /// than the interval), so hundreds of dead devices do not fill every cycle.
    static func backoff(interval: Double, failures: Int) -> Double {
        let factor: Double = failures >= 6 ? 4 : failures >= 3 ? 2 : 1
        return max(interval, min(interval * factor, 300))
    }

    func poll(_ due: [SNMPTarget], _ state: RunState) async {
        traffic?.absorb(now: clock.nowSeconds())
        let started = clock.monotonic()
        let startedWall = clock.now()
        let late = due.filter { started - (state.nextDue[$0.device.id] ?? started) > Double($0.settings.intervalSeconds) / 4 }.count
        let readings = await prober.probe(due.map { prepared($0, state) })
        let end = clock.monotonic()
        await apply(due, readings, state, started: started, startedWall: startedWall, end: end,
                    cycle: CycleReport(startedAt: startedWall, durationMs: Int((end - started) * 1000), done: due.count,
                                       answered: readings.filter { $0.failure == nil }.count, late: late))
    }

    /// Stores the readings, schedules the next polls, judges the links and publishes one batch.
    func apply(_ due: [SNMPTarget], _ readings: [DeviceReading], _ state: RunState, started: Double, startedWall: Double,
               end: Double, cycle: CycleReport?) async {
        for (t, r) in zip(due, readings) {
            state.readings[t.device.id] = r
            state.readingAt[t.device.id] = startedWall
            state.ledger.record(t.device.id, at: startedWall, failure: r.failure.map { "\($0)" })
            let failures = r.failure == nil ? 0 : state.failures[t.device.id, default: 0] + 1
            state.failures[t.device.id] = failures
            let interval = Self.backoff(interval: Double(t.settings.intervalSeconds), failures: failures)
            var next = (state.nextDue[t.device.id] ?? started) + interval
            if let regular = state.resume.removeValue(forKey: t.device.id), regular > end { next = regular }  // back to its cadence
            if next < end { next = end + interval * 0.5 }
            state.setDue(t.device.id, next)
            if r.failure == nil, !state.legacy.contains(t.device.id), !r.interfaces.isEmpty,
               r.interfaces.allSatisfy({ $0.inOctets == nil && $0.outOctets == nil }) {
                state.legacy.insert(t.device.id)
                logger.warning("device has no 64-bit counters (no ifXTable or SNMPv1): reading 32-bit counters from now on",
                               metadata: ["device": "\(t.device.id)"])
            }
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
        let at = EpochSeconds(startedWall.rounded(.down))
        var batch = await evaluate(links, state, at: at, wallNow: startedWall, started: started)
        // Past an agent's interface cache, read a contradicted trap's port (or a port seen going down) again.
        for (d, wanted) in state.recheckAt {
            let when = max(wanted, end)
            let regular = state.nextDue[d] ?? .infinity
            if when < regular {
                state.resume[d] = state.resume[d] ?? regular
                state.setDue(d, when)
            }
        }
        state.recheckAt = [:]
        batch.at = clock.nowSeconds()
        batch.cycle = cycle
        batch.cycle?.account(state.ledger, now: clock.now())
        bus.publish(batch)
    }
}
