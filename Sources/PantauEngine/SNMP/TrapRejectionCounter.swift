import PantauCore
import PantauStoreKit

/// Rejected notifications counted in memory between two writes. Bounded: past `maxKeys`
/// distinct (sender, reason) pairs, further senders are counted under "other", so a flood of
/// spoofed traps from random addresses costs fixed memory and one write a minute.
struct TrapRejectionCounter: Sendable {
    var counts: [String: TrapRejectionCount] = [:]
    let maxKeys = 1024
    /// Pairs already logged once (bounded the same way).
    var logged: Set<String> = []

    /// Counts one (or `times`) rejection(s); returns true the first time this pair is seen.
    @discardableResult
    mutating func count(source: String, reason: String, at: EpochSeconds, times: Int = 1, first: EpochSeconds? = nil) -> Bool {
        var src = source.isEmpty ? "?" : source
        if counts["\(src) \(reason)"] == nil && counts.count >= maxKeys { src = "other" }
        let key = "\(src) \(reason)"
        if var c = counts[key] {
            c.count += times
            c.last = max(c.last, at)
            c.first = min(c.first, first ?? at)
            counts[key] = c
        } else {
            counts[key] = TrapRejectionCount(source: src, reason: reason, count: times, first: first ?? at, last: at)
        }
        guard logged.count < maxKeys else { return false }
        return logged.insert(key).inserted
    }

    /// The counts since the last take, sorted, and a fresh start.
    mutating func take() -> [TrapRejectionCount] {
        defer { counts = [:] }
        return counts.values.sorted { ($0.source, $0.reason) < ($1.source, $1.reason) }
    }
}
