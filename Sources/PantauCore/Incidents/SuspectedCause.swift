/// What most likely broke, as shown on a gangguan ticket.
public enum SuspectedCause: String, Sendable, Hashable, CaseIterable {
    /// An FO link's port went oper-down or lost light.
    case foCut = "fo-cut"
    /// A non-FO link (radio, copper, ISP) went down.
    case uplinkDown = "uplink-down"
    /// The link port toward the site is up but the site does not answer: its device is off
    /// (power not switched back on) or hung.
    case opdDeviceOrPower = "opd-device-or-power"
    /// The site does not answer and no port reading taken after the failure tells a cut from a
    /// power failure (no SNMP on its path, no answer from the device, or not read yet).
    case siteDown = "site-down"
    /// Loss or latency above threshold, optical power low or dropping.
    case degraded
    /// An OPD reported a disruption the monitoring does not see (the site answers, or is not
    /// watched): what the report says, nothing more.
    case reported

    /// Indonesian wording for tickets and messages.
    public var textID: String {
        switch self {
        case .foCut: "FO putus"
        case .uplinkDown: "jalur uplink putus"
        case .opdDeviceOrPower: "perangkat/listrik OPD mati"
        case .siteDown: "situs tidak menjawab, penyebab belum pasti"
        case .degraded: "kualitas menurun"
        case .reported: "dilaporkan OPD"
        }
    }

    /// English wording.
    public var textEN: String {
        switch self {
        case .foCut: "fibre cut"
        case .uplinkDown: "uplink down"
        case .opdDeviceOrPower: "OPD device or power off"
        case .siteDown: "site not answering, cause not yet certain"
        case .degraded: "degraded"
        case .reported: "reported by the OPD"
        }
    }
}

/// The state of one watched element (a site by ICMP, a link by SNMP) as the correlator sees it.
public struct ElementState: Sendable, Hashable {
    public var state: TargetState
    public var since: EpochSeconds
    /// Why, in the probe's words ("kota-sw1/Gi0/2 admin-up, oper-down", "3/3 lost").
    public var detail: String

    public init(_ state: TargetState, since: EpochSeconds, detail: String = "") {
        self.state = state
        self.since = since
        self.detail = detail
    }
}

/// Everything the correlator needs at one instant: confirmed states and degradations.
public struct NetworkSnapshot: Sendable, Hashable {
    /// Sites watched by ICMP, by id.
    public var sites: [String: ElementState]
    /// Links watched by SNMP, by id.
    public var links: [String: ElementState]
    /// Elements (site or link id) degraded but not down: the reason and since when.
    public var degraded: [String: Degradation]
    /// When each site last answered ICMP (the start of its latest round with a reply).
    public var answeredAt: [String: EpochSeconds]
    /// The latest SNMP read of each watched link's ports: when, and what it said. A cause rests
    /// on reads taken after the failure, never on an older one.
    public var portReads: [String: PortRead]

    public init(sites: [String: ElementState] = [:], links: [String: ElementState] = [:], degraded: [String: Degradation] = [:],
                answeredAt: [String: EpochSeconds] = [:], portReads: [String: PortRead] = [:]) {
        self.portReads = portReads
        self.sites = sites
        self.links = links
        self.degraded = degraded
        self.answeredAt = answeredAt
    }
}

/// A degradation in force: why, and since when (not when the element came up).
public struct Degradation: Sendable, Hashable {
    public var reason: String
    public var since: EpochSeconds
    public init(_ reason: String, since: EpochSeconds) {
        self.reason = reason
        self.since = since
    }
}

/// One SNMP read of a link's ports: up, down, or unknown (the device did not answer, or has no
/// such port), with the probe's words for it.
public struct PortRead: Sendable, Hashable {
    public var at: EpochSeconds
    public var state: TargetState
    public var detail: String
    public init(at: EpochSeconds, state: TargetState, detail: String) {
        self.at = at
        self.state = state
        self.detail = detail
    }
}
