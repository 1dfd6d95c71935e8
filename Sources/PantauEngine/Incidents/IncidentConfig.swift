import PantauCore

/// How incidents become tickets (`probes/incidents.yaml`).
public struct IncidentConfig: Sendable, Hashable {
    public var tracker = IncidentTracker.Policy()
    public var priority = PriorityPolicy()
    /// Ticket number prefix: `GGN-2026-03-0007`.
    public var numberPrefix = "GGN"
    /// How long a site may lag behind its recovered uplink before it counts as down on its own.
    public var settleSeconds: Int64 = 180
    /// Seconds of engine time between two evaluations.
    public var evaluateEvery: Double = 5
    public init() {}
}
