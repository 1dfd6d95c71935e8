/// IF-MIB ifTable/ifXTable rows into `InterfaceReading`s (ifDescr when ifName is missing).
public enum IFMIBDecoder {
    public static let columns = SNMPObjects.interfaceColumns + [SNMPObjects.ifDescr]
    /// The columns for a device without ifXTable: the same plus the 32-bit counters and ifSpeed.
    public static let legacyColumns = columns + SNMPObjects.legacyCounterColumns

    public static func decode(_ t: TableView) -> [InterfaceReading] {
        let indexes = Set(t.column(SNMPObjects.ifOperStatus).keys).union(t.column(SNMPObjects.ifName).keys)
        return indexes.compactMap { idx -> InterfaceReading? in
            guard idx.count == 1 else { return nil }
            let name = t.value(SNMPObjects.ifName, idx)?.text ?? t.value(SNMPObjects.ifDescr, idx)?.text ?? "ifIndex \(idx[0])"
            let hcIn = t.value(SNMPObjects.ifHCInOctets, idx)?.uint64, hcOut = t.value(SNMPObjects.ifHCOutOctets, idx)?.uint64
            // Without ifXTable (or over SNMPv1): the 32-bit counters and ifSpeed (bit/s), wraps handled by the rate.
            let legacy = hcIn == nil && hcOut == nil
            var r = InterfaceReading(
                ifIndex: idx[0], name: name, alias: t.value(SNMPObjects.ifAlias, idx)?.text ?? "",
                adminStatus: Int(t.value(SNMPObjects.ifAdminStatus, idx)?.int ?? 0),
                operStatus: Int(t.value(SNMPObjects.ifOperStatus, idx)?.int ?? 0),
                highSpeedMbps: t.value(SNMPObjects.ifHighSpeed, idx)?.uint64 ?? (t.value(SNMPObjects.ifSpeed, idx)?.uint64 ?? 0) / 1_000_000,
                inOctets: hcIn ?? t.value(SNMPObjects.ifInOctets, idx)?.uint64,
                outOctets: hcOut ?? t.value(SNMPObjects.ifOutOctets, idx)?.uint64,
                inErrors: t.value(SNMPObjects.ifInErrors, idx)?.uint64,
                outErrors: t.value(SNMPObjects.ifOutErrors, idx)?.uint64,
                discontinuityTicks: t.value(SNMPObjects.ifCounterDiscontinuityTime, idx)?.uint64)
            if legacy && (r.inOctets != nil || r.outOctets != nil) { r.counterBits = 32 }
            return r
        }.sorted { $0.ifIndex < $1.ifIndex }
    }
}
