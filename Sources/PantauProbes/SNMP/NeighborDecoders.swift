/// LLDP-MIB remote table and MikroTik's neighbour table into `NeighborReading`s.
public enum NeighborDecoders {
    public static let lldpColumns = [SNMPObjects.lldpLocPortIdSubtype, SNMPObjects.lldpLocPortId, SNMPObjects.lldpLocPortDesc,
                                     SNMPObjects.lldpRemPortIdSubtype, SNMPObjects.lldpRemPortId,
                                     SNMPObjects.lldpRemPortDesc, SNMPObjects.lldpRemSysName]
    public static let mikrotikColumns = [SNMPObjects.mtxrNeighborIdentity, SNMPObjects.mtxrNeighborInterfaceID]

    /// LLDP port id subtypes (IEEE 802.1AB): 3 macAddress, 5 interfaceName, 7 local.
    static let macAddress: Int64 = 3, interfaceName: Int64 = 5

    /// lldpRemTable is indexed timeMark.localPortNum.remIndex. The local port is named, in
    /// order: its port id when that is an interface name (Huawei); its description when that is
    /// an ifName (Cisco, whose port id is a MAC); the ifName of ifIndex = localPortNum (Juniper,
    /// HPE, whose port id is a number); else whatever the device gave.
    public static func lldp(_ t: TableView, ifNames: [UInt32: String] = [:]) -> [NeighborReading] {
        let knownNames = Set(ifNames.values)
        return t.column(SNMPObjects.lldpRemSysName).compactMap { idx, sys in
            guard idx.count == 3 else { return nil }
            let portNum = idx[1], local = [portNum]
            let locId = nonEmpty(t.value(SNMPObjects.lldpLocPortId, local)?.text)
            let locDesc = nonEmpty(t.value(SNMPObjects.lldpLocPortDesc, local)?.text)
            let locSubtype = t.value(SNMPObjects.lldpLocPortIdSubtype, local)?.int
            let localName: String
            if locSubtype == interfaceName, let locId { localName = locId }
            else if let locDesc, knownNames.contains(locDesc) { localName = locDesc }
            else if let locId, knownNames.contains(locId) { localName = locId }
            else if portNum <= UInt64(UInt32.max), let n = ifNames[UInt32(portNum)] { localName = n }
            else { localName = locDesc ?? locId ?? "port \(portNum)" }

            let remSubtype = t.value(SNMPObjects.lldpRemPortIdSubtype, idx)?.int
            let remDesc = nonEmpty(t.value(SNMPObjects.lldpRemPortDesc, idx)?.text.map(printable)) ?? ""
            var remPort = ""
            if let raw = t.value(SNMPObjects.lldpRemPortId, idx) {
                if remSubtype == macAddress, case .octets(let b) = raw, b.count == 6 {
                    remPort = b.map { hex($0) }.joined(separator: ":")
                } else {
                    remPort = nonEmpty(raw.text.map(printable)) ?? ""
                }
            }
            return NeighborReading(localInterface: localName, remoteSystem: printable(sys.text ?? ""), remotePort: remPort,
                                   remotePortDescription: remDesc, source: "lldp")
        }.sorted { ($0.localInterface, $0.remoteSystem) < ($1.localInterface, $1.remoteSystem) }
    }

    /// mtxrNeighborTable: identity and the local interface (an ifIndex). RouterOS does not
    /// tell the neighbour's port in this table.
    public static func mikrotik(_ t: TableView, ifNames: [UInt32: String]) -> [NeighborReading] {
        t.column(SNMPObjects.mtxrNeighborIdentity).compactMap { idx, ident in
            let ifi = t.value(SNMPObjects.mtxrNeighborInterfaceID, idx)?.int.map { UInt32(truncatingIfNeeded: $0) }
            let local = ifi.flatMap { ifNames[$0] } ?? "ifIndex \(ifi ?? 0)"
            return NeighborReading(localInterface: local, remoteSystem: printable(ident.text ?? ""), remotePort: "", source: "mikrotik")
        }.sorted { $0.localInterface < $1.localInterface }
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = s.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        return t.isEmpty ? nil : String(t)
    }

    /// Text fit for a table: control characters and undecodable bytes (GBK descriptions on
    /// some Chinese-market gear) become "?", so a report never carries terminal escapes.
    static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f || $0 == "\u{FFFD}" ? "?" : $0 }))
    }

    static func hex(_ b: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(b >> 4)], d[Int(b & 0xf)]])
    }
}
