/// The recorded state of a probed target (a site, later a link).
public enum TargetState: String, Sendable, Hashable, Codable, CaseIterable {
    case up, down, unknown
}

/// One recorded span of a target's state. `end` is nil while the state is still current.
public struct StateInterval: Sendable, Hashable {
    public var target: String
    public var state: TargetState
    public var range: TimeRange

    public init(target: String, state: TargetState, range: TimeRange) {
        self.target = target
        self.state = state
        self.range = range
    }
}
