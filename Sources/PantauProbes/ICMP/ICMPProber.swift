import PantauCore

/// A site to ping in one round.
public struct ICMPTarget: Sendable, Hashable {
    public var id: String
    public var echo: EchoTarget

    public init(id: String, address: [UInt8], settings: ICMPSettings) {
        self.id = id
        echo = EchoTarget(address: address, packets: settings.packets, packetGapMs: settings.packetGapMs,
                          timeoutMs: settings.timeoutMs)
    }
}

/// What one round of pings saw of one site.
public struct ICMPObservation: Sendable, Hashable {
    public var id: String
    public var sent: Int
    public var received: Int
    /// RTTs of the answered packets, in packet order.
    public var rttsMs: [Double]
    /// Mean absolute difference between consecutive RTTs (RFC 3550 style, unsmoothed); nil with fewer than 2 replies.
    public var jitterMs: Double?

    /// A round with at least one reply counts as reachable.
    public var reachable: Bool { received > 0 }
    public var lossPct: Double { sent == 0 ? 100 : Double(sent - received) * 100 / Double(sent) }
    public var rttAvgMs: Double? { rttsMs.isEmpty ? nil : rttsMs.reduce(0, +) / Double(rttsMs.count) }
}

/// Pings a batch of sites through one `EchoTransport` exchange.
public struct ICMPProber: Prober {
    public let transport: any EchoTransport
    public let maxRate: Int
    public var name: String { "icmp" }

    public init(transport: any EchoTransport, maxRate: Int) {
        self.transport = transport
        self.maxRate = maxRate
    }

    public func probe(_ targets: [ICMPTarget]) async throws -> [ICMPObservation] {
        try await round(targets).observations
    }

    /// One round: the observations, and how many foreign ICMP packets were discarded meanwhile.
    public func round(_ targets: [ICMPTarget]) async throws -> (observations: [ICMPObservation], foreign: Int) {
        guard !targets.isEmpty else { return ([], 0) }
        let ex = try await transport.exchange(targets.map(\.echo), maxRate: maxRate)
        var perTarget = [[EchoReply]](repeating: [], count: targets.count)
        for r in ex.replies where r.target >= 0 && r.target < targets.count { perTarget[r.target].append(r) }
        let observations = targets.indices.map { i in
            let replies = perTarget[i].sorted { $0.packet < $1.packet }
            let rtts = replies.map(\.rttMs)
            return ICMPObservation(id: targets[i].id, sent: ex.sent[i], received: replies.count, rttsMs: rtts,
                                   jitterMs: Self.jitter(rtts))
        }
        return (observations, ex.foreign)
    }

    /// Mean |rtt[k] - rtt[k-1]| over consecutive replies.
    public static func jitter(_ rtts: [Double]) -> Double? {
        guard rtts.count >= 2 else { return nil }
        var sum = 0.0
        for k in 1..<rtts.count { sum += abs(rtts[k] - rtts[k - 1]) }
        return sum / Double(rtts.count - 1)
    }
}
