import Foundation

/// Vendor optical tables into `OpticalReading`s keyed by ifName. Units per
/// `../shared/reference/oid-table.csv`.
public enum OpticalDecoders {
    /// Columns to walk for a table (nil for non-optical tables).
    public static func columns(for table: String) -> [OID] {
        switch table {
        case "mikrotik-optical":
            [SNMPObjects.mtxrOpticalName, SNMPObjects.mtxrOpticalRxLoss, SNMPObjects.mtxrOpticalTxPower, SNMPObjects.mtxrOpticalRxPower]
        case "cisco-entity-sensor":
            [SNMPObjects.entSensorType, SNMPObjects.entSensorScale, SNMPObjects.entSensorPrecision, SNMPObjects.entSensorValue,
             SNMPObjects.entSensorThresholdSeverity, SNMPObjects.entSensorThresholdRelation, SNMPObjects.entSensorThresholdValue,
             SNMPObjects.entPhysicalName, SNMPObjects.entPhysicalContainedIn, SNMPObjects.entAliasMappingIdentifier]
        case "huawei-optical":
            [SNMPObjects.hwEntityOpticalRxPower, SNMPObjects.hwEntityOpticalTxPower, SNMPObjects.hwEntityOpticalRxLowThreshold,
             SNMPObjects.entPhysicalName, SNMPObjects.entAliasMappingIdentifier]
        case "juniper-dom":
            [SNMPObjects.jnxDomCurrentAlarms, SNMPObjects.jnxDomCurrentRxLaserPower, SNMPObjects.jnxDomCurrentTxLaserOutputPower,
             SNMPObjects.jnxDomCurrentRxLaserPowerLowAlarmThreshold, SNMPObjects.jnxDomCurrentRxLaserPowerLowWarningThreshold]
        default: []
        }
    }

    /// MikroTik: mtxrOpticalName is the interface name; powers in 0.001 dBm; RxLoss true(1) = LOS.
    public static func mikrotik(_ t: TableView) -> [OpticalReading] {
        t.column(SNMPObjects.mtxrOpticalName).compactMap { idx, nameValue in
            guard let name = nameValue.text else { return nil }
            return OpticalReading(interface: name,
                                  rxDbm: t.value(SNMPObjects.mtxrOpticalRxPower, idx)?.int.map { Double($0) / 1000 },
                                  txDbm: t.value(SNMPObjects.mtxrOpticalTxPower, idx)?.int.map { Double($0) / 1000 },
                                  lossOfSignal: t.value(SNMPObjects.mtxrOpticalRxLoss, idx)?.int.map { $0 == 1 })
        }.sorted { $0.interface < $1.interface }
    }

    /// Juniper DOM: indexed by ifIndex; 0.01 dBm; alarm bit 0 (first octet's high bit) = rx loss of signal.
    public static func juniper(_ t: TableView, ifNames: [UInt32: String]) -> [OpticalReading] {
        t.column(SNMPObjects.jnxDomCurrentRxLaserPower).compactMap { idx, rx in
            guard idx.count == 1, let name = ifNames[idx[0]] else { return nil }
            var los: Bool?
            if case .octets(let bits)? = t.value(SNMPObjects.jnxDomCurrentAlarms, idx) { los = (bits.first ?? 0) & 0x80 != 0 }
            return OpticalReading(interface: name, rxDbm: rx.int.map(centi),
                                  txDbm: t.value(SNMPObjects.jnxDomCurrentTxLaserOutputPower, idx)?.int.map(centi),
                                  lossOfSignal: los,
                                  rxLowAlarmDbm: t.value(SNMPObjects.jnxDomCurrentRxLaserPowerLowAlarmThreshold, idx)?.int.map(centi),
                                  rxLowWarnDbm: t.value(SNMPObjects.jnxDomCurrentRxLaserPowerLowWarningThreshold, idx)?.int.map(centi))
        }.sorted { $0.interface < $1.interface }
    }

    /// Huawei entity-extent, indexed by entPhysicalIndex. Recorded devices (snmpsim-data
    /// huawei-s12704) report rx/tx power in microwatts — their own string columns give the same
    /// power in 0.01 dBm — while the thresholds are in 0.01 dBm. A negative power can only be
    /// 0.01 dBm (newer firmware); -1 and ±2147483647 mean no module.
    public static func huawei(_ t: TableView, ifNames: [UInt32: String]) -> [OpticalReading] {
        let ports = EntityPorts(t, ifNames: ifNames)
        func power(_ v: Int64?) -> (dbm: Double?, dark: Bool) {
            guard let v, v != -1, abs(v) < 2_147_483_647 else { return (nil, false) }
            if v > 0 { return (10 * log10(Double(v) / 1000), false) }
            if v == 0 { return (nil, true) }
            return (centi(v), false)
        }
        func threshold(_ v: Int64?) -> Double? {
            guard let v, abs(v) < 2_147_483_647, v != -1 else { return nil }
            return centi(v)
        }
        return t.column(SNMPObjects.hwEntityOpticalRxPower).compactMap { idx, rx in
            guard idx.count == 1, let name = ports.interface(of: idx[0]) else { return nil }
            let r = power(rx.int)
            guard r.dbm != nil || r.dark else { return nil }
            return OpticalReading(interface: name, rxDbm: r.dbm,
                                  txDbm: power(t.value(SNMPObjects.hwEntityOpticalTxPower, idx)?.int).dbm,
                                  lossOfSignal: r.dark ? true : nil,
                                  rxLowAlarmDbm: threshold(t.value(SNMPObjects.hwEntityOpticalRxLowThreshold, idx)?.int))
        }.sorted { $0.interface < $1.interface }
    }

