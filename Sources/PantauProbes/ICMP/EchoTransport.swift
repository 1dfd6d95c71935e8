import PantauCore

/// One target of an echo exchange.
public struct EchoTarget: Sendable, Hashable {
    /// IPv4 (4 octets) or IPv6 (16 octets) address, network byte order.
    public var address: [UInt8]
    public var packets: Int
    public var packetGapMs: Int
    public var timeoutMs: Int

    public init(address: [UInt8], packets: Int, packetGapMs: Int, timeoutMs: Int) {
        self.address = address
        self.packets = packets
        self.packetGapMs = packetGapMs
        self.timeoutMs = timeoutMs
    }

    /// The address as text: dotted IPv4 or canonical IPv6.
    public var dotted: String { IPAddressText.format(address) }
    public var isIPv6: Bool { address.count == 16 }
}

/// One echo reply matched to its request.
public struct EchoReply: Sendable, Hashable {
    public var target: Int
    public var packet: Int
    public var rttMs: Double

    public init(target: Int, packet: Int, rttMs: Double) {
        self.target = target
        self.packet = packet
        self.rttMs = rttMs
    }
}

/// The result of one exchange.
public struct EchoExchange: Sendable, Hashable {
    /// Requests actually handed to the network, per target (send errors are not counted).
    public var sent: [Int]
    public var replies: [EchoReply]
    /// ICMP packets that reached the socket during the exchange and were not replies to this
    /// engine (another process's pings or replies, replies forged with our identifier or from an
    /// address that was not asked); discarded. Late replies to an earlier exchange are not counted.
    public var foreign: Int

    public init(sent: [Int], replies: [EchoReply], foreign: Int = 0) {
        self.sent = sent
        self.replies = replies
        self.foreign = foreign
    }
}

/// Sends echo requests and collects replies: the only part of ICMP probing that touches
/// the network. `SocketEchoTransport` is the real one; `RecordingEchoTransport` and
/// `SimulatedEchoTransport` stand in for tests and the demo.
public protocol EchoTransport: Sendable {
    /// Sends `packets` requests to each target, `packetGapMs` apart, at most `maxRate` per
    /// second overall, and returns once every request was answered or timed out.
    func exchange(_ targets: [EchoTarget], maxRate: Int) async throws -> EchoExchange
}
