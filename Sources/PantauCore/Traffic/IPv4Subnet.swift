/// An IPv4 subnet in CIDR form (`10.10.1.0/24`): the addresses of one OPD's LAN, for counting
/// mirrored traffic per OPD.
public struct IPv4Subnet: Sendable, Hashable, CustomStringConvertible {
    /// The network address in host byte order.
    public let network: UInt32
    public let prefix: Int

    /// Parses `a.b.c.d/n`; nil when malformed or when host bits are set (`10.10.1.5/24`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let octets = IPv4Literal.parse(String(parts[0])), let n = Int(parts[1]), (0...32).contains(n),
              parts[1].allSatisfy(\.isNumber) else { return nil }
        let a = Self.address(octets)
        let mask: UInt32 = n == 0 ? 0 : ~UInt32(0) << (32 - n)
        guard a & ~mask == 0 else { return nil }
        network = a
        prefix = n
    }

    public var mask: UInt32 { prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix) }

    public func contains(_ address: UInt32) -> Bool { address & mask == network }

    /// Four octets (network order) as a host-order integer.
    public static func address(_ o: [UInt8]) -> UInt32 { UInt32(o[0]) << 24 | UInt32(o[1]) << 16 | UInt32(o[2]) << 8 | UInt32(o[3]) }

    public static func text(_ a: UInt32) -> String { "\(a >> 24).\(a >> 16 & 0xff).\(a >> 8 & 0xff).\(a & 0xff)" }

    public var description: String { "\(Self.text(network))/\(prefix)" }
}

/// Which site an address belongs to: the longest matching prefix among the sites' subnets (a
/// POP's /16 and an OPD's /24 inside it: the OPD wins). At most 33 hash lookups per address.
public struct SubnetMap: Sendable {
    /// The sites that have subnets, in inventory order; `index(of:)` points into it.
    public let sites: [String]
    /// prefix length -> network -> site index, longest prefixes first.
    let byPrefix: [(prefix: Int, mask: UInt32, networks: [UInt32: Int])]

    public init(sites: [Site]) {
        var table: [Int: [UInt32: Int]] = [:]
        var ids: [String] = []
        for s in sites where !s.subnets.isEmpty {
            ids.append(s.id)
            for n in s.subnets { table[n.prefix, default: [:]][n.network] = ids.count - 1 }
        }
        self.sites = ids
        byPrefix = table.keys.sorted(by: >).map { p in (p, p == 0 ? 0 : ~UInt32(0) << (32 - p), table[p]!) }
    }

    public var isEmpty: Bool { byPrefix.isEmpty }

    /// The index (into `sites`) of the site the address belongs to.
    @inline(__always) public func index(of address: UInt32) -> Int? {
        for entry in byPrefix {
            if let s = entry.networks[address & entry.mask] { return s }
        }
        return nil
    }

    public func site(of address: UInt32) -> String? { index(of: address).map { sites[$0] } }
}
