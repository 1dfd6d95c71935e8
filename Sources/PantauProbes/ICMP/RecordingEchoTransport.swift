import Synchronization
import PantauCore

/// A scripted fake for unit tests, like snmp_exporter's scraper mock: it records every
/// exchange it is asked for and answers from a script `(address, packet) -> rtt ms or nil`.
public final class RecordingEchoTransport: EchoTransport, Sendable {
    public typealias Script = @Sendable (_ address: String, _ packet: Int) -> Double?
    private let script: Mutex<Script>
    private let log = Mutex<[[EchoTarget]]>([])

    public init(script: @escaping Script) { self.script = Mutex(script) }

    /// Replaces the script (e.g. to take a host down between rounds).
    public func setScript(_ s: @escaping Script) { script.withLock { $0 = s } }

    /// Every exchange so far, in order.
    public var exchanges: [[EchoTarget]] { log.withLock { $0 } }

    public func exchange(_ targets: [EchoTarget], maxRate: Int) async throws -> EchoExchange {
        log.withLock { $0.append(targets) }
        let s = script.withLock { $0 }
        var replies: [EchoReply] = []
        for (i, t) in targets.enumerated() {
            for p in 0..<t.packets {
                if let rtt = s(t.dotted, p), rtt <= Double(t.timeoutMs) { replies.append(EchoReply(target: i, packet: p, rttMs: rtt)) }
            }
        }
        return EchoExchange(sent: targets.map(\.packets), replies: replies)
    }
}
