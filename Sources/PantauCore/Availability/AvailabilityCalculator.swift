/// Classifies every scheduled second of a target, exactly as documented in the README:
///
/// - `maintenance` when a maintenance window for the target covers it;
/// - else `unknown` when no recorded state covers it (or the recorded state is unknown);
/// - else `up` when the target is up;
/// - else `unreachable` when the target is down and **every** parent is recorded down;
/// - else `down`.
public struct AvailabilityCalculator: Sendable {
    public init() {}

    /// - Parameters:
    ///   - scheduled: the working seconds of the span (from `WorkingCalendar`).
    ///   - maintenance: the target's maintenance windows.
    ///   - history: the target's recorded states.
    ///   - parentsDown: for each parent, the seconds it was recorded down (empty array: no parents).
    public func compute(target: String, span: TimeRange, scheduled: IntervalSet, maintenance: [TimeRange],
                        history: [StateInterval], parentsDown: [IntervalSet], targetPct: Double) -> AvailabilityResult {
        let sched = scheduled.clamped(to: span)
        let maint = sched.intersection(IntervalSet(maintenance))
        let rest = sched.subtracting(maint)
        let upAll = IntervalSet(history.filter { $0.state == .up }.map(\.range))
        let downAll = IntervalSet(history.filter { $0.state == .down }.map(\.range)).subtracting(upAll)
        let up = rest.intersection(upAll)
        let downOrUnreachable = rest.intersection(downAll)
        let unknown = rest.subtracting(up).subtracting(downOrUnreachable)
        var unreachable = IntervalSet()
        if var allParentsDown = parentsDown.first {
            for p in parentsDown.dropFirst() { allParentsDown = allParentsDown.intersection(p) }
            unreachable = downOrUnreachable.intersection(allParentsDown)
        }
        let down = downOrUnreachable.subtracting(unreachable)
        return AvailabilityResult(target: target, span: span, scheduled: sched, maintenance: maint, up: up, down: down,
                                  unreachable: unreachable, unknown: unknown, targetPct: targetPct)
    }

    /// The seconds a history records as down.
    public static func downSet(_ history: [StateInterval]) -> IntervalSet {
        IntervalSet(history.filter { $0.state == .down }.map(\.range))
    }
}
