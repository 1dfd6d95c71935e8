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
