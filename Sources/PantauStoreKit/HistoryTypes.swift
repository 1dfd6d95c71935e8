import PantauCore

/// A target's current state as recorded, with its last measurement.
public struct TargetStatus: Sendable, Hashable {
    public var target: String
    public var state: TargetState
    public var since: EpochSeconds?
    /// Last heartbeat of the session that holds this state (nil if none).
    public var lastSeen: EpochSeconds?
    /// True when the session holding the state has ended (engine stopped or crashed).
    public var sessionEnded: Bool
    public var lastProbeAt: EpochSeconds?
    public var rttMs: Double?
    public var lossPct: Double?
    public var jitterMs: Double?
    /// Why the last round sent nothing (e.g. "unresolved: …").
    public var note: String?

    public init(target: String, state: TargetState, since: EpochSeconds?, lastSeen: EpochSeconds?, sessionEnded: Bool,
                lastProbeAt: EpochSeconds?, rttMs: Double?, lossPct: Double?, jitterMs: Double?, note: String? = nil) {
        self.target = target
        self.state = state
        self.since = since
        self.lastSeen = lastSeen
        self.sessionEnded = sessionEnded
        self.lastProbeAt = lastProbeAt
        self.rttMs = rttMs
        self.lossPct = lossPct
        self.jitterMs = jitterMs
        self.note = note
    }
}

/// A probe's measurements over time, for charts.
public protocol SeriesStore: Sendable {
    /// Five-minute ICMP buckets of `target` in `range`: mean RTT (nil: no reply) and loss.
    func icmpSeries(target: String, range: TimeRange) async throws -> [ICMPBucket]
}

/// One five-minute ICMP bucket.
public struct ICMPBucket: Sendable, Hashable, Codable {
    public var start: EpochSeconds
    public var rttMs: Double?
    public var lossPct: Double

    public init(start: EpochSeconds, rttMs: Double?, lossPct: Double) {
        self.start = start
        self.rttMs = rttMs
        self.lossPct = lossPct
    }
}
