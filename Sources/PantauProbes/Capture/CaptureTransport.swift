import PantauCore
import Synchronization

/// Where captured packets come from: a live mirror port or a capture file (libpcap), or a
/// scripted list (tests, the demo). It counts into a `TrafficTap` on its own thread until stopped.
public protocol CaptureTransport: Sendable {
    /// Opens the source and starts counting into `tap`; throws a `CaptureError` naming what failed.
    func start(_ tap: TrafficTap) throws
    /// Stops counting (the thread ends within the read timeout) and waits for it.
    func stop()
}

/// Why a capture could not start or went on no longer.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable { case permission, noSuchInterface, filter, linkLayer, failed }
    public var code: Code
    /// What was being done and on what: "opening eth1", "compiling the filter 'tcp'".
    public var operation: String
    public var message: String

    public init(_ code: Code, operation: String, message: String) {
        self.code = code
        self.operation = operation
        self.message = message
    }

    public var description: String { "capture: \(operation): \(message)" }
}

/// The counters a capture thread hands over: per-OPD buckets and conversations (merged once per
/// read batch), the capture's statistics, and how it ended.
public final class TrafficTap: Sendable {
    public let counter: Mutex<OPDTrafficCounter>
    public let statistics: Mutex<CaptureStatistics>
    /// Set when the source ended by itself: the end of a file (nil) or an error.
    public let ended = Mutex<(done: Bool, error: CaptureError?)>((false, nil))

    public init(map: SubnetMap, bucketSeconds: Int64, interface: String) {
        counter = Mutex(OPDTrafficCounter(map: map, bucketSeconds: bucketSeconds))
        statistics = Mutex(CaptureStatistics(interface: interface))
    }

    /// Adds a batch counted by the capture thread.
    public func merge(_ local: inout OPDTrafficCounter, nonIP: Int64) {
        let unattributed = local.unattributed
        counter.withLock { $0.merge(&local) }
        statistics.withLock {
            $0.unattributed += unattributed
            $0.nonIP += nonIP
        }
    }

    public func finish(_ error: CaptureError?) { ended.withLock { $0 = (true, error) } }
}

/// A scripted source for tests and the demo: hands its packets to the tap when started (or,
/// with `feed`, whenever the caller likes). Records what it was asked to do.
public final class RecordingCaptureTransport: CaptureTransport {
    public struct Packet: Sendable {
        public var header: PacketHeader?
        public var at: EpochSeconds
        public init(_ header: PacketHeader?, at: EpochSeconds) {
            self.header = header
            self.at = at
        }
    }
    let queued: Mutex<[Packet]>
    let tapBox = Mutex<TrafficTap?>(nil)
    /// "start", "stop", in order.
    public let calls = Mutex<[String]>([])
    let failure: CaptureError?

    public init(_ packets: [Packet] = [], failure: CaptureError? = nil) {
        queued = Mutex(packets)
        self.failure = failure
    }

    public func start(_ tap: TrafficTap) throws {
        calls.withLock { $0.append("start") }
        if let failure { throw failure }
        tapBox.withLock { $0 = tap }
        feed(queued.withLock { q in defer { q = [] }; return q })
    }

    /// Counts packets now, as the capture thread would.
    public func feed(_ packets: [Packet]) {
        guard let tap = tapBox.withLock({ $0 }) else {
            queued.withLock { $0 += packets }
            return
        }
        var local = tap.counter.withLock { OPDTrafficCounter(map: $0.map, bucketSeconds: $0.bucketSeconds) }
        var nonIP: Int64 = 0
        for p in packets {
            if let h = p.header { local.count(h, at: p.at) } else { nonIP += 1 }
        }
        tap.merge(&local, nonIP: nonIP)
        tap.statistics.withLock { $0.received += Int64(packets.count) }
    }

    public func stop() { calls.withLock { $0.append("stop") } }
}
