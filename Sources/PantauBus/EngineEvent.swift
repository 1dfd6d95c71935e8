import PantauCore

/// What the engine reports while it runs, for a console (`pantau run`, the demo) and tests.
/// Observations themselves travel on the `ObservationBus`; these are their printable echo
/// plus what is not an observation (tickets, start and stop).
public enum EngineEvent: Sendable, Hashable {
    case started(sources: [String], targets: Int, recoveredSessions: [Int64])
    case stateChanged(target: String, from: TargetState, to: TargetState, since: EpochSeconds)
    /// A gangguan ticket was opened, reopened, updated or resolved by the incident manager.
    case ticket(number: String, change: String, priority: String, cause: String, root: String, affected: [String], at: EpochSeconds)
    case stopped(at: EpochSeconds)
}
