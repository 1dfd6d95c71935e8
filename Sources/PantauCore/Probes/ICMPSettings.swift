/// How one site is pinged: resolved from `probes/icmp.yaml` defaults and overrides.
public struct ICMPSettings: Sendable, Hashable {
    /// Seconds between the starts of two rounds.
    public var intervalSeconds: Int
    /// Echo requests sent per round.
    public var packets: Int
    /// How long to wait for the replies of a round after its last request, in milliseconds.
    public var timeoutMs: Int
    /// Gap between the packets of one round to the same target, in milliseconds.
    public var packetGapMs: Int
    /// Consecutive failed rounds (no reply at all) that confirm down.
    public var roundsToConfirmDown: Int
    /// Consecutive answered rounds that confirm up.
    public var roundsToConfirmUp: Int
    /// Loss (percent) above which a round counts as degraded (reported, not down).
    public var lossWarnPct: Double
    /// Average RTT (ms) above which a round counts as degraded.
    public var rttWarnMs: Double

    public init(intervalSeconds: Int = 30, packets: Int = 3, timeoutMs: Int = 1000, packetGapMs: Int = 20,
                roundsToConfirmDown: Int = 3, roundsToConfirmUp: Int = 2, lossWarnPct: Double = 20, rttWarnMs: Double = 150) {
        self.intervalSeconds = intervalSeconds
        self.packets = packets
        self.timeoutMs = timeoutMs
        self.packetGapMs = packetGapMs
        self.roundsToConfirmDown = roundsToConfirmDown
        self.roundsToConfirmUp = roundsToConfirmUp
        self.lossWarnPct = lossWarnPct
        self.rttWarnMs = rttWarnMs
    }

    public var confirmPolicy: ConfirmPolicy {
        ConfirmPolicy(roundsToConfirmDown: roundsToConfirmDown, roundsToConfirmUp: roundsToConfirmUp)
    }
}

/// A partial `ICMPSettings`: only the keys a role or site overrides.
public struct ICMPOverride: Sendable, Hashable {
    public var intervalSeconds: Int?
    public var packets: Int?
    public var timeoutMs: Int?
    public var packetGapMs: Int?
    public var roundsToConfirmDown: Int?
    public var roundsToConfirmUp: Int?
    public var lossWarnPct: Double?
    public var rttWarnMs: Double?

    public init() {}

    public func applied(to base: ICMPSettings) -> ICMPSettings {
        var s = base
        if let v = intervalSeconds { s.intervalSeconds = v }
        if let v = packets { s.packets = v }
        if let v = timeoutMs { s.timeoutMs = v }
        if let v = packetGapMs { s.packetGapMs = v }
        if let v = roundsToConfirmDown { s.roundsToConfirmDown = v }
        if let v = roundsToConfirmUp { s.roundsToConfirmUp = v }
        if let v = lossWarnPct { s.lossWarnPct = v }
        if let v = rttWarnMs { s.rttWarnMs = v }
        return s
    }
}

/// Everything in `probes/`: defaults, then per-role, then per-site overrides (most specific wins).
public struct ProbeConfig: Sendable, Hashable {
    public var icmpDefaults: ICMPSettings
    public var icmpByRole: [SiteRole: ICMPOverride]
    public var icmpBySite: [String: ICMPOverride]
    /// Upper bound on echo requests sent per second by the whole engine.
    public var sendRatePerSecond: Int
    /// How often sites given by host name are resolved again (seconds).
    public var resolveIntervalSeconds = 300

    public init(icmpDefaults: ICMPSettings = ICMPSettings(), icmpByRole: [SiteRole: ICMPOverride] = [:],
                icmpBySite: [String: ICMPOverride] = [:], sendRatePerSecond: Int = 20_000) {
        self.icmpDefaults = icmpDefaults
        self.icmpByRole = icmpByRole
        self.icmpBySite = icmpBySite
        self.sendRatePerSecond = sendRatePerSecond
    }

    /// The effective settings for a site.
    public func icmp(for site: Site) -> ICMPSettings {
        var s = icmpDefaults
        if let r = icmpByRole[site.role] { s = r.applied(to: s) }
        if let o = icmpBySite[site.id] { s = o.applied(to: s) }
        return s
    }
}
