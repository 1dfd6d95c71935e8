/// IF-MIB ifTable/ifXTable rows into `InterfaceReading`s (ifDescr when ifName is missing).
public enum IFMIBDecoder {
    public static let columns = SNMPObjects.interfaceColumns + [SNMPObjects.ifDescr]

    public static func decode(_ t: TableView) -> [InterfaceReading] {
        let indexes = Set(t.column(SNMPObjects.ifOperStatus).keys).union(t.column(SNMPObjects.ifName).keys)
        return indexes.compactMap { idx -> InterfaceReading? in
            guard idx.count == 1 else { return nil }
            let name = t.value(SNMPObjects.ifName, idx)?.text ?? t.value(SNMPObjects.ifDescr, idx)?.text ?? "ifIndex \(idx[0])"
            return InterfaceReading(
                ifIndex: idx[0], name: name, alias: t.value(SNMPObjects.ifAlias, idx)?.text ?? "",
                adminStatus: Int(t.value(SNMPObjects.ifAdminStatus, idx)?.int ?? 0),
                operStatus: Int(t.value(SNMPObjects.ifOperStatus, idx)?.int ?? 0),
                highSpeedMbps: t.value(SNMPObjects.ifHighSpeed, idx)?.uint64 ?? 0,
                inOctets: t.value(SNMPObjects.ifHCInOctets, idx)?.uint64,
                outOctets: t.value(SNMPObjects.ifHCOutOctets, idx)?.uint64,
                inErrors: t.value(SNMPObjects.ifInErrors, idx)?.uint64,
                outErrors: t.value(SNMPObjects.ifOutErrors, idx)?.uint64,
                discontinuityTicks: t.value(SNMPObjects.ifCounterDiscontinuityTime, idx)?.uint64)
        }.sorted { $0.ifIndex < $1.ifIndex }
    }
}
