import PantauCore
import PantauProbes

/// Compares the inventory's links with the neighbours the devices report (LLDP-MIB and
/// MikroTik's neighbour table). Pure: give it one reading per device and their sysNames.
public struct TopologyCrossCheck: Sendable {
    public let inventory: Inventory
    /// Folded system name (sysName, device id) -> device id.
    let byName: [String: String]

    /// `sysNames`: device id -> sysName.0 as the device reported it (optional per device).
    public init(inventory: Inventory, sysNames: [String: String]) {
        self.inventory = inventory
        var names: [String: String] = [:]
        for d in inventory.devices { names[InterfaceNames.system(d.id)] = d.id }
        for (id, name) in sysNames where !name.isEmpty { names[InterfaceNames.system(name)] = id }
        byName = names
    }

    /// The inventory device a neighbour's system name stands for, if any.
    public func device(named system: String) -> String? { byName[InterfaceNames.system(system)] }

    /// Every link end checked from its device, then device ports that see another inventory
    /// device without an inventory link. Ordered: disagreements first, then by link and device.
    public func run(_ readings: [String: DeviceReading]) -> [TopologyFinding] {
        var out: [TopologyFinding] = []
        for link in inventory.links where link.a != nil {
            for (end, other) in [(link.a, link.b), (link.b, link.a)] {
                guard let end else { continue }
                out.append(check(link, end: end, other: other, reading: readings[end.device]))
            }
        }
        out += undeclared(readings)
        let rank: [TopologyFinding.Verdict: Int] = [.mismatch: 0, .notInInventory: 1, .unreachable: 2, .noDiscovery: 3,
                                                    .noNeighbor: 4, .unverified: 5, .agrees: 6]
        return out.sorted { ((rank[$0.verdict]!, $0.link ?? "~", $0.device, $0.interface)
                             < (rank[$1.verdict]!, $1.link ?? "~", $1.device, $1.interface)) }
    }

    func check(_ link: Link, end: LinkEnd, other: LinkEnd?, reading: DeviceReading?) -> TopologyFinding {
        let farSite = end == link.a ? link.to : link.from
        let expected = other.map { "\($0.device) \($0.interface)" } ?? "site \(farSite)"
        var f = TopologyFinding(link: link.id, device: end.device, interface: end.interface, expected: expected, seen: "",
                                verdict: .agrees)
        guard let reading, reading.failure == nil else {
            f.verdict = .unreachable
            f.detail = reading?.failure?.message ?? "no SNMP credentials for this device"
            return f
        }
        guard !reading.neighbors.isEmpty else {
            f.verdict = .noDiscovery
            f.detail = "the device reports no neighbour on any port (LLDP off or not readable)"
            return f
        }
        let here = reading.neighbors.filter { InterfaceNames.same($0.localInterface, end.interface) }
        guard let first = here.first else {
            f.verdict = .noNeighbor
            f.detail = reading.interface(named: end.interface).map { $0.isOperUp ? "port up, no neighbour announced" : "port not up" }
                ?? "port \(end.interface) not found on the device"
            return f
        }
        f.seen = here.map(describe).joined(separator: "; ")
        if let other {
            let matching = here.filter { sees($0, other) }
            if !matching.isEmpty {
                f.seen = (matching + here.filter { !sees($0, other) }).map(describe).joined(separator: "; ")
                return f
            }
            f.verdict = .mismatch
            f.detail = device(named: first.remoteSystem).map { "the port leads to inventory device \($0)" }
                ?? "the neighbour is not an inventory device"
            return f
        }
        // Only the `a` end is in the inventory: the neighbour must at least sit at the far site.
        if let id = device(named: first.remoteSystem), let d = inventory.device(id) {
            if d.site != farSite {
                f.verdict = .mismatch
                f.detail = "the port leads to \(id) at site \(d.site), the link goes to \(farSite)"
            } else {
                f.verdict = .unverified
                f.detail = "add b: {device: \(id), interface: \(first.remotePort.isEmpty ? "…" : first.remotePort)}"
            }
        } else {
            f.verdict = .unverified
            f.detail = "no b end in the inventory"
        }
        return f
    }

    /// Does this neighbour stand for that link end?
    func sees(_ n: NeighborReading, _ end: LinkEnd) -> Bool {
        guard device(named: n.remoteSystem) == end.device else { return false }
        if n.remotePort.isEmpty && n.remotePortDescription.isEmpty { return true }  // MikroTik: no remote port
        return InterfaceNames.same(n.remotePort, end.interface) || InterfaceNames.same(n.remotePortDescription, end.interface)
    }

    func undeclared(_ readings: [String: DeviceReading]) -> [TopologyFinding] {
        let used = Set(inventory.links.flatMap(\.ends).map { "\($0.device)|\(InterfaceNames.fold($0.interface))" })
        var out: [TopologyFinding] = []
        for (id, r) in readings where r.failure == nil {
            for n in r.neighbors {
                guard let other = device(named: n.remoteSystem), other != id else { continue }
                guard !used.contains("\(id)|\(InterfaceNames.fold(n.localInterface))"),
                      !inventory.links.flatMap(\.ends).contains(where: { $0.device == id && InterfaceNames.same($0.interface, n.localInterface) })
                else { continue }
                out.append(TopologyFinding(link: nil, device: id, interface: n.localInterface, expected: "", seen: describe(n),
                                           verdict: .notInInventory,
                                           detail: "\(id) \(n.localInterface) sees inventory device \(other); no link uses this port"))
            }
        }
        return out
    }

    func describe(_ n: NeighborReading) -> String {
        let port = n.remotePort.isEmpty ? n.remotePortDescription : n.remotePort
        let sys = n.remoteSystem.isEmpty ? "(no name)" : n.remoteSystem
        return port.isEmpty ? "\(sys) (\(n.source))" : "\(sys) \(port) (\(n.source))"
    }
}
