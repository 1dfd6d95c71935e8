import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle

/// Feeds the central correlator from the shared store: woken by the store's notifications
/// (PostgreSQL `LISTEN/NOTIFY`, no polling loop), and on a slow beat (an engine that falls
/// silent changes the combined view without writing anything), it reads the combined view and
/// publishes what changed as observations on the correlator's bus. The correlator then works as
/// it does beside one engine; the times are the engines' own (replayed spools included).
public final class CentralFeed: Service, Sendable {
    let source: any CorrelationSource
    let bus: ObservationBus
    let inventory: Inventory
    let clock: any WallClock
    let logger: Logger
    let beat: Double
    let watchedLinks: Set<String>
    /// Where a failing store is said, once per episode.
    public let faults: StoreFaultBoard
    public static let serviceName = "central feed"

    public init(source: any CorrelationSource, bus: ObservationBus, inventory: Inventory, clock: any WallClock, logger: Logger, beat: Double = 5,
                faults: StoreFaultBoard = StoreFaultBoard()) {
        self.faults = faults
        self.source = source
        self.bus = bus
        self.inventory = inventory
        self.clock = clock
        self.logger = logger
        self.beat = beat
        watchedLinks = Set(inventory.links.map(\.id))
    }

    /// The observations that turn `old` into `new` (pure: tested without a store).
    public static func changes(from old: CombinedView, to new: CombinedView, links: Set<String>, at: EpochSeconds) -> ObservationBatch {
        let central = ObservationSource(.icmp, engine: "central")
        var out: [Observation] = []
        for id in Set(old.states.keys).union(new.states.keys).sorted() {
            let was = old.states[id]?.state ?? .unknown, now = new.states[id]?.state ?? .unknown
            guard was != now else { continue }
            out.append(Observation(kind: links.contains(id) ? .link : .site, element: id, source: central, what: .state(from: was, to: now),
                                   since: new.states[id]?.since ?? at, evidence: new.linkDetail[id] ?? ""))
        }
        for id in Set(old.degraded.keys).union(new.degraded.keys).sorted() where old.degraded[id] != new.degraded[id] {
            out.append(Observation(kind: links.contains(id) ? .link : .site, element: id, source: central,
                                   what: .degradation(reason: new.degraded[id]?.reason), since: new.degraded[id]?.since ?? at))
        }
        var details = new.linkDetail.filter { old.linkDetail[$0.key] != $0.value && new.portReads[$0.key] == nil }.sorted { $0.key < $1.key }.map {
            LinkSample(target: $0.key, at: at, detail: $0.value)
        }
        // A newer port read is evidence for a silent site's cause: passed on with its own time.
        details += new.portReads.filter { old.portReads[$0.key] != $0.value }.sorted { $0.key < $1.key }.map {
            LinkSample(target: $0.key, at: $0.value.at, detail: $0.value.detail, portState: $0.value.state)
        }
        return ObservationBatch(source: central, at: at, observations: out, linkSamples: details)
    }

    func failed(_ error: any Error) {
        if faults.failed(Self.serviceName, error: error, at: clock.nowSeconds()) {
            logger.error("central store not readable; the correlator keeps the last view and retries", metadata: ["error": "\(error)"])
        }
    }

    public func run() async throws {
        let wake = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            try await cancelWhenGracefulShutdown { try await self.watch(wake) }
        } catch is CancellationError {}
    }

    func watch(_ wake: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // A lost notification channel is listened to again, with backoff; the beat
                // below keeps the view fresh meanwhile.
                var retry = StoreRetry()
                while !Task.isCancelled {
                    do {
                        try await self.source.waitForChanges(on: [.observations]) { wake.continuation.yield() }
                        throw PantauError(.storage, operation: "listening for the engines' changes", subject: "the central store",
                                          message: "the notification channel ended")
                    } catch is CancellationError { throw CancellationError() } catch {
                        self.failed(error)
                        try await self.clock.sleep(untilMonotonic: self.clock.monotonic() + retry.failed())
                    }
                }
            }
            group.addTask {
                // The slow beat: an engine that falls silent changes the view without a word.
                while !Task.isCancelled {
                    try await self.clock.sleep(untilMonotonic: self.clock.monotonic() + self.beat)
                    wake.continuation.yield()
                }
            }
            group.addTask {
                var last = CombinedView()
                wake.continuation.yield()
                for await _ in wake.stream {
                    if Task.isCancelled { break }
                    let view: CombinedView
                    do { view = try await self.source.combinedView() } catch is CancellationError { break } catch {
                        self.failed(error)  // the next beat or notification reads it again
                        continue
                    }
                    if let f = self.faults.recovered(Self.serviceName) {
                        self.logger.notice("central store readable again; the combined view is current", metadata: ["since": "\(f.since)"])
                    }
                    let batch = Self.changes(from: last, to: view, links: self.watchedLinks, at: self.clock.nowSeconds())
                    last = view
                    if !batch.observations.isEmpty || !batch.linkSamples.isEmpty {
                        self.logger.info("combined view changed", metadata: ["observations": "\(batch.observations.count)"])
                        self.bus.publish(batch)
                    }
                }
            }
            // Only cancellation (a shutdown) ends the feed: store errors are said and retried.
            try await group.next()
            group.cancelAll()
        }
    }
}
