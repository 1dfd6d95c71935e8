/// One root cause of an outage: the element that failed, what it cuts off, and the evidence.
public struct RootCause: Sendable, Hashable {
    public enum Element: Sendable, Hashable {
        case site(String)
        case link(String)

        public var id: String {
            switch self { case .site(let s), .link(let s): s }
        }
    }

    /// Stable identity of the root ("link:fo-dc-kota", "site:bkd"): one incident per key.
    public var key: String {
        switch element {
        case .site(let s): "site:\(s)"
        case .link(let l): "link:\(l)"
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
