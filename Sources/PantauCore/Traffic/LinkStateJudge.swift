/// What one poll saw of one link port.
public enum PortObservation: Sendable, Hashable {
    /// The device did not answer: nothing is known.
    case deviceUnreachable
    /// The device answered, but nothing usable (garbled replies, credentials refused, an agent
    /// error): nothing is known of the port, and the reason says which.
    case deviceFailed(String)
    /// The device answered but has no interface with that ifName (an inventory mistake).
    case noSuchInterface
    case port(adminUp: Bool, operStatus: Int)
}

/// A link's state from its ports, with the reason a person would give.
public struct LinkVerdict: Sendable, Hashable {
    public var state: TargetState
    public var reason: String
    public init(_ state: TargetState, _ reason: String) {
        self.state = state
        self.reason = reason
    }
}

/// Judges a link from the ports at its ends. A port that is admin-up and not oper-up means the
/// link is down (for `fo-*` kinds: an FO failure). A port shut by an operator (admin-down) also
/// carries no traffic: down, with that reason (plan it as maintenance to keep it out of the SLA).
/// Unknown only when no end could be read.
public enum LinkStateJudge {
    static let operNames = [1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent", 7: "lowerLayerDown"]

    public static func judge(_ ends: [(LinkEnd, PortObservation)]) -> LinkVerdict {
        var up: [String] = []
        for (end, o) in ends {
            guard case .port(let adminUp, let oper) = o else { continue }
            let name = "\(end.device)/\(end.interface)"
            if !adminUp { return LinkVerdict(.down, "\(name) admin-down (shut)") }
            if oper != 1 && oper != 5 {
                return LinkVerdict(.down, "\(name) admin-up, oper-\(operNames[oper] ?? "\(oper)")")
            }
            up.append(name)
        }
        if !up.isEmpty { return LinkVerdict(.up, up.map { "\($0) up" }.joined(separator: ", ")) }
        let why = ends.map { end, o -> String in
            let text = switch o {
            case .noSuchInterface: "no such interface"
            case .deviceFailed(let reason): "device answers but \(reason)"
            default: "device not answering"
            }
            return "\(end.device)/\(end.interface): " + text
        }
        return LinkVerdict(.unknown, why.joined(separator: ", "))
    }
}
