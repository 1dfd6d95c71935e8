/// Which prober, in which engine instance, saw something. Each source has its own heartbeat:
/// a site's state is vouched for only while the source that recorded it keeps beating.
public struct ObservationSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The probers Pantau has; a new prober adds a case and a sibling service.
    public enum Prober: String, Sendable, Hashable, Codable, CaseIterable {
        case icmp, snmp, bandwidth, capture

        /// The heartbeat of a prober whose batches do not follow a probe interval (seconds; nil:
        /// ICMP and SNMP beat with their configured intervals). `status` calls a source stale
        /// from its own beat, never from another prober's interval.
        public var heartbeatSeconds: Int64? {
            switch self {
            case .icmp, .snmp: nil
            case .bandwidth, .capture: 30
            }
        }
    }

    public var prober: Prober
    /// The engine instance (`pantau run --engine ID`; "local" for a single-office install).
    public var engine: String

    public init(_ prober: Prober, engine: String = "local") {
        self.prober = prober
        self.engine = engine
    }

    /// "icmp@local".
    public var description: String { "\(prober.rawValue)@\(engine)" }
}

/// What kind of element an observation is about.
public enum ElementKind: String, Sendable, Hashable, Codable {
    case site, link, device
}

/// One thing a prober learned about one element: a confirmed state change, or a degradation
/// starting or clearing. Published on the observation bus; the store writer, the correlator
/// and the live views subscribe.
public struct Observation: Sendable, Hashable, Codable {
    public enum What: Sendable, Hashable, Codable {
        /// A state change, in force from `since`. `from == to` is a confirmation: a poll read
        /// the state a trap had set (the state itself did not change).
        case state(from: TargetState, to: TargetState)
        /// Degraded from `since` for `reason`; `nil`: the degradation cleared at `since`.
        case degradation(reason: String?)
    }

    public var kind: ElementKind
    public var element: String
    public var source: ObservationSource
    public var what: What
    public var since: EpochSeconds
    /// The facts behind it, in the probe's words ("3/3 lost", "core-sw/sfp1 admin-up, oper-down").
    public var evidence: String
    /// Set by a trap and not yet read back by a poll: news to act on with care (a single trap
    /// contradicted by everything else must not page anyone).
    public var provisional: Bool

    public init(kind: ElementKind, element: String, source: ObservationSource, what: What, since: EpochSeconds, evidence: String = "",
                provisional: Bool = false) {
        self.kind = kind
        self.element = element
        self.source = source
        self.what = what
        self.since = since
        self.evidence = evidence
        self.provisional = provisional
    }

    /// The change this observation records, if it is one (a confirmation is not).
    public var stateChange: StateChange? {
        guard case .state(let from, let to) = what, from != to else { return nil }
        return StateChange(target: element, state: to, since: since)
    }
}

/// How one probe cycle (an ICMP round, an SNMP poll batch) went: shown per source in
/// `pantau status`, so an operator can see the engine keeping up.
public struct CycleReport: Sendable, Hashable, Codable {
    /// When the cycle started (epoch seconds, fractional).
    public var startedAt: Double
    public var durationMs: Int
    /// Targets (sites, devices) probed in this cycle.
    public var done: Int
    /// Of those, how many answered.
    public var answered: Int
    /// Targets that were due but started more than a quarter interval late.
    public var late: Int
    /// ICMP: foreign packets read and discarded during the cycle (nil for other probers).
    public var foreign: Int?
    /// Every target the source is responsible for (the inventory's, not this cycle's): with
    /// `unreadCount`, what `status` counts against, so a device never polled or never read
    /// cannot hide behind the ones that answered.
    public var total: Int?
    /// Of `total`, the targets without a good read within their interval (twice it, plus the
    /// timeout): never polled, never answered, or failing since their last good read.
    public var unreadCount: Int?
    /// The first of those, named (at most `unreadNamed`), oldest first.
    public var unread: [UnreadTarget]?

