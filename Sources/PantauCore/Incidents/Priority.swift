/// Ticket priority, P1 most urgent.
public enum Priority: String, Sendable, Hashable, CaseIterable, Comparable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4"

    public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
}

/// Impact or urgency level.
public enum Level: String, Sendable, Hashable, CaseIterable {
    case high, medium, low
}

/// How priority is computed: impact (what is cut off) x urgency (when), with every knob
/// configurable in `probes/incidents.yaml`.
public struct PriorityPolicy: Sendable, Hashable {
    /// Weight of one affected site per criticality.
    public var criticalityWeights: [Criticality: Double] = [.low: 1, .medium: 2, .high: 4, .critical: 8]
    /// Extra weight per 100 users served by affected sites.
    public var weightPer100Users: Double = 1
    /// Extra weight when the root is a trunk (a link whose far side has further sites behind it) or an undersea cable.
    public var trunkWeight: Double = 4
    /// Impact score at or above which impact is high / medium.
    public var highImpactScore: Double = 12
    public var mediumImpactScore: Double = 4
    /// Urgency is medium (not high) in the last this-many seconds of working hours.
    public var nearClosingSeconds: Int = 3600
    /// Impact x urgency -> priority (rows impact high/medium/low, columns urgency high/medium/low).
    public var matrix: [Level: [Level: Priority]] = [
        .high: [.high: .p1, .medium: .p2, .low: .p3],
        .medium: [.high: .p2, .medium: .p3, .low: .p4],
        .low: [.high: .p3, .medium: .p4, .low: .p4],
    ]
    /// Response (acknowledge) targets in working seconds.
    public var responseSeconds: [Priority: Int64] = [.p1: 1800, .p2: 3600, .p3: 4 * 3600, .p4: 8 * 3600]
    /// Repair targets in working days (a working day counts as `workingDaySeconds`). Empty:
    /// from `sla.repair_working_days` N: P1 1 day, P2 max(1, N-1), P3 and P4 N.
    public var repairWorkingDays: [Priority: Int] = [:]
    public var workingDaySeconds: Int64 = 8 * 3600

    public init() {}

    /// The repair target of a priority in working days.
    public func repairDays(_ p: Priority, sla: SLA) -> Int {
        if let d = repairWorkingDays[p] { return d }
        let n = max(1, sla.repairWorkingDays)
        return switch p { case .p1: 1; case .p2: max(1, n - 1); case .p3, .p4: n }
    }
}

/// A priority with the reasons a reader of the ticket can check.
public struct PriorityDecision: Sendable, Hashable {
    public var priority: Priority
    public var impact: Level
    public var urgency: Level
    public var score: Double
    /// "impact high (score 14: 3 sites: bkd high 4, …; trunk +4) x urgency high (working hours, 5h left) = P1"
    public var reason: String

    public init(priority: Priority, impact: Level, urgency: Level, score: Double, reason: String) {
        self.priority = priority
        self.impact = impact
        self.urgency = urgency
        self.score = score
        self.reason = reason
    }
}

extension PriorityPolicy {
    /// Decides the priority of a root cause opened at `at`.
    public func decide(_ root: RootCause, inventory: Inventory, calendar: WorkingCalendar, at: EpochSeconds) -> PriorityDecision {
        var score = 0.0
        var parts: [String] = []
        for id in root.affectedSites {
            guard let s = inventory.site(id) else { continue }
            let w = (criticalityWeights[s.criticality] ?? 1) + Double(s.users ?? 0) / 100 * weightPer100Users
            score += w
            parts.append("\(id) \(s.criticality.rawValue)\(s.users.map { " \($0) users" } ?? "") \(Self.num(w))")
        }
        if case .link(let l) = root.element, let link = inventory.link(l) {
            let behind = root.affectedSites.count > 1 || link.kind == .foUndersea
            if behind {
                score += trunkWeight
                parts.append("\(link.kind == .foUndersea ? "undersea cable" : "trunk") +\(Self.num(trunkWeight))")
            }
        }
        let impact: Level = root.cause == .degraded || root.affectedSites.isEmpty ? .low
            : score >= highImpactScore || root.affectedSites.contains { inventory.site($0)?.criticality == .critical } ? .high
            : score >= mediumImpactScore ? .medium : .low
        let (urgency, why) = urgency(at: at, calendar: calendar)
        let p = matrix[impact]?[urgency] ?? .p4
        let scoreText = parts.isEmpty ? "nothing cut off" : "\(root.affectedSites.count) site(s): " + parts.joined(separator: ", ")
        let reason = "impact \(impact.rawValue) (score \(Self.num(score)); \(scoreText)) x urgency \(urgency.rawValue) (\(why)) = \(p.rawValue)"
        return PriorityDecision(priority: p, impact: impact, urgency: urgency, score: score, reason: reason)
    }

    /// High inside working hours, medium near closing, low outside working hours and on holidays.
    public func urgency(at t: EpochSeconds, calendar: WorkingCalendar) -> (Level, String) {
        let date = calendar.localDate(of: t)
        switch calendar.day(date) {
        case .working:
            guard let w = calendar.windows(on: date), t >= w.start, t < w.end else { return (.low, "outside working hours") }
            let left = w.end - t
            if left <= Int64(nearClosingSeconds) { return (.medium, "\(left / 60) min before closing") }
            return (.high, "working hours, \(left / 3600)h\(left % 3600 / 60)m left")
        case .holiday(let name): return (.low, "holiday: \(name)")
        default: return (.low, "not a working day")
        }
    }

    static func num(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String((v * 10).rounded() / 10) }
}
