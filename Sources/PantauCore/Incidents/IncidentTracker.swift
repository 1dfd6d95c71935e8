/// The incident lifecycle as a value: fed the root causes of each evaluation, it returns what
/// to do (open, update, resolve, reopen a ticket). No I/O, no clock: the caller passes `at`.
///
/// - A new root waits `groupWindow` seconds after it is first seen before its ticket opens,
///   so a parent and its children detected in either order give one ticket (the child's
///   pending root disappears once the parent explains it).
/// - A ticket resolves only after its element has been **known up** for `recoveryHold`
///   seconds; failing again before that is the same incident (a flap is not a storm).
///   Unknown (no data, e.g. right after a restart) is neither failing nor recovered.
/// - The same root failing within `reopenWithin` of resolution reopens its ticket.
/// - A root that explains open incidents (a port found down above a silent site, a parent
///   site above a child) takes their ticket over instead of opening another (`.reroot`).
/// - A silent site whose path has not been read since it failed waits (up to `evidenceWait`)
///   for the path read, so its cause rests on evidence gathered after the failure.
public struct IncidentTracker: Sendable {
    public struct Policy: Sendable, Hashable {
        public var groupWindow: Int64 = 120
        public var recoveryHold: Int64 = 300
        public var reopenWithin: Int64 = 4 * 3600
        /// Open tickets for notices (redundancy lost, degradation) too.
        public var ticketNotices = true
        /// A confirmed link failure (port down, linkDown trap) is a clear root: open its ticket
        /// at once instead of after the group window; sites confirmed later join it.
        public var openLinkRootsAtOnce = true
        /// How long a silent site waits for a port read of its path taken after it failed (the
        /// engine's out-of-cycle path read), counted from when the tracker first saw it.
        public var evidenceWait: Int64 = 30
        /// An open site incident is taken over by a root that explains it when that root
        /// started no later than this after it (or whenever its cause was not certain): a cut
        /// found by the next poll is the same outage, a power failure hours earlier is not.
        public var rerootWithin: Int64 = 900
        /// How much later than a site's evidence-based failure (`opd-device-or-power`: its port
        /// was read up after it failed) a root may start and still explain it: the probes' own
        /// skew (the agent's cache). A root that began later is a separate failure.
        public var rerootSkew: Int64 = RootCauseAnalyzer.agentCacheSeconds
        /// How long a root known only from a trap waits for the poll to read it back (the
        /// agent's ~5 s cache and a retry) before it opens on the trap alone.
        public var provisionalWait: Int64 = 30
        public init() {}
    }

    public enum Phase: Sendable, Hashable {
        case pending
        case open
        /// Known up since then; resolves at `since + recoveryHold` unless it fails again.
        case recovering(since: EpochSeconds)
    }

    public struct Incident: Sendable, Hashable {
        public var root: RootCause
        public var phase: Phase
        /// Every site cut off at some point during the incident.
        public var affectedEver: [String]
        public var flaps: Int
        /// When the tracker first saw this root (the group window runs from here).
        public var detectedAt: EpochSeconds
        /// Pending as the return of a recently resolved root: opens as a reopen.
        public var reopening = false
    }

    public enum Action: Sendable, Hashable {
        case open(RootCause)
        /// The root's cause, evidence or cut-off sites changed (`affectedEver` grows only).
        case update(key: String, root: RootCause, affectedEver: [String])
        /// The element failed again before the recovery hold ended (no new ticket).
        case relapse(key: String, at: EpochSeconds, flaps: Int)
        case resolve(key: String, recoveredAt: EpochSeconds)
        case reopen(RootCause)
        /// The root explains the open incidents `from` (oldest first): their ticket takes this
        /// root (or, when the root already has one, they merge into it). No new opening.
        case reroot(RootCause, from: [String], affectedEver: [String])
    }

