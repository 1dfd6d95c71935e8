import Foundation
import Logging
import PantauBus
import PantauCore
import PantauProbes
import PantauStoreKit
import ServiceLifecycle

/// Scheduled bandwidth tests as a sibling service. Each configured test with `at:` times runs
/// at those local times (plus a random start delay) **only when the whole test falls outside
/// working time** (weekends, holidays and cuti bersama count as outside), **one test at a
/// time** for the whole engine (so no two tests ever share an uplink), within its link's
/// monthly byte budget. While a test runs the ICMP loss/RTT thresholds of the sites behind
/// its path are suspended. Results go to the store; a link below contract on `consecutive`
/// tests becomes a degradation on the bus, which the correlator turns into a notice.
public final class BandwidthTestService: Service, Sendable {
    let inventory: Inventory
    let config: BandwidthConfig
    let transport: any BandwidthTransport
    let store: any BandwidthStore
    let bus: ObservationBus
    let clock: any WallClock
    let logger: Logger
    let suspensions: ProbeSuspensions
    let calendar: WorkingCalendar
    let topology: Topology
    public let source: ObservationSource
    let runFor: Double?
    /// Extra seconds a test may take beyond its duration (connect, the report).
    let slackSeconds: Double
    /// Seconds between heartbeats while waiting for the next test.
    let heartbeatSeconds: Double
    /// Where a failing store is said, once per episode.
    public let faults: StoreFaultBoard
    public static let serviceName = "bandwidth"

    public init(inventory: Inventory, config: BandwidthConfig, transport: any BandwidthTransport, store: any BandwidthStore,
                bus: ObservationBus, clock: any WallClock, logger: Logger, suspensions: ProbeSuspensions, engine: String = "local",
                runFor: Double? = nil, slackSeconds: Double = 15,
                heartbeatSeconds: Double = Double(ObservationSource.Prober.bandwidth.heartbeatSeconds!), faults: StoreFaultBoard = StoreFaultBoard()) {
        self.faults = faults
        self.heartbeatSeconds = heartbeatSeconds
        self.inventory = inventory
        self.config = config
        self.transport = transport
        self.store = store
        self.bus = bus
        self.clock = clock
        self.logger = logger
        self.suspensions = suspensions
        calendar = WorkingCalendar(spec: inventory.calendar, timeZone: TimeZone(identifier: inventory.timezone) ?? .current)
        topology = Topology(inventory)
        source = ObservationSource(.bandwidth, engine: engine)
        self.runFor = runFor
        self.slackSeconds = slackSeconds
    }

    /// Tests with a schedule.
    public var scheduled: [BandwidthTestSpec] { config.tests.filter { !$0.at.isEmpty } }

    /// The next scheduled instant of `spec` strictly after `after` (epoch seconds).
    func next(_ spec: BandwidthTestSpec, after: Double) -> Double {
        var day = calendar.localDate(of: EpochSeconds(after)).adding(days: -1)
        var best = Double.infinity
        for _ in 0..<3 {
            for s in spec.at {
                let t = Double(calendar.instant(day, secondOfDay: s))
                if t > after { best = min(best, t) }
            }
            day = day.adding(days: 1)
        }
        return best
    }

    /// The sites a test on `target` loads: the target site, or every site that a failure of the target link cuts off.
    func sitesBehind(_ target: String) -> Set<String> {
        if inventory.site(target) != nil {
            return Set(inventory.sites.map(\.id)).subtracting(topology.reachable(inventory: inventory, failedSites: [target], failedLinks: []))
                .union([target])
        }
        return Set(inventory.sites.map(\.id)).subtracting(topology.reachable(inventory: inventory, failedSites: [], failedLinks: [target]))
    }

    /// How long a test takes at most (both directions, with slack).
    func span(_ spec: BandwidthTestSpec) -> Double {
        Double(spec.direction == .both ? 2 : 1) * (Double(spec.durationSeconds) + slackSeconds)
    }

    /// Mutable state of one run, touched only by the task running `run()`.
    final class RunState: @unchecked Sendable {
        var due: [Double] = []
        /// What the recorded history says of every scheduled target is still to be said on the
        /// bus (at start: a restart must neither forget a shortfall nor keep a passed one open).
        var restate = true
        /// Results measured while the store could not take them, in order (written on the next beat).
        var unrecorded: [BandwidthResult] = []
        /// Tests measured but not judged yet (the judgement reads the recent history).
        var unjudged: [BandwidthTestSpec] = []
    }