    /// How many unread targets a cycle report names (the count is always whole).
    public static let unreadNamed = 20

    public init(startedAt: Double, durationMs: Int, done: Int, answered: Int, late: Int, foreign: Int? = nil) {
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.done = done
        self.answered = answered
        self.late = late
        self.foreign = foreign
    }

    /// Sets `total`, `unreadCount` and `unread` from every target's last good read.
    public mutating func account(_ ledger: ReadLedger, now: Double) {
        let unread = ledger.unread(now: now)
        total = ledger.count
        unreadCount = unread.count
        self.unread = Array(unread.prefix(Self.unreadNamed))
    }
}

/// Everything one source reports after one cycle, written atomically by the store writer:
/// the observations, the samples behind them and the source's heartbeat.
/// Codable: a batch goes to an engine's local spool while the central store is unreachable.
public struct ObservationBatch: Sendable, Hashable, Codable {
    public var source: ObservationSource
    /// The source's heartbeat: it was alive and probing up to this instant.
    public var at: EpochSeconds
    public var observations: [Observation]
    public var icmpSamples: [ProbeSample]
    public var linkSamples: [LinkSample]
    public var optical: [OpticalSample]
    public var cycle: CycleReport?
    /// Mirrored traffic per OPD per bucket, the buckets' top talkers and the capture's own counters.
    public var traffic: [OPDTrafficSample] = []
    public var talkers: [TalkerSample] = []
    public var capture: CaptureStatistics?
    /// The source stopped: its open states end at `at`.
    public var ended: Bool

    public init(source: ObservationSource, at: EpochSeconds, observations: [Observation] = [], icmpSamples: [ProbeSample] = [],
                linkSamples: [LinkSample] = [], optical: [OpticalSample] = [], cycle: CycleReport? = nil, ended: Bool = false) {
        self.source = source
        self.at = at
        self.observations = observations
        self.icmpSamples = icmpSamples
        self.linkSamples = linkSamples
        self.optical = optical
        self.cycle = cycle
        self.ended = ended
    }

    /// The confirmed state changes in this batch, in order.
    public var stateChanges: [StateChange] { observations.compactMap(\.stateChange) }
}

/// The store writer's health as other processes see it (`<db>.health.json`): a store that
/// fails is shown by `pantau status` while it lasts, and the last outage after.
/// A long-running service that cannot reach the store right now: since when, and why.
public struct StoreFault: Sendable, Codable, Hashable {
    public var since: EpochSeconds
    public var error: String
    /// Retries so far.
    public var attempts: Int

    public init(since: EpochSeconds, error: String, attempts: Int) {
        self.since = since
        self.error = error
        self.attempts = attempts
    }
}

public struct StoreHealth: Sendable, Codable, Hashable {
    /// Long-running services whose store calls fail now (correlator, bandwidth, outbox, escalation).
    public var services: [String: StoreFault]?
    /// Optional probers that cannot run now (the mirror-port capture without its interface):
    /// the engine goes on probing and retries them.
    public var probers: [String: StoreFault]?
    public var failingSince: EpochSeconds?
    public var lastError: String?
    public var pendingBatches: Int
    public var lastOutageFrom: EpochSeconds?
    public var lastOutageTo: EpochSeconds?
    /// The system clock stepped while the engine ran: the engine's stamps differ from it by
    /// `offset` seconds until it is restarted (`SteadyClock`).
    public var clockStep: SteadyClock.Step?
    /// When this was written.
    public var at: EpochSeconds

    public init(failingSince: EpochSeconds?, lastError: String?, pendingBatches: Int, lastOutageFrom: EpochSeconds?,
                lastOutageTo: EpochSeconds?, at: EpochSeconds) {
        self.failingSince = failingSince
        self.lastError = lastError
        self.pendingBatches = pendingBatches
        self.lastOutageFrom = lastOutageFrom
        self.lastOutageTo = lastOutageTo
        self.at = at
    }
}
