import PantauCore

/// The latest measurement of a link, for `pantau status`.
public struct LinkLast: Sendable, Hashable {
    public var target: String
    public var at: EpochSeconds
    public var inBps: Double?
    public var outBps: Double?
    public var utilisationPct: Double?
    public var rxDbm: Double?
    public var txDbm: Double?
    public var opticalLevel: String?
    public var detail: String

    public init(target: String, at: EpochSeconds, inBps: Double?, outBps: Double?, utilisationPct: Double?, rxDbm: Double?, txDbm: Double?,
                opticalLevel: String?, detail: String) {
        self.target = target
        self.at = at
        self.inBps = inBps
        self.outBps = outBps
        self.utilisationPct = utilisationPct
        self.rxDbm = rxDbm
        self.txDbm = txDbm
        self.opticalLevel = opticalLevel
        self.detail = detail
    }
}

/// Rejected traps from one sender for one reason over a span.
public struct TrapRejectionCount: Sendable, Hashable {
    public var source: String
    public var reason: String
    public var count: Int
    public var first: EpochSeconds
    public var last: EpochSeconds

    public init(source: String, reason: String, count: Int, first: EpochSeconds, last: EpochSeconds) {
        self.source = source
        self.reason = reason
        self.count = count
        self.first = first
        self.last = last
    }
}
