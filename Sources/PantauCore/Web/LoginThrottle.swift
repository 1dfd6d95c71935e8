/// Login throttling, per user name and per client address: after `freeFailures` failures in
/// `window` seconds, each further attempt must wait, doubling from `baseDelay` up to `maxDelay`.
/// A success clears the key. A value (no clock, no I/O): the caller passes the time.
public struct LoginThrottle: Sendable {
    public var freeFailures = 5
    public var window: EpochSeconds = 900
    public var baseDelay: EpochSeconds = 30
    public var maxDelay: EpochSeconds = 900
    /// Keys kept at most (oldest dropped first), so a spray of names cannot grow memory.
    public var maxKeys = 10_000

    struct Entry { var failures: [EpochSeconds]; var blockedUntil: EpochSeconds }
    var entries: [String: Entry] = [:]

    public init() {}

    /// Seconds to wait before `key` may try again (0: may try now).
    public func wait(_ key: String, now: EpochSeconds) -> EpochSeconds {
        guard let e = entries[key] else { return 0 }
        return max(0, e.blockedUntil - now)
    }

    /// Records a failed attempt.
    public mutating func failed(_ key: String, now: EpochSeconds) {
        var e = entries[key] ?? Entry(failures: [], blockedUntil: 0)
        e.failures = e.failures.filter { now - $0 < window } + [now]
        let over = e.failures.count - freeFailures
        if over >= 0 {
            let delay = min(maxDelay, baseDelay << EpochSeconds(min(over, 20)))
            e.blockedUntil = now + delay
        }
        entries[key] = e
        if entries.count > maxKeys {
            let oldest = entries.min { ($0.value.failures.last ?? 0) < ($1.value.failures.last ?? 0) }
            if let oldest { entries[oldest.key] = nil }
        }
    }

    /// A successful login clears the key's failures.
    public mutating func succeeded(_ key: String) { entries[key] = nil }
}
