/// A set of instants stored as sorted, disjoint, non-adjacent half-open ranges.
///
/// All availability arithmetic is done with these sets: union, intersection and
/// difference are exact, so every second is counted once and only once.
public struct IntervalSet: Hashable, Sendable, CustomStringConvertible {
    /// Sorted, disjoint, non-empty, non-touching ranges.
    public private(set) var ranges: [TimeRange]

    public init() { ranges = [] }

    /// Builds a normalized set from ranges in any order, overlapping or not.
    public init<S: Sequence>(_ input: S) where S.Element == TimeRange {
        let sorted = input.filter { !$0.isEmpty }.sorted()
        var out: [TimeRange] = []
        out.reserveCapacity(sorted.count)
        for r in sorted {
            if let last = out.last, r.start <= last.end {
                out[out.count - 1].end = max(last.end, r.end)
            } else {
                out.append(r)
            }
        }
        ranges = out
    }

    public init(_ range: TimeRange) { self.init([range]) }

    /// Total number of seconds in the set.
    public var total: Int64 { ranges.reduce(0) { $0 + $1.duration } }
    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ t: EpochSeconds) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].end <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].contains(t)
    }

    public func union(_ other: IntervalSet) -> IntervalSet {
        IntervalSet(ranges + other.ranges)
    }

    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var out: [TimeRange] = []
        var i = 0, j = 0
        while i < ranges.count && j < other.ranges.count {
            let a = ranges[i], b = other.ranges[j]
            let s = max(a.start, b.start), e = min(a.end, b.end)
            if s < e { out.append(TimeRange(s, e)) }
            if a.end < b.end { i += 1 } else { j += 1 }
        }
        var result = IntervalSet()
        result.ranges = out
        return result
    }

    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        var out: [TimeRange] = []
        var j = 0
        for r in ranges {
            var cur = r.start
            while j < other.ranges.count && other.ranges[j].end <= cur { j += 1 }
            var k = j
            while k < other.ranges.count && other.ranges[k].start < r.end {
                let cut = other.ranges[k]
                if cut.start > cur { out.append(TimeRange(cur, cut.start)) }
                cur = max(cur, cut.end)
                if cut.end > r.end { break }
                k += 1
            }
            if cur < r.end { out.append(TimeRange(cur, r.end)) }
        }
        var result = IntervalSet()
        result.ranges = out
        return result
    }

    public func clamped(to window: TimeRange) -> IntervalSet {
        intersection(IntervalSet(window))
    }

    public var description: String { ranges.map(\.description).joined(separator: " ") }
}
