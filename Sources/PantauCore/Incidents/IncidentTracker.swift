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
    public mutating func evaluate(_ roots: [RootCause], failing: Set<String>, healthy: [String: EpochSeconds], at: EpochSeconds,
                                  provisional: Set<String> = []) -> [Action] {
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
                continue
            }
            if !root.isOutage && !policy.ticketNotices { continue }
            // A return within `reopenWithin` reopens the ticket, after the same confirmation as an open.
            let reopening = resolved[key] != nil
            var inc = Incident(root: root, phase: .pending, affectedEver: root.affectedSites, flaps: 0, detectedAt: at, reopening: reopening)
            if policy.openLinkRootsAtOnce, case .link = root.element, root.cause == .foCut || root.cause == .uplinkDown,
               !provisional.contains(key) {
                inc.phase = .open
                if reopening { resolved[key] = nil }
                actions.append(reopening ? .reopen(root) : .open(root))
            }
            incidents[key] = inc
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
            guard var inc = incidents[key], inc.phase == .pending, let root = current[key] else { continue }
            let clearNow = policy.openLinkRootsAtOnce && !provisional.contains(key)
                && { if case .link = root.element { root.cause == .foCut || root.cause == .uplinkDown } else { false } }()
            if clearNow || at - inc.detectedAt >= policy.groupWindow {
                inc.phase = .open
                incidents[key] = inc
                if inc.reopening { resolved[key] = nil }
                actions.append(inc.reopening ? .reopen(root) : .open(root))
            }
        }
        return actions
    }
}
