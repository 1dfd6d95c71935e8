import PantauCore

/// What the engine reports while it runs (printed by `pantau run` and the demo).
public enum EngineEvent: Sendable, Hashable {
    case started(session: Int64, targets: Int, recoveredSessions: [Int64])
    case stateChanged(target: String, from: TargetState, to: TargetState, since: EpochSeconds)
    case roundCompleted(at: EpochSeconds, targets: Int, reachable: Int, durationMs: Int)
    case snmpPollCompleted(at: EpochSeconds, devices: Int, answered: Int, durationMs: Int)
    /// A linkDown/linkUp trap was applied to a link.
    case trapApplied(link: String, to: TargetState, at: EpochSeconds)
    /// A gangguan ticket was opened, reopened, updated or resolved by the incident manager.
    case ticket(number: String, change: String, priority: String, cause: String, root: String, affected: [String], at: EpochSeconds)
    case stopped(at: EpochSeconds)
}
