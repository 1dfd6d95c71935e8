import PantauCore

/// One result of comparing an inventory link (or a device port) with what the devices see.
public struct TopologyFinding: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        /// The neighbour seen on the port is the inventory's other end.
        case agrees
        /// The port sees another device or port than the inventory says.
        case mismatch
        /// Two inventory devices see each other on a port no inventory link uses.
        case notInInventory = "not-in-inventory"
        /// The inventory link has no `b` end; what the port sees is shown for completion.
        case unverified
        /// The port sees no neighbour (link down, LLDP off on the far side, or a media converter).
        case noNeighbor = "no-neighbor"
        /// The device reports no neighbour on any port: LLDP (or MikroTik discovery) is off or not readable.
        case noDiscovery = "no-discovery"
        /// The device did not answer.
        case unreachable
    }

    /// The inventory link, nil for `notInInventory`.
    public var link: String?
    public var device: String
    public var interface: String
    /// What the inventory expects on the far side ("kota-sw1 Gi0/1", "site kota"), or "".
    public var expected: String
    /// What the device sees ("KOTA-SW1 Gi0/1 (lldp)"), or "".
    public var seen: String
    public var verdict: Verdict
    public var detail: String

    public init(link: String?, device: String, interface: String, expected: String, seen: String, verdict: Verdict, detail: String = "") {
        self.link = link
        self.device = device
        self.interface = interface
        self.expected = expected
        self.seen = seen
        self.verdict = verdict
        self.detail = detail
    }

    /// Mismatches and undeclared links: where the inventory is wrong (or the cabling is).
    public var isDisagreement: Bool { verdict == .mismatch || verdict == .notInInventory }
}
