import Foundation
import Logging
import PantauCore
import PantauBus
import ServiceLifecycle
import Synchronization

/// One thing that changed, as the browser hears it.
public enum LiveEvent: Sendable, Hashable {
    /// A site's or link's recorded state.
    case state(target: String, state: String, since: EpochSeconds, sites: [String])
    /// A ticket opened, changed or was acted on.
    case ticket(number: String, state: String, priority: String, sites: [String])

    /// The sites the event touches (who may hear it).
    var sites: [String] {
        switch self {
        case .state(_, _, _, let s), .ticket(_, _, _, let s): s
        }
    }
}

/// Fans the durable observation stream (what the store writer recorded) and ticket changes out
/// to live clients. Each client has a small buffer of its own: a slow browser loses its oldest
/// events (and reloads), never slows the engine. A `Service`: it reads the recorder's bus until
/// the engine shuts down, then ends every client's stream.
public final class LiveHub: Service, Sendable {
    struct Client { let access: Access; let continuation: AsyncStream<LiveEvent>.Continuation }
    let clients = Mutex<[UInt64: Client]>([:])
    /// Set while the web face shuts down: live streams end so the server can finish its requests.
    let closed = Mutex(false)
    let nextID = Atomic<UInt64>(0)
    let subscription = Mutex<ObservationSubscription?>(nil)
    let linkSites: [String: [String]]

    /// - Parameter recorded: the store writer's bus (`HistoryRecorder.recorded`): only what is durable goes out.
    public init(recorded: ObservationBus? = nil, inventory: Inventory) {
        if let recorded { subscription.withLock { $0 = recorded.subscribe("web-live") } }
        let topology = Topology(inventory)
        // A link's events go to whoever may see either end or a site behind it.
        linkSites = Dictionary(inventory.links.map { l in
            var seen = Set<String>()
            return (l.id, ([l.from, l.to] + topology.downstream(of: l)).filter { seen.insert($0).inserted })
        }, uniquingKeysWith: { a, _ in a })
    }

    /// Listens to `recorded` (the engine's store writer, built after the hub); before `run`.
    public func attach(_ recorded: ObservationBus) {
        subscription.withLock { $0 = recorded.subscribe("web-live") }
    }

    /// Tells live clients about every ticket change published on `feed`.
    public func listen(to feed: TicketFeed) {
        feed.listen { [weak self] n in
            self?.publish(.ticket(number: n.number, state: n.state, priority: n.priority, sites: n.sites))
        }
    }

    /// Number of connected live clients.
    public var clientCount: Int { clients.withLock { $0.count } }

    /// A new client's stream of the events `access` may see.
    public func subscribe(_ access: Access) -> AsyncStream<LiveEvent> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<LiveEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        guard !closed.withLock({ $0 }) else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in _ = self?.clients.withLock { $0.removeValue(forKey: id) } }
        clients.withLock { $0[id] = Client(access: access, continuation: continuation) }
        return stream
    }

    /// Counts recorded state changes: a figure computed at one generation is current until the next.
    public let generation = Atomic<UInt64>(0)

    public func publish(_ event: LiveEvent) {
        if case .state = event { generation.wrappingAdd(1, ordering: .relaxed) }
        for c in clients.withLock({ Array($0.values) }) where c.access.maySee(anyOf: event.sites) {
            c.continuation.yield(event)
        }
    }

    public func run() async throws {
        guard let subscription = subscription.withLock({ $0 }) else {
            try? await gracefulShutdown()
            finishAll()
            return
        }
        await withGracefulShutdownHandler {
            for await batch in subscription {
                for o in batch.observations where !o.provisional {
                    guard let change = o.stateChange, o.kind != .device else { continue }
                    let sites = o.kind == .link ? linkSites[o.element] ?? [] : [o.element]
                    publish(.state(target: o.element, state: change.state.rawValue, since: o.since, sites: sites))
                }
            }
        } onGracefulShutdown: {
            subscription.finish()
        }
        // The engine's stream ended (the engine stopped): live clients stay connected until the
        // web face itself shuts down (the demo keeps serving after its scenario).
        try? await gracefulShutdown()
        finishAll()
    }

    /// Ends every live stream and refuses new ones (the web face is shutting down: an open
    /// event stream would otherwise hold the server's graceful shutdown until the browser leaves).
    public func close() {
        closed.withLock { $0 = true }
        finishAll()
    }

    /// Accepts live clients again (a web face starting on this hub).
    public func open() { closed.withLock { $0 = false } }

    func finishAll() {
        for c in clients.withLock({ Array($0.values) }) { c.continuation.finish() }
    }
}
