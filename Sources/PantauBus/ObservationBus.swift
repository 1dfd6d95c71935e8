import PantauCore
import Synchronization

/// The one typed stream every prober publishes on: each subscriber (the store writer, the
/// correlator, the console, later the web's live view) gets every batch, in publish order,
/// in its own unbounded mailbox. Publishing never waits, so a slow subscriber (a store that
/// is failing, a browser) never stalls a prober.
public final class ObservationBus: Sendable {
    let subscribers = Mutex<[ObservationSubscription]>([])

    public init() {}

    /// A new mailbox that receives every batch published from now on.
    /// `bell` rings for each delivered batch that `ringsFor` accepts (a subscriber that drains
    /// on its own beat sleeps until then instead of polling its mailbox).
    public func subscribe(_ name: String, ringing bell: Doorbell? = nil,
                          ringsFor: @escaping @Sendable (ObservationBatch) -> Bool = { _ in true }) -> ObservationSubscription {
        let s = ObservationSubscription(name: name, bell: bell.map { ($0, ringsFor) })
        subscribers.withLock { $0.append(s) }
        return s
    }

    /// Removes a mailbox (its owner stopped reading: it must not grow).
    public func unsubscribe(_ s: ObservationSubscription) {
        subscribers.withLock { $0.removeAll { $0 === s } }
    }

    /// Delivers `batch` to every subscriber (any thread, never blocks).
    public func publish(_ batch: ObservationBatch) {
        for s in subscribers.withLock({ $0 }) { s.deliver(batch) }
    }

    /// Ends every subscription once it has been read to the end.
    public func finish() {
        for s in subscribers.withLock({ $0 }) { s.finish() }
    }
}

/// One subscriber's mailbox on the bus: an async sequence of batches, plus `drain()` for a
/// subscriber that works on its own beat (the correlator takes everything pending when it
/// evaluates).
public final class ObservationSubscription: Sendable, AsyncSequence {
    public typealias Element = ObservationBatch

    struct State {
        var queue: [ObservationBatch] = []
        var head = 0
        var waiter: CheckedContinuation<ObservationBatch?, Never>?
        var finished = false
    }

    public let name: String
    let state = Mutex(State())
    let bell: (bell: Doorbell, ringsFor: @Sendable (ObservationBatch) -> Bool)?

    init(name: String, bell: (Doorbell, @Sendable (ObservationBatch) -> Bool)? = nil) {
        self.name = name
        self.bell = bell
    }

    func deliver(_ batch: ObservationBatch) {
        let waiter = state.withLock { s -> CheckedContinuation<ObservationBatch?, Never>? in
            guard !s.finished else { return nil }
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.queue.append(batch)
            return nil
        }
        waiter?.resume(returning: batch)
        if let bell, bell.ringsFor(batch) { bell.bell.ring() }
    }

    /// No more batches will be accepted; what is queued is still read.
    public func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<ObservationBatch?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything queued now, without waiting.
    public func drain() -> [ObservationBatch] {
        state.withLock { s in
            defer { s.queue.removeAll(keepingCapacity: true); s.head = 0 }
            return Array(s.queue[s.head...])
        }
    }

    /// Batches queued and not yet read.
    public var backlog: Int { state.withLock { $0.queue.count - $0.head } }

    /// The next batch, waiting for one; nil once finished and read to the end, or when the
    /// waiting task is cancelled.
    public func next() async -> ObservationBatch? {
        if let b = state.withLock({ Self.pop(&$0) }) { return b }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<ObservationBatch?, Never>) in
                let ready = state.withLock { s -> (ObservationBatch?, Bool) in
                    if let b = Self.pop(&s) { return (b, true) }
                    if s.finished || Task.isCancelled { return (nil, true) }
                    s.waiter = c
                    return (nil, false)
                }
                if ready.1 { c.resume(returning: ready.0) }
            }
        } onCancel: {
            let w = state.withLock { s -> CheckedContinuation<ObservationBatch?, Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            w?.resume(returning: nil)
        }
    }

    static func pop(_ s: inout State) -> ObservationBatch? {
        guard s.head < s.queue.count else { return nil }
        let b = s.queue[s.head]
        s.head += 1
        if s.head > 1024 {
            s.queue.removeFirst(s.head)
            s.head = 0
        }
        return b
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: ObservationSubscription
        public mutating func next() async -> ObservationBatch? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
