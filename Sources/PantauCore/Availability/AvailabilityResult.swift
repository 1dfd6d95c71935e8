/// The availability of one target over one span, with the intervals behind every number.
public struct AvailabilityResult: Sendable, Hashable {
    public var target: String
    /// The span judged (e.g. a local month).
    public var span: TimeRange
    public var scheduled: IntervalSet
    public var maintenance: IntervalSet
    public var up: IntervalSet
    public var down: IntervalSet
    public var unreachable: IntervalSet
    public var unknown: IntervalSet
    /// Target percentage (e.g. 90).
    public var targetPct: Double

    public var scheduledSeconds: Int64 { scheduled.total }
    public var maintenanceSeconds: Int64 { maintenance.total }
    public var upSeconds: Int64 { up.total }
    public var downSeconds: Int64 { down.total }
    public var unreachableSeconds: Int64 { unreachable.total }
    public var unknownSeconds: Int64 { unknown.total }

    /// `up / (scheduled - maintenance)`; nil when that is zero.
    public var availability: Ratio? { Ratio(upSeconds, scheduledSeconds - maintenanceSeconds) }
    /// `up / (scheduled - maintenance - unknown)`; nil when that is zero.
    public var knownAvailability: Ratio? {
        Ratio(upSeconds, scheduledSeconds - maintenanceSeconds - unknownSeconds)
    }
    /// `known_availability >= target`; nil when there is no known time at all.
    public var meetsTarget: Bool? { knownAvailability.map { $0.percentAtLeast(targetPct) } }
}

/// An exact fraction of seconds, printed as a percentage without floating-point drift.
public struct Ratio: Sendable, Hashable {
    public let numerator: Int64
    public let denominator: Int64

    public init?(_ numerator: Int64, _ denominator: Int64) {
        guard denominator > 0 else { return nil }
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The percentage rounded half-up to `decimals` places, as text (e.g. `97.5000`).
    public func percentString(decimals: Int = 4) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        // round(n * 100 * scale / d) with integers, half away from zero (values are >= 0)
        let num = numerator * 100 * scale
        let scaled = (2 * num + denominator) / (2 * denominator)
        let whole = scaled / scale
        let frac = scaled % scale
        guard decimals > 0 else { return "\(whole)" }
        let f = String(frac)
        return "\(whole).\(String(repeating: "0", count: decimals - f.count))\(f)"
    }

    public var percent: Double { Double(numerator) * 100 / Double(denominator) }

    /// Exact comparison `numerator/denominator*100 >= pct`, with pct given to 6 decimals.
    public func percentAtLeast(_ pct: Double) -> Bool {
        let micro = Int64((pct * 1_000_000).rounded())
        return numerator * 100_000_000 >= micro * denominator
    }
}
