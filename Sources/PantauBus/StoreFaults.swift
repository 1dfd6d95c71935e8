import PantauCore
import Synchronization

/// The store faults of every long-running service of one process (the correlator, the
/// bandwidth tests, the outbox, the escalation): each service says when a store call failed and
/// when one worked again. The board keeps one entry per failing service, so the log says it
/// once per episode and `pantau status` (through the health file) and the dashboard show it
/// while it lasts. A store error never ends a service: it retries with `StoreRetry`.
public final class StoreFaultBoard: Sendable {
    let faults = Mutex<[String: StoreFault]>([:])
    let listeners = Mutex<[@Sendable ([String: StoreFault]) -> Void]>([])

    public init() {}

    /// Records a failed store call of `service`; true when this starts an episode (log it then).
    @discardableResult
    public func failed(_ service: String, error: any Error, at: EpochSeconds) -> Bool {
        let (first, all) = faults.withLock { f -> (Bool, [String: StoreFault]) in
            if var existing = f[service] {
                existing.error = "\(error)"
                existing.attempts += 1
                f[service] = existing
                return (false, f)
            }
            f[service] = StoreFault(since: at, error: "\(error)", attempts: 1)
            return (true, f)
        }
        if first { notify(all) }
        return first
    }

    /// A store call of `service` worked: the episode that was running, if any (log its end).
    @discardableResult
    public func recovered(_ service: String) -> StoreFault? {
        let (ended, all) = faults.withLock { f -> (StoreFault?, [String: StoreFault]) in (f.removeValue(forKey: service), f) }
        if ended != nil { notify(all) }
        return ended
    }

    /// The services failing now.
    public var current: [String: StoreFault] { faults.withLock { $0 } }

    /// Called with the whole board whenever a service starts or ends failing.
    public func onChange(_ listener: @escaping @Sendable ([String: StoreFault]) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    func notify(_ all: [String: StoreFault]) {
        for l in listeners.withLock({ $0 }) { l(all) }
    }
}

/// Backoff for a service retrying the store: 1 s, doubling to at most 30 s.
public struct StoreRetry: Sendable, Hashable {
    public var initial: Double
    public var maximum: Double
    public private(set) var next: Double

    public init(initial: Double = 1, maximum: Double = 30) {
        self.initial = initial
        self.maximum = maximum
        next = initial
    }

    /// The wait before the next attempt (doubling each time).
    public mutating func failed() -> Double {
        defer { next = min(next * 2, maximum) }
        return next
    }

    public mutating func succeeded() { next = initial }
}
