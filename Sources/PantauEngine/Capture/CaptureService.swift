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
    /// A bucket is handed over this long after it ends (packets stamped just before the boundary).
    static let grace: Int64 = 2
    /// At most this long between two batches (a heartbeat when buckets are longer).
    static let heartbeat: Int64 = 30

    public init(inventory: Inventory, config: CaptureConfig, transport: any CaptureTransport, bus: ObservationBus, clock: any WallClock,
                logger: Logger, engine: String = "local", runFor: Double? = nil, onStart: @escaping @Sendable (CaptureError?) -> Void = { _ in }) {
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

    public func run() async throws {
        let map = SubnetMap(sites: inventory.sites)
        let tap = TrafficTap(map: map, bucketSeconds: config.bucketSeconds, interface: config.interface ?? "")
        do {
            try transport.start(tap)
        } catch let e as CaptureError {
            logger.error("traffic capture not started", metadata: ["error": "\(e)"])
            onStart(e)
            // Nothing to capture: wait for the end like the other services (on the engine's clock).
            if let until = runFor.map({ clock.monotonic() + $0 }) {
                try? await cancelWhenGracefulShutdown { try await self.clock.sleep(untilMonotonic: until) }
            }
            await parkUntilShutdown()
            return
        }
        onStart(nil)
        if map.isEmpty { logger.warning("no site has subnets: mirrored traffic is counted but not attributed to any OPD") }
        let start = clock.monotonic()
        let until = runFor.map { start + $0 }
        bus.publish(ObservationBatch(source: source, at: clock.nowSeconds()))
        do {
            try await cancelWhenGracefulShutdown {
                var next = self.boundary(after: self.clock.nowSeconds())
                var lastBeat = self.clock.nowSeconds()
                while !Task.isCancelled {
                    if let until, self.clock.monotonic() >= until { break }
                    let now = self.clock.nowSeconds()
                    if now >= next + Self.grace {
                        self.publish(tap, upTo: next, ended: false)
                        next = self.boundary(after: now)
                        lastBeat = now
                    } else if now - lastBeat >= Self.heartbeat {
                        // Long buckets: the source still shows it is alive, with the capture's counters.
                        var beat = ObservationBatch(source: self.source, at: now)
                        beat.capture = tap.statistics.withLock { $0 }
                        self.bus.publish(beat)
                        lastBeat = now
                    }
                    if let e = tap.ended.withLock({ $0.error }) {
                        self.logger.error("traffic capture stopped", metadata: ["error": "\(e)"])
                        break
                    }
                    var wake = self.clock.monotonic() + 1
                    if let until { wake = min(wake, until) }
                    try await self.clock.sleep(untilMonotonic: wake)
                }
            }
        } catch is CancellationError {}
        // Joining the capture thread blocks (up to its read timeout): not on the cooperative pool.
        let transport = self.transport
        await BlockingQueue.shared.run { transport.stop() }
        // The partial bucket too: the store adds a bucket written twice (after a restart).
        publish(tap, upTo: .max, ended: true)
        if let until, clock.monotonic() >= until { await parkUntilShutdown() }
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