    public let policy: Policy
    public private(set) var incidents: [String: Incident] = [:]
    /// Resolved root keys and when, for reopening.
    public private(set) var resolved: [String: EpochSeconds] = [:]

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// Seeds the tracker with tickets that are already open (after a restart), so nothing is
    /// opened twice: they continue as open incidents.
    public mutating func adopt(open root: RootCause, flaps: Int = 0) {
        incidents[root.key] = Incident(root: root, phase: .open, affectedEver: root.affectedSites, flaps: flaps, detectedAt: root.startedAt)
    }

    public mutating func adopt(resolvedKey key: String, at: EpochSeconds) { resolved[key] = at }

    /// Aligns the tracker with the tickets that are live in the store. A ticket an officer
    /// resolved (or closed) by hand while its element is still failing leaves no live ticket:
    /// the incident counts as resolved at `at`, so if the root is still there it goes through
    /// the usual confirmation and reopens that ticket. Returns the keys it let go.
    @discardableResult
    public mutating func reconcile(liveKeys: Set<String>, at: EpochSeconds) -> [String] {
        var released: [String] = []
        for (key, inc) in incidents where inc.phase != .pending && !liveKeys.contains(key) {
            incidents[key] = nil
            resolved[key] = at
            released.append(key)
        }
        return released.sorted()
    }

