/// What Pantau reads of one captured packet: addresses, protocol, port and IP length. Never
/// the payload.
public struct PacketHeader: Sendable, Hashable {
    /// IPv4 addresses in host byte order (0 for IPv6: OPD subnets are IPv4).
    public var source: UInt32
    public var destination: UInt32
    /// The IP packet's length on the wire (IPv4 total length, IPv6 payload + 40), so a snap
    /// length shorter than the packet does not change the byte counts.
    public var length: Int
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP; for IPv6 the first next header).
    public var proto: UInt8
    /// The lower of the two TCP/UDP ports (usually the service's); 0 without ports.
    public var port: UInt16
    public var isIPv6: Bool

    public init(source: UInt32, destination: UInt32, length: Int, proto: UInt8, port: UInt16 = 0, isIPv6: Bool = false) {
        self.source = source
        self.destination = destination
        self.length = length
        self.proto = proto
        self.port = port
        self.isIPv6 = isIPv6
    }
}

/// The link-layer framing of a capture (libpcap's DLT_*).
public enum LinkLayer: Sendable, Hashable {
    /// DLT_EN10MB (1): Ethernet, with up to two 802.1Q/802.1ad tags (mirror ports keep them).
    case ethernet
    /// DLT_LINUX_SLL (113): the "any" device's cooked header.
    case linuxCooked
    /// DLT_LINUX_SLL2 (276).
    case linuxCooked2
    /// DLT_RAW (12, 14 or 101): the IP header first.
    case raw

    /// nil for a framing Pantau does not read (the capture refuses to start with a clear error).
    public init?(dlt: Int32) {
        switch dlt {
        case 1: self = .ethernet
        case 113: self = .linuxCooked
        case 276: self = .linuxCooked2
        case 12, 14, 101: self = .raw
        default: return nil
        }
    }
}

/// Decodes the headers of one captured frame. Pure and allocation-free: called once per
/// packet on the capture thread.
public enum PacketDecoder {
    /// nil when the frame is not IP (ARP, LLDP, STP) or too short to read.
    public static func decode(_ frame: UnsafeRawBufferPointer, linkLayer: LinkLayer) -> PacketHeader? {
        var offset: Int
        var etherType: UInt16
        switch linkLayer {
        case .raw:
            guard frame.count >= 1 else { return nil }
            let version = frame[0] >> 4
            return version == 4 ? ipv4(frame, 0) : version == 6 ? ipv6(frame, 0) : nil
        case .ethernet:
            guard frame.count >= 14 else { return nil }
            etherType = be16(frame, 12)
            offset = 14
            var tags = 0
            while (etherType == 0x8100 || etherType == 0x88A8), tags < 2, frame.count >= offset + 4 {
                etherType = be16(frame, offset + 2)
                offset += 4
                tags += 1
            }
        case .linuxCooked:
            guard frame.count >= 16 else { return nil }
            etherType = be16(frame, 14)
            offset = 16
        case .linuxCooked2:
            guard frame.count >= 20 else { return nil }
            etherType = be16(frame, 0)
            offset = 20
        }
        switch etherType {
        case 0x0800: return ipv4(frame, offset)
        case 0x86DD: return ipv6(frame, offset)
        default: return nil
        }
    }

    static func ipv4(_ f: UnsafeRawBufferPointer, _ o: Int) -> PacketHeader? {
        guard f.count >= o + 20, f[o] >> 4 == 4 else { return nil }
        let ihl = Int(f[o] & 0x0F) * 4
        guard ihl >= 20 else { return nil }
        let proto = f[o + 9]
        var h = PacketHeader(source: be32(f, o + 12), destination: be32(f, o + 16), length: Int(be16(f, o + 2)), proto: proto)
        // Ports only in the first fragment, and only when captured.
        let fragmentOffset = be16(f, o + 6) & 0x1FFF
        if fragmentOffset == 0 { h.port = ports(f, o + ihl, proto) }
        return h
    }

    static func ipv6(_ f: UnsafeRawBufferPointer, _ o: Int) -> PacketHeader? {
        guard f.count >= o + 40, f[o] >> 4 == 6 else { return nil }
        let proto = f[o + 6]
        return PacketHeader(source: 0, destination: 0, length: Int(be16(f, o + 4)) + 40, proto: proto,
                            port: ports(f, o + 40, proto), isIPv6: true)
    }

    static func ports(_ f: UnsafeRawBufferPointer, _ o: Int, _ proto: UInt8) -> UInt16 {
        guard proto == 6 || proto == 17 || proto == 132, f.count >= o + 4 else { return 0 }
        return min(be16(f, o), be16(f, o + 2))
    }

    @inline(__always) static func be16(_ f: UnsafeRawBufferPointer, _ o: Int) -> UInt16 { UInt16(f[o]) << 8 | UInt16(f[o + 1]) }
    @inline(__always) static func be32(_ f: UnsafeRawBufferPointer, _ o: Int) -> UInt32 {
        UInt32(f[o]) << 24 | UInt32(f[o + 1]) << 16 | UInt32(f[o + 2]) << 8 | UInt32(f[o + 3])
    }
}
