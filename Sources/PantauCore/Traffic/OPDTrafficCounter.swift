/// Bytes and packets to and from one OPD in one time bucket, as a mirror port saw them.
public struct OPDTrafficSample: Sendable, Hashable, Codable {
    public var site: String
    /// Start of the bucket (epoch seconds, a multiple of the bucket length).
    public var bucket: EpochSeconds
    /// Towards the OPD (its download) and from it (its upload).
    public var inBytes: Int64 = 0
    public var outBytes: Int64 = 0
    public var inPackets: Int64 = 0
    public var outPackets: Int64 = 0

    public init(site: String, bucket: EpochSeconds) {
        self.site = site
        self.bucket = bucket
    }
}

/// A conversation as the top-talker list shows it: never a payload, only addresses, protocol and port.
public struct Talker: Sendable, Hashable {
    public var source: UInt32
    public var destination: UInt32
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP).
    public var proto: UInt8
    /// The lower of the two ports (the service's, usually); 0 without ports.
    public var port: UInt16

    public init(source: UInt32, destination: UInt32, proto: UInt8, port: UInt16) {
        self.source = source
        self.destination = destination
        self.proto = proto
        self.port = port
    }
}

/// Counts mirrored IPv4 packets per OPD (by the sites' `subnets`) per direction per bucket, and
/// bytes per conversation for the top-talker window. Pure: the capture thread feeds it; the
/// service drains it. Per packet: the subnet lookups, one array update per end, one hash update
/// for the conversation.
public struct OPDTrafficCounter: Sendable {
    public let map: SubnetMap
    public let bucketSeconds: Int64
    struct Counts: Sendable {
        var inBytes: Int64 = 0, outBytes: Int64 = 0, inPackets: Int64 = 0, outPackets: Int64 = 0
    }
    /// bucket start -> counts by site index.
    var buckets: [EpochSeconds: [Counts]] = [:]
    var talkers: [Talker: Int64] = [:]
    /// IP packets whose addresses belong to no site (counted, not attributed; IPv6 included).
    public private(set) var unattributed: Int64 = 0

    public init(map: SubnetMap, bucketSeconds: Int64 = 60) {
        self.map = map
        self.bucketSeconds = max(1, bucketSeconds)
    }

    /// One decoded packet seen at `at`.
    public mutating func count(_ h: PacketHeader, at: EpochSeconds) {
        if h.isIPv6 {
            unattributed += 1
            return
        }
        count(source: h.source, destination: h.destination, length: h.length, proto: h.proto, port: h.port, at: at)
    }

    /// One packet of `length` bytes (its IP length) seen at `at`; `packets` > 1: that many
    /// packets of `length` bytes in all (a simulated network's aggregate).
    public mutating func count(source: UInt32, destination: UInt32, length: Int, proto: UInt8, port: UInt16, at: EpochSeconds,
                               packets: Int64 = 1) {
        let from = map.index(of: source), to = map.index(of: destination)
        if from == nil && to == nil {
            unattributed += 1
        } else {
            let n = map.sites.count
            buckets[bucketStart(at), default: Array(repeating: Counts(), count: n)].withUnsafeMutableBufferPointer { c in
                if let to {
                    c[to].inBytes += Int64(length)
                    c[to].inPackets += packets
                }
                if let from {
                    c[from].outBytes += Int64(length)
                    c[from].outPackets += packets
                }
            }
        }
        let talker = Talker(source: source, destination: destination, proto: proto, port: port)
        if talkers.count < Self.maxConversations {
            talkers[talker, default: 0] += Int64(length)
        } else if let i = talkers.index(forKey: talker) {
            talkers.values[i] += Int64(length)
        } else {
            otherConversationBytes += Int64(length)
        }
    }

    /// Conversations tracked per top-talker window: memory stays bounded under a scan or a flood
    /// of new flows. Past it, new conversations' bytes are counted as "other" (per-OPD counts are
    /// never affected).
    public static let maxConversations = 65_536
    /// Bytes of conversations not tracked in this window (the table was full).
    public private(set) var otherConversationBytes: Int64 = 0

    @inline(__always) func bucketStart(_ at: EpochSeconds) -> EpochSeconds { at - ((at % bucketSeconds) + bucketSeconds) % bucketSeconds }

    /// The buckets that ended at or before `upTo`, oldest first; they are forgotten here.
    public mutating func drain(upTo: EpochSeconds) -> [OPDTrafficSample] {
        var out: [OPDTrafficSample] = []
        for (b, counts) in buckets where b + bucketSeconds <= upTo {
            for (i, c) in counts.enumerated() where c.inPackets > 0 || c.outPackets > 0 {
                var s = OPDTrafficSample(site: map.sites[i], bucket: b)
                s.inBytes = c.inBytes
                s.outBytes = c.outBytes
                s.inPackets = c.inPackets
                s.outPackets = c.outPackets
                out.append(s)
            }
            buckets[b] = nil
        }
        return out.sorted { ($0.bucket, $0.site) < ($1.bucket, $1.site) }
    }

    /// The `n` conversations with the most bytes since the last call, most first; the window starts anew.
    public mutating func takeTopTalkers(_ n: Int) -> [(talker: Talker, bytes: Int64)] {
        let top = talkers.sorted { ($0.value, $0.key.source, $0.key.destination) > ($1.value, $1.key.source, $1.key.destination) }
            .prefix(max(0, n)).map { ($0.key, $0.value) }
        talkers.removeAll(keepingCapacity: true)
        otherConversationBytes = 0
        return top
    }

    /// Adds another counter's buckets, talkers and unattributed count (the capture thread counts
    /// into its own and hands it over, so the lock is taken once per batch, not per packet).
    public mutating func merge(_ other: inout OPDTrafficCounter) {
        for (b, counts) in other.buckets {
            if var mine = buckets[b] {
                for i in counts.indices {
                    mine[i].inBytes += counts[i].inBytes
                    mine[i].outBytes += counts[i].outBytes
                    mine[i].inPackets += counts[i].inPackets
                    mine[i].outPackets += counts[i].outPackets
                }
                buckets[b] = mine
            } else {
                buckets[b] = counts
            }
        }
        for (t, bytes) in other.talkers {
            if talkers.count < Self.maxConversations {
                talkers[t, default: 0] += bytes
            } else if let i = talkers.index(forKey: t) {
                talkers.values[i] += bytes
            } else {
                otherConversationBytes += bytes
            }
        }
        otherConversationBytes += other.otherConversationBytes
        other.otherConversationBytes = 0
        unattributed += other.unattributed
        other.buckets.removeAll(keepingCapacity: true)
        other.talkers.removeAll(keepingCapacity: true)
        other.unattributed = 0
    }
}
