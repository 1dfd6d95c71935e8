import PantauCore
import PantauProbes

/// The real SNMP transport: net-snmp's single-session API driven by one I/O thread,
/// with at most `maxInFlight` devices walked at once. Create one per process.
public final class NetSNMPTransport: SNMPTransport, TrapListener {
    let loop: NetSNMPLoop

    public init(maxInFlight: Int = 64) {
        loop = NetSNMPLoop(maxInFlight: maxInFlight)
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
