import Logging
import PantauBus
import PantauCore
import PantauProbes
import ServiceLifecycle
import Synchronization

/// Passive traffic per OPD as a sibling service: the capture transport counts on its own
/// thread; every bucket (a minute) this service hands the finished buckets, the bucket's top
/// talkers and the capture's counters (kernel drops included) to the observation bus as one
/// batch of its own source. Only addresses, protocols and ports are ever kept, never payload.
public final class CaptureService: Service, Sendable {
    let inventory: Inventory
    let config: CaptureConfig
    let transport: any CaptureTransport
    let bus: ObservationBus
    let clock: any WallClock
    let logger: Logger
    public let source: ObservationSource
    let runFor: Double?
    /// The kernel-drop count last reported (a warning is logged when it grows, not every minute).
    let reportedDrops = Mutex<Int64>(0)
    /// Told once whether the capture started (nil) or why not.
    let onStart: @Sendable (CaptureError?) -> Void
    /// Where a capture that cannot run is said while it lasts (the health file, `pantau status`).
    public let faults: StoreFaultBoard
    /// A bucket is handed over this long after it ends (packets stamped just before the boundary).
    static let grace: Int64 = 2
    /// At most this long between two batches (a heartbeat when buckets are longer).
    static let heartbeat: Int64 = ObservationSource.Prober.capture.heartbeatSeconds!

    public init(inventory: Inventory, config: CaptureConfig, transport: any CaptureTransport, bus: ObservationBus, clock: any WallClock,
                logger: Logger, engine: String = "local", runFor: Double? = nil, faults: StoreFaultBoard = StoreFaultBoard(),
                onStart: @escaping @Sendable (CaptureError?) -> Void = { _ in }) {
        self.faults = faults
        self.inventory = inventory
        self.config = config
        self.transport = transport
        self.bus = bus
        self.clock = clock
        self.logger = logger
        source = ObservationSource(.capture, engine: engine)
        self.runFor = runFor
        self.onStart = onStart
    }