    public func run() async throws {
        let tests = scheduled
        guard !tests.isEmpty else { await parkUntilShutdown(); return }
        let start = clock.monotonic(), startWall = clock.now()
        let state = RunState()
        state.due = tests.map { next($0, after: startWall) + jitter() }
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds()))
        await catchUp(state)
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let elapsed = self.clock.monotonic() - start
                    if let runFor = self.runFor, elapsed >= runFor { break }
                    let (i, due) = state.due.enumerated().min { $0.element < $1.element }!
                    // Sleep until the next test (heartbeating meanwhile so the source reads as alive).
                    let wall = self.clock.now()
                    var wake = self.clock.monotonic() + min(max(0, due - wall), self.heartbeatSeconds)
                    if let runFor = self.runFor { wake = min(wake, start + runFor) }
                    try await self.clock.sleep(untilMonotonic: wake)
                    await self.catchUp(state)
                    if self.clock.now() < due {
                        self.bus.publish(ObservationBatch(source: self.source, at: self.clock.nowSeconds()))
                        continue
                    }
                    var retry: Double?
                    do { retry = try await self.runScheduled(tests[i], state: state) } catch is CancellationError { throw CancellationError() } catch {
                        self.storeFailed(error, doing: "running the scheduled test of \(tests[i].target)")
                    }
                    state.due[i] = retry ?? (self.next(tests[i], after: max(self.clock.now(), due)) + self.jitter())
                }
            }
        } catch is CancellationError {}
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds(), ended: true))
        if let runFor, clock.monotonic() - start >= runFor { await parkUntilShutdown() }
    }

    func jitter() -> Double { config.startJitterSeconds > 0 ? Double.random(in: 0...Double(config.startJitterSeconds)) : 0 }

    /// Who holds this engine's leases, as a refusal names it.
    var holder: String { "engine \(source.engine) on \(ProcessInfo.processInfo.hostName), pid \(getpid())" }

    /// One scheduled test, unless working time or the byte budget says no. Returns when to try
    /// again if another process's test holds the path now (nil: the next scheduled time).
    func runScheduled(_ spec: BandwidthTestSpec, state: RunState) async throws -> Double? {
        let now = clock.nowSeconds()
        if calendar.workingSeconds(from: now, to: now + EpochSeconds(span(spec).rounded(.up))) > 0 {
            logger.info("bandwidth test skipped: it would run in working time", metadata: ["target": "\(spec.target)"])
            return nil
        }
        if let budget = spec.monthlyBudgetBytes {
            let month = calendar.range(of: YearMonth(calendar.localDate(of: now)))
            let used: Int64
            do {
                used = try await store.bandwidthHistory(target: spec.target, direction: nil, limit: 10_000)
                    .filter { month.contains($0.at) }.reduce(Int64(0)) { $0 + $1.bytes }
            } catch is CancellationError { throw CancellationError() } catch {
                // Unknown budget use: a metered link is not loaded blind; the next scheduled time tries again.
                storeFailed(error, doing: "reading the monthly budget of \(spec.target); the test waits for its next time")
                return nil
            }
            if used >= budget {
                logger.notice("bandwidth test skipped: monthly budget used", metadata: ["target": "\(spec.target)", "bytes": "\(used)"])
                return nil
            }
        }
        // No two tests on a shared path, whichever process runs them (the CLI, another engine).
        let lease = BandwidthLease(holder: holder, target: spec.target, links: Array(BandwidthPath.links(of: spec.target, in: inventory)),
                                   startedAt: now, expiresAt: now + EpochSeconds(span(spec).rounded(.up)) + 30)
        var leased = false
        do {
            if let held = try await store.acquireBandwidthLease(lease, now: now) {
                let why = BandwidthLeaseRules.refusal(held, shared: Set(lease.links).intersection(held.links), timeZone: calendar.timeZone)
                logger.notice("bandwidth test postponed until the other test ends", metadata: ["target": "\(spec.target)", "why": "\(why)"])
                return Double(held.expiresAt) + 5
            }
            leased = true
        } catch is CancellationError { throw CancellationError() } catch {
            // Nobody else can be asked: the test runs (it is this engine's only one at a time) and says so.
            storeFailed(error, doing: "taking the bandwidth lease of \(spec.target); the test runs without it")
        }
        let results = await runTest(spec)
        if leased { try? await store.releaseBandwidthLease(lease.id) }
        state.unrecorded += results
        state.unjudged.append(spec)
        await catchUp(state)
        return nil
    }

    /// Writes the results the store has not taken yet, then judges the tests not judged yet, in
    /// order; stops at the first store failure (said once) and goes on at the next beat.
    func catchUp(_ state: RunState) async {
        guard state.restate || !state.unrecorded.isEmpty || !state.unjudged.isEmpty else { return }
        do {
            // Measurements first: they go to the spool even while the centre cannot be read.
            if !state.unrecorded.isEmpty {
                try await store.recordBandwidth(state.unrecorded)
                state.unrecorded = []
            }
            if state.restate {
                try await restate()
                state.restate = false
            }
            while let spec = state.unjudged.first {
                try await judge(spec)
                state.unjudged.removeFirst()
            }
            if let fault = faults.recovered(Self.serviceName) {
                logger.notice("store reachable again; bandwidth results recorded and judged", metadata: ["since": "\(fault.since)"])
            }
        } catch {
            if !Task.isCancelled { storeFailed(error, doing: "recording and judging bandwidth results") }
        }
    }

    /// A store call failed: said once per episode; the service goes on.
    func storeFailed(_ error: any Error, doing what: String) {
        if faults.failed(Self.serviceName, error: error, at: clock.nowSeconds()) {
            logger.error("store call failed; bandwidth tests go on and their results wait in memory",
                         metadata: ["error": "\(error)", "doing": "\(what)"])
        }
    }

    /// Runs a test now (both directions one after the other), with the ICMP thresholds of the
    /// sites behind its path suspended meanwhile.
    public func runTest(_ spec: BandwidthTestSpec) async -> [BandwidthResult] {
        let behind = sitesBehind(spec.target)
        suspensions.suspend(behind, because: "bandwidth test on \(spec.target)")
        defer { suspensions.resume(behind) }
        logger.notice("bandwidth test started; ICMP thresholds suspended meanwhile",
                      metadata: ["target": "\(spec.target)", "sites": "\(behind.sorted().joined(separator: ","))"])
        var out: [BandwidthResult] = []
        for d in spec.direction == .both ? [BandwidthDirection.upload, .download] : [spec.direction] {
            let r = await transport.run(spec, direction: d, at: clock.nowSeconds())
            if let e = r.error {
                logger.warning("bandwidth test failed; recorded with the reason (pantau status, bandwidth history)",
                               metadata: ["target": "\(spec.target)", "direction": "\(d.rawValue)", "server": "\(spec.server):\(spec.port)", "why": "\(e)"])
            } else {
                logger.notice("bandwidth test measured", metadata: ["target": "\(spec.target)", "direction": "\(d.rawValue)",
                                                                   "mbps": "\(r.mbps.map { String(format: "%.1f", $0) } ?? "-")"])
            }
            out.append(r)
        }
        return out
    }

    /// What the recorded tests of `spec` say now: below contract in any direction is a
    /// degradation of the link (the observation to publish), at or above it in every direction a
    /// clear, anything between (short of `consecutive`, a test without a figure) nothing.
    /// Derived from the history alone, never from memory: the same after a restart.
    func assess(_ spec: BandwidthTestSpec) async throws -> Observation? {
        let contract = inventory.contractMbps(spec.target)
        let judge = BandwidthJudge(config: config)
        var below: [String] = [], allOK = true, latest: EpochSeconds?
        for d in spec.direction == .both ? [BandwidthDirection.upload, .download] : [spec.direction] {
            let recent = try await store.bandwidthHistory(target: spec.target, direction: d, limit: 20).filter { $0.proto == spec.proto }
            latest = max(latest ?? .min, recent.first?.at ?? .min)
            switch judge.verdict(contractMbps: contract, recent: recent) {
            case .belowContract:
                below.append("\(d.rawValue) \(recent.first?.mbps.map { String(format: "%.1f", $0) } ?? "-") Mbps")
                allOK = false
            case .ok: break
            default: allOK = false
            }
        }
        let kind: ElementKind = inventory.link(spec.target) != nil ? .link : .site
        let at = latest ?? clock.nowSeconds()
        if !below.isEmpty {
            let reason = "bandwidth-below-contract: \(below.joined(separator: ", ")) of \(contract.map { String(format: "%.0f", $0) } ?? "?") Mbps "
                + "(\(config.consecutive) tests below \(String(format: "%.0f", config.thresholdPct))%)"
            return Observation(kind: kind, element: spec.target, source: source, what: .degradation(reason: reason), since: at, evidence: reason)
        }
        guard allOK else { return nil }
        return Observation(kind: kind, element: spec.target, source: source, what: .degradation(reason: nil), since: at,
                           evidence: "bandwidth at or above \(String(format: "%.0f", config.thresholdPct))% of contract")
    }

    /// Judges a test just recorded: its target's degradation set or cleared on the bus.
    func judge(_ spec: BandwidthTestSpec) async throws {
        guard let o = try await assess(spec) else { return }
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds(), observations: [o]))
    }

    /// At start: every scheduled target's standing from its recorded tests, said once, so an
    /// open notice is kept (a shortfall) or cleared (the last tests passed) across a restart.
    func restate() async throws {
        var seen: Set<String> = [], out: [Observation] = []
        for spec in scheduled where seen.insert(spec.target).inserted {
            if let o = try await assess(spec) { out.append(o) }
        }
        guard !out.isEmpty else { return }
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds(), observations: out))
    }
}
