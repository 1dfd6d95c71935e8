/// Seconds since 1970-01-01T00:00:00Z. All recorded history and availability math use
/// whole seconds so that every figure is exact and reproducible.
public typealias EpochSeconds = Int64

/// A half-open span of time `[start, end)` in epoch seconds.
public struct TimeRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var start: EpochSeconds
    public var end: EpochSeconds

    public init(_ start: EpochSeconds, _ end: EpochSeconds) {
        self.start = start
        self.end = end
    }

    /// Length in seconds (zero for an empty or inverted range).
    public var duration: Int64 { max(0, end - start) }
    public var isEmpty: Bool { end <= start }

    public func contains(_ t: EpochSeconds) -> Bool { t >= start && t < end }

    public func overlaps(_ other: TimeRange) -> Bool { start < other.end && other.start < end }

    public func clamped(to other: TimeRange) -> TimeRange {
        TimeRange(max(start, other.start), min(end, other.end))
    }

    public static func < (a: TimeRange, b: TimeRange) -> Bool {
        (a.start, a.end) < (b.start, b.end)
    }

    public var description: String { "[\(start), \(end))" }
}