    /// One evaluation. `failing`: keys ("site:x", "link:y") of elements known down right now;
    /// `healthy`: keys of elements known up, with the time they came up; everything else is unknown.
    ///
    /// `provisional`: keys of roots known only from a trap not yet read back by a poll; they never
    /// open at once (they wait the group window, in which the poll confirms or corrects them).
    ///
    /// `awaiting`: keys of site roots whose path was not read since they failed; they do not
    /// open before `evidenceWait` (from when first seen) unless the read comes.
    public mutating func evaluate(_ roots: [RootCause], failing: Set<String>, healthy: [String: EpochSeconds], at: EpochSeconds,
                                  provisional: Set<String> = [], awaiting: Set<String> = []) -> [Action] {
        var actions: [Action] = []
        let current = Dictionary(roots.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for key in resolved.keys where at - resolved[key]! > policy.reopenWithin { resolved[key] = nil }

        for (key, root) in current.sorted(by: { $0.key < $1.key }) {
            if var inc = incidents[key] {
                if case .recovering = inc.phase {
                    inc.phase = .open
                    inc.flaps += 1
                    actions.append(.relapse(key: key, at: at, flaps: inc.flaps))
                }
                let ever = Array(Set(inc.affectedEver).union(root.affectedSites)).sorted()
                // Evidence alone refreshes silently; a new cause or more sites cut off is news.
                if inc.phase != .pending && (root.cause != inc.root.cause || ever != inc.affectedEver) {
                    actions.append(.update(key: key, root: root, affectedEver: ever))
                }
                inc.root = root
                inc.affectedEver = ever
                incidents[key] = inc
                if inc.phase == .open { takeOver(explainedBy: root, current: current, at: at, into: &actions, opening: false) }
                continue
            }
            if !root.isOutage && !policy.ticketNotices { continue }
            // A return within `reopenWithin` reopens the ticket, after the same confirmation as an open.
            let reopening = resolved[key] != nil
            var inc = Incident(root: root, phase: .pending, affectedEver: root.affectedSites, flaps: 0, detectedAt: at, reopening: reopening)
            incidents[key] = inc
            if isClear(root, provisional: provisional, failing: failing) { open(key, current: current, at: at, into: &actions) }
        }

        for key in incidents.keys.sorted() where current[key] == nil {
            var inc = incidents[key]!
            switch inc.phase {
            case .pending:
                // Blipped back, or folded under a parent root within the window: no ticket.
                incidents[key] = nil
            case .open:
                if failing.contains(key) { continue }            // still down, now behind another root
                guard healthy[key] != nil else { continue }  // unknown: wait for data
                inc.phase = .recovering(since: min(at, max(healthy[key] ?? at, inc.root.startedAt)))
                incidents[key] = inc
            case .recovering(let since):
                if failing.contains(key) {
                    inc.phase = .open
                    inc.flaps += 1
                    incidents[key] = inc
                    actions.append(.relapse(key: key, at: at, flaps: inc.flaps))
                } else if healthy[key] == nil {
                    continue
                } else if at - since >= policy.recoveryHold {
                    // Resolved at the moment it came back; the hold only guards against flaps.
                    incidents[key] = nil
                    resolved[key] = since
                    actions.append(.resolve(key: key, recoveredAt: since))
                }
            }
        }

        for key in incidents.keys.sorted() {
            guard let inc = incidents[key], inc.phase == .pending, let root = current[key] else { continue }
            let clearNow = isClear(root, provisional: provisional, failing: failing)
            let waited = at - inc.detectedAt
            let evidenceIn = !awaiting.contains(key) || waited >= policy.evidenceWait
            // A trap not yet read back waits for its read-back past the agent's cache (a false
            // trap is corrected there and pages nobody), however short the group window.
            let readBack = !provisional.contains(key) || waited >= policy.provisionalWait
            if clearNow || (waited >= policy.groupWindow && evidenceIn && readBack) { open(key, current: current, at: at, into: &actions) }
        }
        return actions
    }

    /// A confirmed link failure (port down) is a clear root; so is a trap not yet read back
    /// when ICMP confirms sites it cuts off down (two probes agree: no need to wait for the poll).
    func isClear(_ root: RootCause, provisional: Set<String>, failing: Set<String>) -> Bool {
        guard policy.openLinkRootsAtOnce, case .link = root.element, root.cause == .foCut || root.cause == .uplinkDown else { return false }
        return !provisional.contains(root.key) || root.affectedSites.contains { failing.contains("site:\($0)") }
    }

    /// Opens the pending incident `key`: as a reroot of the open incidents its root explains,
    /// else as a new ticket (or a reopen).
    mutating func open(_ key: String, current: [String: RootCause], at: EpochSeconds, into actions: inout [Action]) {
        guard var inc = incidents[key] else { return }
        inc.phase = .open
        incidents[key] = inc
        if takeOver(explainedBy: inc.root, current: current, at: at, into: &actions, opening: true) { return }
        if inc.reopening { resolved[key] = nil }
        actions.append(inc.reopening ? .reopen(inc.root) : .open(inc.root))
    }

    /// Folds the open incidents `root` explains into its incident; true when there were any
    /// (the `.reroot` action was emitted).
    @discardableResult
    mutating func takeOver(explainedBy root: RootCause, current: [String: RootCause], at: EpochSeconds, into actions: inout [Action],
                           opening: Bool) -> Bool {
        guard root.isOutage else { return false }
        let cut = Set(root.affectedSites)
        let explained = incidents.filter { key, old in
            guard key != root.key, current[key] == nil, old.phase == .open, old.root.cause != .degraded,
                  case .site(let site) = old.root.element, cut.contains(site) else { return false }
            // An uncertain cause is taken over by the root found within `rerootWithin`; a cause
            // that rests on evidence (a port read up after the failure) only by a root that
            // failed at about the same time (the same event seen by another probe).
            return root.startedAt <= old.root.startedAt + (old.root.cause == .siteDown ? policy.rerootWithin : policy.rerootSkew)
        }.sorted { ($0.value.detectedAt, $0.key) < ($1.value.detectedAt, $1.key) }
        guard !explained.isEmpty, var inc = incidents[root.key] else { return false }
        var ever = Set(inc.affectedEver)
        for (key, old) in explained {
            ever.formUnion(old.affectedEver)
            inc.flaps = max(inc.flaps, old.flaps)
            if opening { inc.detectedAt = min(inc.detectedAt, old.detectedAt) }
            incidents[key] = nil
        }
        inc.affectedEver = ever.sorted()
        incidents[root.key] = inc
        if opening, inc.reopening { resolved[root.key] = nil }
        actions.append(.reroot(root, from: explained.map(\.key), affectedEver: inc.affectedEver))
        return true
    }
}
