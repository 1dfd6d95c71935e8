import PantauCore
import PantauProbes

/// The real SNMP transport: net-snmp's single-session API driven by one I/O thread,
/// with at most `maxInFlight` devices walked at once. Create one per process.
public final class NetSNMPTransport: SNMPTransport, TrapListener {
    let loop: NetSNMPLoop

    /// `maxIdleSessions`: sessions (one socket each) kept open between walks; past it the
    /// longest idle is closed and its device's next walk opens a socket afresh.
    public init(maxInFlight: Int = 64, maxIdleSessions: Int = NetSNMPTransport.defaultMaxIdleSessions) {
        loop = NetSNMPLoop(maxInFlight: maxInFlight, maxIdleSessions: maxIdleSessions)
    }

    public static let defaultMaxIdleSessions = 4096

    /// Descriptors the transport may hold at once: every walk in flight and every idle session.
    public static func descriptors(maxInFlight: Int, maxIdleSessions: Int, devices: Int) -> Int {
        min(devices, maxInFlight + maxIdleSessions)
    }

    deinit { loop.stop() }

    public func execute(_ requests: [SNMPRequest]) async -> [SNMPResponse] {
        guard !requests.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let batch = NetSNMPBatch(count: requests.count, continuation: continuation)
            loop.submit(requests.enumerated().map { NetSNMPJob(request: $1, batch: batch, index: $0) })
        }
    }

    public func execute(_ requests: [SNMPRequest], each: @escaping @Sendable (Int, SNMPResponse) -> Void) async {
        guard !requests.isEmpty else { return }
        _ = await withCheckedContinuation { continuation in
            let batch = NetSNMPBatch(count: requests.count, continuation: continuation, each: each)
            loop.submit(requests.enumerated().map { NetSNMPJob(request: $1, batch: batch, index: $0) })
        }
    }

    /// Starts receiving notifications on `address` (e.g. `udp:0.0.0.0:162`). `v3Users` pairs
    /// each trap sender's engine ID (hex, `0x…`) with its credentials. Returns the open error, if any.
    public func listen(address: String, v3Users: [(engineID: String, credentials: SNMPCredentials)] = [],
                       onTrap: @escaping @Sendable (SNMPTrap) -> Void,
                       onReject: @escaping @Sendable (SNMPTrapRejection) -> Void) async -> String? {
        await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
            loop.add(NetSNMPListener(address: address, v3Users: v3Users, onOpen: { c.resume(returning: $0) },
                                     onTrap: onTrap, onReject: onReject))
        }
    }
}
