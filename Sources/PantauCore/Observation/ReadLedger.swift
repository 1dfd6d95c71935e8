/// A target without a good read within its interval, as a cycle report names it.
public struct UnreadTarget: Sendable, Hashable, Codable {
    public var id: String
    /// Its last good read (epoch seconds), nil when it was never read.
    public var lastRead: Double?
    /// Why: the last failure, or that it was never polled.
    public var why: String

    public init(id: String, lastRead: Double?, why: String) {
        self.id = id
        self.lastRead = lastRead
        self.why = why
    }
}

/// Every target of a prober and its last good read: the count `status` shows is against this
/// whole list, never against what answered.
public struct ReadLedger: Sendable {
    struct Entry: Sendable {
        var id: String
        /// How long a good read stays current (seconds).
        var window: Double
        var lastGood: Double?
        var lastFailure: String?
        var polled = false
    }
    var entries: [Entry] = []
    var index: [String: Int] = [:]
    /// When the prober started (a target never read is unread from its first window on).
    public let since: Double

    public init(since: Double) { self.since = since }

    public var count: Int { entries.count }

    /// Adds a target that is current for `window` seconds after a good read.
    public mutating func add(_ id: String, window: Double) {
        index[id] = entries.count
        entries.append(Entry(id: id, window: window))
    }

    /// Records a poll's outcome (nil failure: a good read) at `at` (epoch seconds).
    public mutating func record(_ id: String, at: Double, failure: String?) {
        guard let k = index[id] else { return }
        entries[k].polled = true
        if let failure { entries[k].lastFailure = failure } else {
            entries[k].lastGood = max(entries[k].lastGood ?? at, at)
            entries[k].lastFailure = nil
        }
    }

    /// The targets without a good read within their window at `now`, oldest read first.
    public func unread(now: Double) -> [UnreadTarget] {
        var out: [UnreadTarget] = []
        for e in entries {
            let from = e.lastGood ?? since
            guard now - from > e.window else { continue }
            let why = e.lastFailure ?? (e.polled ? "not polled since its last read" : "never polled")
            out.append(UnreadTarget(id: e.id, lastRead: e.lastGood, why: why))
        }
        return out.sorted { ($0.lastRead ?? -.infinity, $0.id) < ($1.lastRead ?? -.infinity, $1.id) }
    }
}
