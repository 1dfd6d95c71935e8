import PantauCore

/// What several engines together say about the network now: the combined state of every
/// target (`Vantage.current` over the live engines), the degradations any live engine holds,
/// and the latest port reading per link. The central correlator reads this instead of one
/// engine's observation bus.
public struct CombinedView: Sendable, Hashable {
    public struct State: Sendable, Hashable {
        public var state: TargetState
        public var since: EpochSeconds
        public init(_ state: TargetState, since: EpochSeconds) {
            self.state = state
            self.since = since
        }
    }

    public struct Degraded: Sendable, Hashable {
        public var reason: String
        public var since: EpochSeconds
        public init(_ reason: String, since: EpochSeconds) {
            self.reason = reason
            self.since = since
        }
    }

    public var states: [String: State] = [:]
    public var degraded: [String: Degraded] = [:]
    /// The latest port reading per link ("core-sw/trunk admin-up, oper-down").
    public var linkDetail: [String: String] = [:]
    /// The latest port read of each link by any engine (when, and what it said): evidence for a
    /// silent site's cause, as beside one engine.
    public var portReads: [String: PortRead] = [:]

    public init(states: [String: State] = [:], degraded: [String: Degraded] = [:], linkDetail: [String: String] = [:]) {
        self.states = states
        self.degraded = degraded
        self.linkDetail = linkDetail
    }
}

/// A shared store that several engines write and one correlator reads (PostgreSQL).
public protocol CorrelationSource: Sendable {
    /// The combined view now.
    func combinedView() async throws -> CombinedView
    /// Calls `onChange` each time something on `channels` changes (once at the start too),
    /// until cancelled; throws when the notification channel is lost.
    func waitForChanges(on channels: Set<ChangeChannel>, _ onChange: @escaping @Sendable () -> Void) async throws
}

/// What a face or the correlator waits for.
public enum ChangeChannel: String, Sendable, Hashable, CaseIterable {
    /// An engine recorded a state change or a degradation.
    case observations = "pantau_observation"
    /// A ticket changed (the correlator, a face, the CLI).
    case tickets = "pantau_ticket"
}
