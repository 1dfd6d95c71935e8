/// How the passive traffic capture runs (`probes/capture.yaml`).
public struct CaptureConfig: Sendable, Hashable {
    /// The SPAN/mirror interface; nil: no capture.
    public var interface: String?
    /// A BPF filter (tcpdump syntax); empty: everything.
    public var filter = ""
    /// Bytes kept per packet: enough for the headers (Ethernet + 2 VLAN tags + IPv6 + ports).
    public var snapLength = 128
    /// The kernel ring buffer (MB): bursts at line rate wait here while a bucket is handed over.
    public var bufferMB = 32
    public var promiscuous = true
    /// Length of one traffic bucket (seconds); per-OPD counts are kept per bucket.
    public var bucketSeconds: Int64 = 60
    /// Conversations kept per bucket in the top-talker list.
    public var topTalkers = 20
    /// How long top-talker lists are kept (seconds); per-OPD aggregates follow the rollup retention.
    public var talkerRetentionSeconds: Int64 = 86_400

    public init() {}
}

/// What the capture itself reports: libpcap's counters since it started, and what Pantau
/// could not attribute.
public struct CaptureStatistics: Sendable, Hashable, Codable {
    public var interface: String
    /// Packets handed to Pantau by the kernel (pcap_stats ps_recv).
    public var received: Int64 = 0
    /// Dropped in the kernel because Pantau did not read fast enough (ps_drop): must stay 0.
    public var dropped: Int64 = 0
    /// Dropped by the interface or its driver (ps_ifdrop).
    public var interfaceDropped: Int64 = 0
    /// IP packets whose addresses belong to no site's subnets (IPv6 included).
    public var unattributed: Int64 = 0
    /// Frames that were not IP (ARP, LLDP, STP).
    public var nonIP: Int64 = 0

    public init(interface: String) { self.interface = interface }
}

/// One conversation of a top-talker list, as stored and shown.
public struct TalkerSample: Sendable, Hashable, Codable {
    public var bucket: EpochSeconds
    public var source: String
    public var destination: String
    public var proto: UInt8
    public var port: UInt16
    public var bytes: Int64

    public init(bucket: EpochSeconds, source: String, destination: String, proto: UInt8, port: UInt16, bytes: Int64) {
        self.bucket = bucket
        self.source = source
        self.destination = destination
        self.proto = proto
        self.port = port
        self.bytes = bytes
    }

    /// "tcp/443", "udp/53", "icmp".
    public var service: String {
        let name = [1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 132: "sctp"][Int(proto)] ?? "ip-\(proto)"
        return port == 0 ? name : "\(name)/\(port)"
    }
}

extension TalkerSample {
    /// Conversations summed over their buckets, most bytes first (`bucket`: the first in which
    /// each was seen). With `within`, only those with an end in one of those subnets.
    public static func ranked(_ samples: [TalkerSample], within map: SubnetMap? = nil) -> [TalkerSample] {
        var sums: [String: TalkerSample] = [:]
        for t in samples {
            if let map {
                let ends = [t.source, t.destination].compactMap { IPv4Literal.parse($0).map(IPv4Subnet.address) }
                guard ends.contains(where: { map.index(of: $0) != nil }) else { continue }
            }
            let key = "\(t.source)>\(t.destination) \(t.service)"
            if var s = sums[key] {
                s.bytes += t.bytes
                s.bucket = min(s.bucket, t.bucket)
                sums[key] = s
            } else {
                sums[key] = t
            }
        }
        return sums.values.sorted { ($0.bytes, $1.source, $1.destination) > ($1.bytes, $0.source, $0.destination) }
    }
}
