/// LLDP-MIB remote table and MikroTik's neighbour table into `NeighborReading`s.
public enum NeighborDecoders {
    public static let lldpColumns = [SNMPObjects.lldpLocPortId, SNMPObjects.lldpLocPortDesc, SNMPObjects.lldpRemPortId,
                                     SNMPObjects.lldpRemPortDesc, SNMPObjects.lldpRemSysName]
    public static let mikrotikColumns = [SNMPObjects.mtxrNeighborIdentity, SNMPObjects.mtxrNeighborInterfaceID]

    /// lldpRemTable is indexed timeMark.localPortNum.remIndex; the local port's name is
    /// lldpLocPortDesc or lldpLocPortId (usually the ifName).
    public static func lldp(_ t: TableView) -> [NeighborReading] {
        t.column(SNMPObjects.lldpRemSysName).compactMap { idx, sys in
            guard idx.count == 3 else { return nil }
            let local = [idx[1]]
            let localName = t.value(SNMPObjects.lldpLocPortId, local)?.text.flatMap { $0.isEmpty ? nil : $0 }
                ?? t.value(SNMPObjects.lldpLocPortDesc, local)?.text ?? "port \(idx[1])"
            let remotePort = t.value(SNMPObjects.lldpRemPortId, idx)?.text.flatMap { $0.isEmpty ? nil : $0 }
                ?? t.value(SNMPObjects.lldpRemPortDesc, idx)?.text ?? ""
            return NeighborReading(localInterface: localName, remoteSystem: sys.text ?? "", remotePort: remotePort, source: "lldp")
        }.sorted { ($0.localInterface, $0.remoteSystem) < ($1.localInterface, $1.remoteSystem) }
    }

    /// mtxrNeighborTable: identity and the local interface (an ifIndex).
    public static func mikrotik(_ t: TableView, ifNames: [UInt32: String]) -> [NeighborReading] {
        t.column(SNMPObjects.mtxrNeighborIdentity).compactMap { idx, ident in
            let ifi = t.value(SNMPObjects.mtxrNeighborInterfaceID, idx)?.int.map { UInt32($0) }
            let local = ifi.flatMap { ifNames[$0] } ?? "ifIndex \(ifi ?? 0)"
            return NeighborReading(localInterface: local, remoteSystem: ident.text ?? "", remotePort: "", source: "mikrotik")
        }.sorted { $0.localInterface < $1.localInterface }
    }
}