    /// Runs until shut down. The capture is optional: an interface that is missing at start or
    /// vanishes under it (a mirror port's veth deleted, a NIC reset) never ends the engine; the
    /// minute in progress is handed over, the fault is said once (log, `pantau status` through
    /// the health file), and the interface is tried again with backoff until it is back.
    public func run() async throws {
        let map = SubnetMap(sites: inventory.sites)
        if map.isEmpty { logger.warning("no site has subnets: mirrored traffic is counted but not attributed to any OPD") }
        let start = clock.monotonic()
        let until = runFor.map { start + $0 }
        let loop = Loop()
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds()))
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let until, self.clock.monotonic() >= until { break }
                    let tap = TrafficTap(map: map, bucketSeconds: self.config.bucketSeconds, interface: self.config.interface ?? "")
                    do {
                        try self.transport.start(tap)
                    } catch {
                        if self.faults.failed(Self.faultName, error: error, at: self.clock.nowSeconds()) {
                            self.logger.error("traffic capture not running; probing goes on and the interface is tried again", metadata: ["error": "\(error)"])
                        }
                        if !loop.told { self.onStart(error as? CaptureError ?? CaptureError(.failed, operation: "starting the capture", message: "\(error)")) }
                        loop.told = true
                        // The source stays alive (its heartbeat) while it waits.
                        self.bus.publish(ObservationBatch(source: self.source, at: self.clock.nowSeconds()))
                        var wake = self.clock.monotonic() + loop.retry.failed()
                        if let until { wake = min(wake, until) }
                        try await self.clock.sleep(untilMonotonic: wake)
                        continue
                    }
                    loop.retry.succeeded()
                    if let f = self.faults.recovered(Self.faultName) {
                        self.logger.notice("traffic capture running again", metadata: ["since": "\(f.since)", "attempts": "\(f.attempts)"])
                    }
                    if !loop.told { self.onStart(nil) }
                    loop.told = true
                    loop.last = tap
                    let ended = try await self.count(tap, until: until)
                    guard let ended else { break }  // time is up
                    // The interface went away under the capture: keep what was counted, retry.
                    let transport = self.transport
                    await BlockingQueue.shared.run { transport.stop() }
                    self.publish(tap, upTo: .max, ended: false)
                    loop.last = nil
                    if self.faults.failed(Self.faultName, error: ended, at: self.clock.nowSeconds()) {
                        self.logger.error("traffic capture stopped; probing goes on and the interface is tried again", metadata: ["error": "\(ended)"])
                    }
                    var wake = self.clock.monotonic() + loop.retry.failed()
                    if let until { wake = min(wake, until) }
                    try await self.clock.sleep(untilMonotonic: wake)
                }
            }
        } catch is CancellationError {}
        // Joining the capture thread blocks (up to its read timeout): not on the cooperative pool.
        let transport = self.transport
        await BlockingQueue.shared.run { transport.stop() }
        if let last = loop.last {
            // The partial bucket too: the store adds a bucket written twice (after a restart).
            publish(last, upTo: .max, ended: true)
        } else {
            bus.publish(ObservationBatch(source: source, at: clock.nowSeconds(), ended: true))
        }
        if let until, clock.monotonic() >= until { await parkUntilShutdown() }
    }

    /// The run's own state, touched only by the task running `run`.
    final class Loop: @unchecked Sendable {
        var told = false
        var retry = StoreRetry(initial: CaptureService.retryFirst, maximum: CaptureService.retryMost)
        var last: TrafficTap?
    }

    /// First and longest wait between two attempts to (re)start the capture (seconds).
    static let retryFirst: Double = 5, retryMost: Double = 60
    /// The capture's name on the prober fault board (`pantau status`).
    public static let faultName = "capture"

    /// Counts until the capture fails (the error) or time is up (nil).
    func count(_ tap: TrafficTap, until: Double?) async throws -> CaptureError? {
        var next = boundary(after: clock.nowSeconds())
        var lastBeat = clock.nowSeconds()
        while !Task.isCancelled {
            if let until, clock.monotonic() >= until { return nil }
            let now = clock.nowSeconds()
            if now >= next + Self.grace {
                publish(tap, upTo: next, ended: false)
                next = boundary(after: now)
                lastBeat = now
            } else if now - lastBeat >= Self.heartbeat {
                // Long buckets: the source still shows it is alive, with the capture's counters.
                var beat = ObservationBatch(source: source, at: now)
                beat.capture = tap.statistics.withLock { $0 }
                bus.publish(beat)
                lastBeat = now
            }
            // An error ends the capture (retried by the caller); a file read to its end just stops counting.
            if let error = tap.ended.withLock({ $0.error }) { return error }
            var wake = clock.monotonic() + 1
            if let until { wake = min(wake, until) }
            try await clock.sleep(untilMonotonic: wake)
        }
        return nil
    }

    /// The first bucket boundary after `t`.
    func boundary(after t: EpochSeconds) -> EpochSeconds {
        let b = config.bucketSeconds
        return t - ((t % b) + b) % b + b
    }

    /// Hands over the buckets that ended by `upTo`, the window's top talkers and the counters.
    func publish(_ tap: TrafficTap, upTo: EpochSeconds, ended: Bool) {
        let (traffic, top) = tap.counter.withLock { c in (c.drain(upTo: upTo), c.takeTopTalkers(config.topTalkers)) }
        let stats = tap.statistics.withLock { $0 }
        let at = clock.nowSeconds()
        let bucket = (upTo == .max ? boundary(after: at) : upTo) - config.bucketSeconds
        var batch = ObservationBatch(source: source, at: at, ended: ended)
        batch.traffic = traffic
        batch.talkers = top.map {
            TalkerSample(bucket: bucket, source: IPv4Subnet.text($0.talker.source), destination: IPv4Subnet.text($0.talker.destination),
                         proto: $0.talker.proto, port: $0.talker.port, bytes: $0.bytes)
        }
        batch.capture = stats
        if stats.dropped > reportedDrops.withLock({ d in defer { d = max(d, stats.dropped) }; return d }) {
            logger.warning("the kernel dropped mirrored packets: Pantau did not read fast enough (raise capture.buffer_mb or narrow the filter)",
                           metadata: ["dropped": "\(stats.dropped)", "received": "\(stats.received)"])
        }
        bus.publish(batch)
    }
}
