@preconcurrency import CNetSNMP
import PantauCore
import Foundation
import PantauProbes

/// A batch of requests submitted together; resumed when its last job finishes.
final class NetSNMPBatch: @unchecked Sendable {
    var responses: [SNMPResponse?]
    var remaining: Int
    let continuation: CheckedContinuation<[SNMPResponse], Never>
    /// Called with each response as soon as its walk ends; the batch then keeps it without its
    /// variable bindings, so a round of 1,000 devices never holds every device's raw walk.
    let each: (@Sendable (Int, SNMPResponse) -> Void)?

    init(count: Int, continuation: CheckedContinuation<[SNMPResponse], Never>, each: (@Sendable (Int, SNMPResponse) -> Void)? = nil) {
        responses = Array(repeating: nil, count: count)
        remaining = count
        self.continuation = continuation
        self.each = each
    }
}

/// One request being walked. Touched only on the I/O thread; its address is the callback
/// `magic`, and the loop keeps it alive until no callback can name it any more.
final class NetSNMPJob: @unchecked Sendable {
    let request: SNMPRequest
    let batch: NetSNMPBatch
    let index: Int
    var walk: BulkWalk
    weak var loop: NetSNMPLoop?
    var handle: UnsafeMutableRawPointer?
    var sessionKey: String
    var started: Double = 0
    var failure: SNMPFailure?
    var finished = false
    /// The session must be closed rather than reused (deadline hit with a request pending).
    var discardSession = false
    /// A notInTimeWindow report was let through once (net-snmp resends with the agent's time).
    var resentForTime = false
    /// Datagrams that arrived on this walk's socket (valid or not).
    var datagrams = 0

    init(request: SNMPRequest, batch: NetSNMPBatch, index: Int) {
        self.request = request
        self.batch = batch
        self.index = index
        walk = BulkWalk(scalars: request.scalars, columns: request.columns,
                        useBulk: request.credentials.version != .v1, maxVarBinds: request.maxVarBinds)
        sessionKey = "\(request.id)|\(request.host)|\(request.port)|\(request.credentials.hashValue)|\(request.timeoutSeconds)|\(request.retries)"
    }

    var response: SNMPResponse {
        SNMPResponse(id: request.id, varBinds: walk.collected, failure: failure, roundTrips: walk.roundTrips,
                     elapsedSeconds: NetSNMPClock.now() - started)
    }
}

enum NetSNMPClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
