import PantauBus
import PantauCore
import Synchronization

/// The last hours of mirrored traffic per OPD and top talkers, as the capture service published
/// them on the bus: what the SNMP poller names when a link runs hot ("filled by …"), read from
/// memory instead of back from the store it was written to. Bounded: buckets older than
/// `keepSeconds` are dropped each time the poller takes what arrived.
public final class RecentTraffic: Sendable {
    let subscription: ObservationSubscription
    let keepSeconds: Int64
    struct Window {
        var traffic: [OPDTrafficSample] = []
        var talkers: [TalkerSample] = []
    }
    let window = Mutex(Window())

    public init(bus: ObservationBus, keepSeconds: Int64 = 3 * 3600) {
        subscription = bus.subscribe("recent traffic")
        self.keepSeconds = keepSeconds
    }

    /// Takes what the capture published since the last call (the poller calls it every cycle,
    /// so the mailbox never grows) and forgets buckets older than the window before `now`.
    public func absorb(now: EpochSeconds) {
        let batches = subscription.drain()
        let cutoff = now - keepSeconds
        window.withLock { w in
            for b in batches where !b.traffic.isEmpty || !b.talkers.isEmpty {
                w.traffic += b.traffic
                w.talkers += b.talkers
            }
            w.traffic.removeAll { $0.bucket < cutoff }
            w.talkers.removeAll { $0.bucket < cutoff }
        }
    }

    /// Per-OPD buckets of `sites` starting within `span`.
    public func opdTraffic(_ span: TimeRange, sites: [String]) -> [OPDTrafficSample] {
        let wanted = Set(sites)
        return window.withLock { $0.traffic.filter { span.contains($0.bucket) && wanted.contains($0.site) } }
    }

    /// Top talkers of the buckets starting within `span`.
    public func topTalkers(_ span: TimeRange) -> [TalkerSample] {
        window.withLock { $0.talkers.filter { span.contains($0.bucket) } }
    }
}
