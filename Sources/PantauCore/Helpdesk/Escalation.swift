/// Who handles a ticket at each level and when it moves up (`incidents.escalation` in
/// `probes/incidents.yaml`), after the service catalogs: level 1 the officer on duty
/// (helpdesk), level 2 the technician (Pranata Komputer), level 3 the head of division or
/// office (Kabid, Kadis). Times are working time since the ticket opened (a ticket opened on
/// Friday evening starts counting on Monday morning; holidays and cuti bersama do not count).
public struct EscalationPolicy: Sendable, Hashable {
    /// One level: who it is and which channels hear of an escalation to it.
    public struct Level: Sendable, Hashable {
        public var level: Int
        /// "Pranata Komputer", "Kabid Aptika".
        public var name: String
        /// People at this level, as they are named on the ticket.
        public var people: [String]
        /// Notification channel names (`notify[].name`).
        public var channels: [String]

        public init(level: Int, name: String, people: [String] = [], channels: [String] = []) {
            self.level = level
            self.name = name
            self.people = people
            self.channels = channels
        }
    }

    /// When a ticket of one priority reaches one level: after this much working time without
    /// acknowledgement, or without resolution (either; nil: not on that ground).
    public struct Rule: Sendable, Hashable {
        public var priority: Priority
        public var level: Int
        public var unacknowledgedSeconds: Int64?
        public var unresolvedSeconds: Int64?

        public init(priority: Priority, level: Int, unacknowledgedSeconds: Int64? = nil, unresolvedSeconds: Int64? = nil) {
            self.priority = priority
            self.level = level
            self.unacknowledgedSeconds = unacknowledgedSeconds
            self.unresolvedSeconds = unresolvedSeconds
        }
    }

    public var levels: [Level] = []
    public var rules: [Rule] = []

    public init(levels: [Level] = [], rules: [Rule] = []) {
        self.levels = levels
        self.rules = rules
    }

    public var isEnabled: Bool { !rules.isEmpty }

    public func level(_ n: Int) -> Level? { levels.first { $0.level == n } }

    /// Why a ticket moves up.
    public enum Ground: String, Sendable, Hashable {
        case unacknowledged, unresolved
    }

    /// One escalation that is due.
    public struct Step: Sendable, Hashable {
        public var level: Int
        public var ground: Ground
        /// Working seconds the ticket had been waiting (the threshold it passed).
        public var thresholdSeconds: Int64
    }

    /// The next escalation due for a ticket now, if any: the lowest level above the one it
    /// reached whose threshold has passed, so a ticket that waited over a weekend still goes
    /// through every level in turn (each told once). `workingSeconds` measures working time
    /// between two instants (the calendar's). Acknowledgement stops the "unacknowledged"
    /// ground; resolution stops both. Pure: the same inputs give the same answer.
    public func due(priority: Priority, openedAt: EpochSeconds, acknowledgedAt: EpochSeconds?, resolvedAt: EpochSeconds?,
                    reachedLevel: Int, now: EpochSeconds, workingSeconds: (EpochSeconds, EpochSeconds) -> Int64) -> Step? {
        guard resolvedAt == nil else { return nil }
        let waited = workingSeconds(openedAt, now)
        var best: Step?
        for r in rules.sorted(by: { $0.level < $1.level }) where r.priority == priority && r.level > reachedLevel {
            if acknowledgedAt == nil, let s = r.unacknowledgedSeconds, waited >= s {
                best = Step(level: r.level, ground: .unacknowledged, thresholdSeconds: s)
            } else if let s = r.unresolvedSeconds, waited >= s {
                best = Step(level: r.level, ground: .unresolved, thresholdSeconds: s)
            }
            if best != nil { break }
        }
        return best
    }
}
