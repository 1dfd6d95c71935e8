/// How many consecutive observations confirm a change.
public struct ConfirmPolicy: Sendable, Hashable {
    public var roundsToConfirmDown: Int
    public var roundsToConfirmUp: Int

    public init(roundsToConfirmDown: Int = 3, roundsToConfirmUp: Int = 2) {
        self.roundsToConfirmDown = max(1, roundsToConfirmDown)
        self.roundsToConfirmUp = max(1, roundsToConfirmUp)
    }
}

/// The up/down/unknown state of one target, as a value that returns actions.
///
/// A change is confirmed after N consecutive observations of the new state, and the new
/// state is recorded as starting at the *first* of those observations: an outage begins
/// when the first probe failed, not when we became sure of it.
public struct ConfirmingStateMachine: Sendable, Hashable {
    public private(set) var state: TargetState
    public private(set) var since: EpochSeconds?
    public let policy: ConfirmPolicy
    private var pending: Pending?
    /// The state came from a trap and awaits the next poll.
    public private(set) var provisional = false

    struct Pending: Sendable, Hashable {
        var state: TargetState
        var count: Int
        var since: EpochSeconds
    }

    /// What the caller must do after an observation.
    public enum Action: Sendable, Hashable {
        /// Record that the target is in `to` from `since` on (which may be earlier than now).
        case record(from: TargetState, to: TargetState, since: EpochSeconds)
    }

    public init(policy: ConfirmPolicy, state: TargetState = .unknown, since: EpochSeconds? = nil) {
        self.policy = policy
        self.state = state
        self.since = since
    }

    /// The number of consecutive observations still needed to confirm the pending change.
    public var pendingCount: Int { pending?.count ?? 0 }

    /// Feeds one round's verdict (`reachable` or not) observed at `at`.
    public mutating func observe(reachable: Bool, at: EpochSeconds) -> Action? {
        observe(reachable ? .up : .down, at: at)
    }

    /// Feeds one observed state (`unknown`: nothing could be read; confirmed like a failure).
    /// After a `force`, polls confirm or correct it with the usual counts (so an agent whose
    /// tables lag a few seconds behind its traps cannot make the link flap), and an
    /// unreadable device does not undo it.
    public mutating func observe(_ seen: TargetState, at: EpochSeconds) -> Action? {
        if provisional {
            // "Nothing could be read" does not contradict a trap; wait for a real reading.
            if seen == .unknown { return nil }
            provisional = false
        }
        if seen == state {
            pending = nil
            return nil
        }
        if var p = pending, p.state == seen {
            p.count += 1
            pending = p
        } else {
            pending = Pending(state: seen, count: 1, since: at)
        }
        let needed = seen == .up ? policy.roundsToConfirmUp : policy.roundsToConfirmDown
        guard let p = pending, p.count >= needed else { return nil }
        let previous = state
        state = seen
        since = p.since
        pending = nil
        return .record(from: previous, to: seen, since: p.since)
    }

    /// Applies news that needs no confirmation (an SNMP linkDown/linkUp trap) at once; the
    /// next `observe` confirms or corrects it.
    public mutating func force(_ to: TargetState, at: EpochSeconds) -> Action? {
        pending = nil
        provisional = true
        guard to != state else { return nil }
        let previous = state
        state = to
        since = at
        return .record(from: previous, to: to, since: at)
    }

    /// Settles a provisional (trap-set) state with a reading the caller trusts over the trap
    /// (one taken past the agent's interface cache): no confirmation rounds, not provisional
    /// after. `since` is when the trusted state was first seen, never before the trap.
    public mutating func correct(_ to: TargetState, since seen: EpochSeconds) -> Action? {
        pending = nil
        provisional = false
        guard to != state else { return nil }
        let previous = state
        let start = max(seen, self.since.map { $0 + 1 } ?? seen)
        state = to
        since = start
        return .record(from: previous, to: to, since: start)
    }

    /// The engine stops watching (shutdown): the state becomes unknown at `at`.
    public mutating func stop(at: EpochSeconds) -> Action? {
        pending = nil
        provisional = false
        guard state != .unknown else { return nil }
        let previous = state
        state = .unknown
        since = at
        return .record(from: previous, to: .unknown, since: at)
    }
}
