/// One root cause of an outage: the element that failed, what it cuts off, and the evidence.
public struct RootCause: Sendable, Hashable {
    public enum Element: Sendable, Hashable {
        case site(String)
        case link(String)

        public var id: String {
            switch self { case .site(let s), .link(let s): s }
        }
    }

    /// Stable identity of the root ("link:fo-dc-kota", "site:bkd"): one incident per key. A
    /// degradation of the same element is a different incident ("site:bkd:degraded"), with its
    /// own start, hold and reopen: it never resolves or reopens an outage's ticket, nor the reverse.
    public var key: String { Self.key(element, degraded: cause == .degraded) }

    public static func key(_ element: Element, degraded: Bool = false) -> String {
        let base = switch element {
        case .site(let s): "site:\(s)"
        case .link(let l): "link:\(l)"
        }
        return degraded ? base + ":degraded" : base
    }

    /// The element and kind a key names (inverse of `key`).
    public static func parse(key: String) -> (element: Element, degraded: Bool)? {
        var parts = key.split(separator: ":").map(String.init)
        let degraded = parts.count == 3 && parts[2] == "degraded"
        if degraded { parts.removeLast() }
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "site": return (.site(parts[1]), degraded)
        case "link": return (.link(parts[1]), degraded)
        default: return nil
        }
    }

    public var element: Element
    public var cause: SuspectedCause
    /// Sites without a path to the core because of this root (the failed site itself included), sorted.
    public var affectedSites: [String]
    /// When the root element failed.
    public var startedAt: EpochSeconds
    /// Facts behind the suspected cause, one per line.
    public var evidence: [String]

    public init(element: Element, cause: SuspectedCause, affectedSites: [String], startedAt: EpochSeconds, evidence: [String]) {
        self.element = element
        self.cause = cause
        self.affectedSites = affectedSites
        self.startedAt = startedAt
        self.evidence = evidence
    }

    /// An outage cuts off at least one site; a root that cuts off nothing (one of two
    /// redundant uplinks, a degradation) is a notice.
    public var isOutage: Bool { !affectedSites.isEmpty && cause != .degraded }
}
