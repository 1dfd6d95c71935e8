import Synchronization

/// Sites whose ICMP loss/RTT thresholds are suspended right now (a bandwidth test fills their
/// path: its loss and latency are the test's, not a fault). Shared by the siblings of one engine.
public final class ProbeSuspensions: Sendable {
    private let sites = Mutex<[String: String]>([:])   // site -> why

    public init() {}

    public func suspend(_ ids: Set<String>, because why: String) { sites.withLock { for id in ids { $0[id] = why } } }
    public func resume(_ ids: Set<String>) { sites.withLock { for id in ids { $0[id] = nil } } }
    public func reason(_ site: String) -> String? { sites.withLock { $0[site] } }
}
