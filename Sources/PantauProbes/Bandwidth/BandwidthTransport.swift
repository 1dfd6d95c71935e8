import PantauCore
import Synchronization

/// Runs one bandwidth test in one direction: the only part of bandwidth testing that touches
/// the network. `IPerf3Transport` runs stock iperf3; `RecordingBandwidthTransport` stands in
/// for tests and the demo.
public protocol BandwidthTransport: Sendable {
    /// `direction` is `.upload` or `.download`; the result carries `error` instead of throwing
    /// when the far end could not be measured.
    func run(_ spec: BandwidthTestSpec, direction: BandwidthDirection, at: EpochSeconds) async -> BandwidthResult
}

/// Answers from a script `(target, direction) -> Mbps or nil` and records what it was asked.
public final class RecordingBandwidthTransport: BandwidthTransport, Sendable {
    public typealias Script = @Sendable (_ target: String, _ direction: BandwidthDirection) -> Double?
    let script: Script
    private let log = Mutex<[String]>([])

    public init(_ script: @escaping Script) { self.script = script }

    /// "target direction" of every test asked for, in order.
    public var asked: [String] { log.withLock { $0 } }

    public func run(_ spec: BandwidthTestSpec, direction: BandwidthDirection, at: EpochSeconds) async -> BandwidthResult {
        log.withLock { $0.append("\(spec.target) \(direction.rawValue)") }
        guard let mbps = script(spec.target, direction) else {
            return BandwidthResult(target: spec.target, at: at, direction: direction, proto: spec.proto, server: spec.server,
                                   durationSeconds: 0, error: "unable to connect to server: Connection refused")
        }
        return BandwidthResult(target: spec.target, at: at, direction: direction, proto: spec.proto, server: spec.server,
                               durationSeconds: Double(spec.durationSeconds), senderBps: mbps * 1_000_000, receiverBps: mbps * 1_000_000,
                               retransmits: spec.proto == .tcp ? 0 : nil)
    }
}
