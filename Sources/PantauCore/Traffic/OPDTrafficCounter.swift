/// Bytes and packets to and from one OPD in one time bucket, as a mirror port saw them.
public struct OPDTrafficSample: Sendable, Hashable {
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
/// service drains it.
public struct OPDTrafficCounter: Sendable {
    public let map: SubnetMap
    public let bucketSeconds: Int64
    var buckets: [String: [EpochSeconds: OPDTrafficSample]] = [:]
    var talkers: [Talker: Int64] = [:]
    /// Packets whose addresses belong to no site (counted, not attributed).
    public private(set) var unattributed: Int64 = 0

    public init(map: SubnetMap, bucketSeconds: Int64 = 60) {
        self.map = map
        self.bucketSeconds = max(1, bucketSeconds)
    }

    /// One packet of `length` bytes (its IP length) seen at `at`.
    public mutating func count(source: UInt32, destination: UInt32, length: Int, proto: UInt8, port: UInt16, at: EpochSeconds) {
        let bucket = at - ((at % bucketSeconds) + bucketSeconds) % bucketSeconds
        let from = map.site(of: source), to = map.site(of: destination)
        if from == nil && to == nil { unattributed += 1 }
        if let to {
            buckets[to, default: [:]][bucket, default: OPDTrafficSample(site: to, bucket: bucket)].inBytes += Int64(length)
            buckets[to]![bucket]!.inPackets += 1
        }
        if let from {
            buckets[from, default: [:]][bucket, default: OPDTrafficSample(site: from, bucket: bucket)].outBytes += Int64(length)
            buckets[from]![bucket]!.outPackets += 1
        }
        talkers[Talker(source: source, destination: destination, proto: proto, port: port), default: 0] += Int64(length)
    }

    /// The buckets that ended at or before `upTo`, oldest first; they are forgotten here.
    public mutating func drain(upTo: EpochSeconds) -> [OPDTrafficSample] {
        var out: [OPDTrafficSample] = []
        for (site, perBucket) in buckets {
            for (b, sample) in perBucket where b + bucketSeconds <= upTo {
                out.append(sample)
                buckets[site]![b] = nil
            }
            if buckets[site]!.isEmpty { buckets[site] = nil }
        }
        return out.sorted { ($0.bucket, $0.site) < ($1.bucket, $1.site) }
    }

    /// The `n` conversations with the most bytes since the last call, most first; the window starts anew.
    public mutating func takeTopTalkers(_ n: Int) -> [(talker: Talker, bytes: Int64)] {
        let top = talkers.sorted { ($0.value, $0.key.source, $0.key.destination) > ($1.value, $1.key.source, $1.key.destination) }
            .prefix(max(0, n)).map { ($0.key, $0.value) }
        talkers.removeAll(keepingCapacity: true)
        return top
    }
}
