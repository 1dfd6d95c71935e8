import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The soft limit on open files is often 1,024 (systemd's default, a login shell's) while the
/// hard limit is far higher: a long-running Pantau process raises its own soft limit to the
/// hard one, so sockets to thousands of devices, the store and dashboard clients fit (the
/// shipped units also set `LimitNOFILE`). Returns the limit in force.
@discardableResult
func raiseOpenFileLimit() -> UInt64 {
    var l = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &l) == 0 else { return 0 }
    if l.rlim_cur < l.rlim_max {
        var raised = l
        raised.rlim_cur = l.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
    }
    return UInt64(l.rlim_cur)
}

/// The soft open-file limit in force (0 when unknown).
func openFileLimit() -> UInt64 {
    var l = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &l) == 0 else { return 0 }
    return UInt64(min(l.rlim_cur, rlim_t(Int32.max)))
}

/// How the engine spends its descriptors: a fixed reserve (store, spool, ICMP sockets, pipes,
/// capture, HTTP clients), every SNMP walk in flight, a share for dashboard connections, and
/// what is left for SNMP sessions kept open between polls (never more than the transport's
/// default). Too few for the fixed part is a startup error that names the limit.
struct DescriptorBudget: Equatable {
    static let reserve = 128
    static let dashboardFloor = 64

    let limit: Int
    let devices: Int
    let maxInFlight: Int
    let dashboard: Bool

    /// The least this engine can run with.
    var minimum: Int { Self.reserve + (devices > 0 ? maxInFlight + 1 : 0) + (dashboard ? Self.dashboardFloor : 0) }

    /// Dashboard connections admitted at most (a quarter of the limit, at least the floor).
    var dashboardConnections: Int { dashboard ? max(Self.dashboardFloor, min(4096, limit / 4)) : 0 }

    /// SNMP sessions kept open between polls.
    var idleSessions: Int {
        max(0, min(4096, devices, limit - Self.reserve - maxInFlight - 1 - dashboardConnections))
    }

    /// Nil when the budget fits, else what to tell the operator.
    var problem: String? {
        guard limit < minimum else { return nil }
        return "the open-file limit is \(limit) (ulimit -n, or LimitNOFILE= in the systemd unit): this engine needs at least \(minimum) "
            + "(\(Self.reserve) for the store, spool, ICMP and capture sockets"
            + (devices > 0 ? ", \(maxInFlight) SNMP walks in flight (snmp.max_in_flight) and the trap listener" : "")
            + (dashboard ? ", \(Self.dashboardFloor) dashboard connections" : "")
            + "); raise it (the shipped deploy/pantau.service sets LimitNOFILE=65536) or lower snmp.max_in_flight"
    }

    /// Said at startup when not every device keeps its session.
    var note: String? {
        guard devices > idleSessions else { return nil }
        return "sessions of \(idleSessions) of \(devices) SNMP devices are kept open between polls (open-file limit \(limit)); "
            + "the others open a socket for each poll"
    }
}
