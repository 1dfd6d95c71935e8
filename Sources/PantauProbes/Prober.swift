/// One kind of probe (ICMP now; SNMP, TCP and bandwidth tests later), in the style of
/// blackbox_exporter's `prober/*.go`: a prober turns a batch of targets into observations
/// through a transport it owns, and knows nothing about state, storage or scheduling.
public protocol Prober: Sendable {
    associatedtype Target: Sendable
    associatedtype Observation: Sendable

    /// A short name for logs and metrics, e.g. `icmp`.
    var name: String { get }

    /// Probes every target once and returns one observation per target, in order.
    /// Must finish within the targets' own timeouts whatever the network does.
    func probe(_ targets: [Target]) async throws -> [Observation]
}
