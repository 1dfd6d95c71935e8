/// What probers measure and confirm, as plain values: written by the store, carried on the
/// observation bus.

/// A confirmed change of a target's state, to be recorded from `since` on.
public struct StateChange: Sendable, Hashable {
    public var target: String
    public var state: TargetState
    public var since: EpochSeconds

    public init(target: String, state: TargetState, since: EpochSeconds) {
        self.target = target
        self.state = state
        self.since = since
    }
}

/// One round's ICMP measurement of one target.
public struct ProbeSample: Sendable, Hashable, Codable {
    public var target: String
    public var at: EpochSeconds
    public var sent: Int
    public var received: Int
    public var rttsMs: [Double]
    public var jitterMs: Double?
    /// Why nothing was sent ("unresolved: …" when the site's host name did not resolve).
    public var note: String?

    public init(target: String, at: EpochSeconds, sent: Int, received: Int, rttsMs: [Double], jitterMs: Double?, note: String? = nil) {
        self.note = note
        self.target = target
        self.at = at
        self.sent = sent
        self.received = received
        self.rttsMs = rttsMs
        self.jitterMs = jitterMs
    }

    public var rttAvgMs: Double? { rttsMs.isEmpty ? nil : rttsMs.reduce(0, +) / Double(rttsMs.count) }
    public var lossPct: Double { sent == 0 ? 0 : Double(sent - received) * 100 / Double(sent) }
}

/// One poll's measurement of one link (rates from its `a` port, optical from the ports).
public struct LinkSample: Sendable, Hashable, Codable {
    public var target: String
    public var at: EpochSeconds
    public var inBps: Double?
    public var outBps: Double?
    public var utilisationPct: Double?
    public var rxDbm: Double?
    public var txDbm: Double?
    public var opticalLevel: String?
    /// Human-readable reason of the current verdict (port states, optical reasons).
    public var detail: String
    /// What this read said of the link's ports: up, down, or unknown (no SNMP answer, no such
    /// interface). Evidence for the correlator; nil when not from a read (a combined view).
    public var portState: TargetState?

    public init(target: String, at: EpochSeconds, inBps: Double? = nil, outBps: Double? = nil, utilisationPct: Double? = nil,
                rxDbm: Double? = nil, txDbm: Double? = nil, opticalLevel: String? = nil, detail: String = "", portState: TargetState? = nil) {
        self.portState = portState
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

/// An rx power reading of a port (`device/ifName`), for the baseline median.
public struct OpticalSample: Sendable, Hashable, Codable {
    public var port: String
    public var at: EpochSeconds
    public var rxDbm: Double
    public init(port: String, at: EpochSeconds, rxDbm: Double) {
        self.port = port
        self.at = at
        self.rxDbm = rxDbm
    }
}


/// One row of a history file (`target,state,from,to`), with its line for messages.
public struct HistoryRow: Sendable, Hashable {
    public var line: Int
    public var target: String
    public var state: TargetState
    public var range: TimeRange

    public init(line: Int, target: String, state: TargetState, range: TimeRange) {
        self.line = line
        self.target = target
        self.state = state
        self.range = range
    }
}