    /// Cisco entity sensors: type 14 (dBm); value x 10^(3 x (scale - 9)) / 10^precision; the port
    /// is the sensor's container (entAliasMapping to ifIndex) or the ifName its entPhysicalName starts with.
    public static func cisco(_ t: TableView, ifNames: [UInt32: String]) -> [OpticalReading] {
        let ports = EntityPorts(t, ifNames: ifNames)
        var byPort: [String: OpticalReading] = [:]
        for (idx, type) in t.column(SNMPObjects.entSensorType) where type.int == 14 && idx.count == 1 {
            let e = idx[0]
            guard let raw = t.value(SNMPObjects.entSensorValue, idx)?.int else { continue }
            let scale = t.value(SNMPObjects.entSensorScale, idx)?.int ?? 9
            let precision = t.value(SNMPObjects.entSensorPrecision, idx)?.int ?? 0
            func decode(_ v: Int64) -> Double { Double(v) * pow(10, Double(3 * (scale - 9))) / pow(10, Double(precision)) }
            let sensorName = t.value(SNMPObjects.entPhysicalName, idx)?.text ?? ""
            guard let port = ports.interface(of: t.value(SNMPObjects.entPhysicalContainedIn, idx)?.int.map { UInt32($0) } ?? 0)
                    ?? ports.interface(of: e) ?? ports.interface(prefixOf: sensorName) else { continue }
            let lower = sensorName.lowercased()
            let isRx = lower.contains("receive") || lower.contains(" rx")
            let isTx = lower.contains("transmit") || lower.contains(" tx")
            guard isRx || isTx else { continue }
            var r = byPort[port] ?? OpticalReading(interface: port)
            if isRx {
                r.rxDbm = decode(raw)
                // Thresholds: relation lessThan(1)/lessOrEqual(2); severity minor(10) warn, major(20)/critical(30) alarm.
                for (tidx, sev) in t.column(SNMPObjects.entSensorThresholdSeverity) where tidx.count == 2 && tidx[0] == e {
                    guard let rel = t.value(SNMPObjects.entSensorThresholdRelation, tidx)?.int, rel == 1 || rel == 2,
                          let v = t.value(SNMPObjects.entSensorThresholdValue, tidx)?.int, let s = sev.int else { continue }
                    if s == 10 { r.rxLowWarnDbm = max(r.rxLowWarnDbm ?? -.infinity, decode(v)) }
                    if s >= 20 { r.rxLowAlarmDbm = max(r.rxLowAlarmDbm ?? -.infinity, decode(v)) }
                }
            } else {
                r.txDbm = decode(raw)
            }
            byPort[port] = r
        }
        return byPort.values.sorted { $0.interface < $1.interface }
    }

    static func centi(_ v: Int64) -> Double { Double(v) / 100 }
}

/// ENTITY-MIB physical entities mapped to interfaces: entAliasMappingIdentifier (a RowPointer
/// ending in the ifIndex) first, else an ifName that the entity's name equals or starts with.
struct EntityPorts {
    var byEntity: [UInt32: String] = [:]
    let names: [String]

    init(_ t: TableView, ifNames: [UInt32: String]) {
        names = ifNames.values.sorted { $0.count > $1.count }
        for (idx, v) in t.column(SNMPObjects.entAliasMappingIdentifier) where idx.count >= 1 {
            if case .oid(let o) = v, SNMPObjects.ifIndex.isPrefix(of: o), let i = o.arcs.last, let n = ifNames[i] {
                byEntity[idx[0]] = n
            }
        }
        for (idx, v) in t.column(SNMPObjects.entPhysicalName) where idx.count == 1 && byEntity[idx[0]] == nil {
            if let text = v.text, let n = names.first(where: { $0 == text }) { byEntity[idx[0]] = n }
        }
    }

    func interface(of entity: UInt32) -> String? { byEntity[entity] }

    func interface(prefixOf text: String) -> String? {
        names.first { !$0.isEmpty && (text == $0 || text.hasPrefix($0 + " ")) }
    }
}
