/// Several probe engines (vantage points) watching one target, combined into one view. The rule
/// is the same over time (history) and now (current state): a target is **up** while any
/// source says up, **down** only while every source that holds a state says down, and has no
/// data where no source holds one. An engine that died or was cut off from the centre never
/// makes a target down: its intervals end at its last heartbeat.
public enum Vantage {
    /// One source's current state of a target, with when that source was last heard.
    public struct Vote: Sendable, Hashable {
        public var state: TargetState
        public var since: EpochSeconds
        /// The source's last heartbeat.
        public var heardAt: EpochSeconds

        public init(state: TargetState, since: EpochSeconds, heardAt: EpochSeconds) {
            self.state = state
            self.since = since
            self.heardAt = heardAt
        }
    }

    /// The combined state now, from the live sources' votes (the caller drops sources not heard
    /// for too long). An "up" counts only from a source heard after the second the latest
    /// "down" began: an engine behind a cut, whose last word predates it (or is of the same
    /// second), cannot vouch that the target is up now. Up since the earliest counting up; down since the latest down (when the last source
    /// saw it fail). Nil when no source holds a state.
    public static func current(_ votes: [Vote]) -> (state: TargetState, since: EpochSeconds)? {
        let downs = votes.filter { $0.state == .down }
        let latestDown = downs.map(\.since).max()
        let ups = votes.filter { v in v.state == .up && (latestDown.map { v.heardAt > $0 } ?? true) }
        if let first = ups.map(\.since).min() { return (.up, first) }
        if let latestDown { return (.down, latestDown) }
        return nil
    }

    /// Combines several sources' intervals of one target (each source's intervals disjoint) into
    /// one disjoint, ordered list: up where any says up, down where every covering source says
    /// down (unknown where they only say unknown), nothing where none covers. Adjacent pieces of
    /// the same state are joined. One source's intervals come back unchanged.
    public static func merge(target: String, _ sources: [[StateInterval]]) -> [StateInterval] {
        let present = sources.filter { !$0.isEmpty }
        if present.count <= 1 { return (present.first ?? []).sorted { $0.range < $1.range } }
        let all = present.flatMap { $0 }.filter { !$0.range.isEmpty }
        var cuts = Set<EpochSeconds>()
        for i in all { cuts.insert(i.range.start); cuts.insert(i.range.end) }
        let points = cuts.sorted()
        var out: [StateInterval] = []
        for (a, b) in zip(points, points.dropFirst()) {
            let covering = all.filter { $0.range.start <= a && $0.range.end >= b }.map(\.state)
            let state: TargetState
            if covering.isEmpty { continue }
            if covering.contains(.up) { state = .up } else if covering.contains(.down) { state = .down } else { state = .unknown }
            if var last = out.last, last.state == state, last.range.end == a {
                last.range.end = b
                out[out.count - 1] = last
            } else {
                out.append(StateInterval(target: target, state: state, range: TimeRange(a, b)))
            }
        }
        return out
    }
}
