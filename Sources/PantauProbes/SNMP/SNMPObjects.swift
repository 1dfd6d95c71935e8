import PantauCore
/// The numeric OIDs Pantau reads, named as in their MIBs (see `../shared/reference/oid-table.csv`
/// for units and sources). Debian ships no MIB files, so names live here.
public enum SNMPObjects {
    // SNMPv2-MIB
    public static let sysDescr: OID = "1.3.6.1.2.1.1.1.0"
    public static let sysObjectID: OID = "1.3.6.1.2.1.1.2.0"
    public static let sysUpTime: OID = "1.3.6.1.2.1.1.3.0"
    public static let sysName: OID = "1.3.6.1.2.1.1.5.0"
    /// IF-MIB ifXEntry (table, entry = table.1, columns are entry.column).
    public static let ifXTable: OID = "1.3.6.1.2.1.31.1.1"
    public static let ifXEntry: OID = ifXTable.appending(1)
    /// ENTITY-MIB entPhysicalEntry (table, entry = table.1, columns are entry.column).
    public static let entPhysicalTable: OID = "1.3.6.1.2.1.47.1.1.1"
    public static let entPhysicalEntry: OID = entPhysicalTable.appending(1)
    /// CISCO-ENTITY-SENSOR-MIB entSensorValueEntry (table, entry = table.1, columns are entry.column).
    public static let entSensorValueTable: OID = "1.3.6.1.4.1.9.9.91.1.1.1"
    public static let entSensorValueEntry: OID = entSensorValueTable.appending(1)
    /// JUNIPER-DOM-MIB jnxDomCurrentEntry (table, entry = table.1, columns are entry.column).
    public static let jnxDomCurrentTable: OID = "1.3.6.1.4.1.2636.3.60.1.1.1"
    public static let jnxDomCurrentEntry: OID = jnxDomCurrentTable.appending(1)
    public static let snmpTrapOID: OID = "1.3.6.1.6.3.1.1.4.1.0"
    public static let linkDown: OID = "1.3.6.1.6.3.1.1.5.3"
    public static let linkUp: OID = "1.3.6.1.6.3.1.1.5.4"

    // IF-MIB ifTable / ifXTable (RFC 2863)
    public static let ifIndex: OID = "1.3.6.1.2.1.2.2.1.1"
    public static let ifDescr: OID = "1.3.6.1.2.1.2.2.1.2"
    public static let ifAdminStatus: OID = "1.3.6.1.2.1.2.2.1.7"
    public static let ifOperStatus: OID = "1.3.6.1.2.1.2.2.1.8"
    public static let ifSpeed: OID = "1.3.6.1.2.1.2.2.1.5"
    public static let ifInOctets: OID = "1.3.6.1.2.1.2.2.1.10"
    public static let ifOutOctets: OID = "1.3.6.1.2.1.2.2.1.16"
    public static let ifInErrors: OID = "1.3.6.1.2.1.2.2.1.14"
    public static let ifOutErrors: OID = "1.3.6.1.2.1.2.2.1.20"
    public static let ifName: OID = ifXEntry.appending(1)
    public static let ifHCInOctets: OID = ifXEntry.appending(6)
    public static let ifHCOutOctets: OID = ifXEntry.appending(10)
    public static let ifHighSpeed: OID = ifXEntry.appending(15)
    public static let ifAlias: OID = ifXEntry.appending(18)
    public static let ifCounterDiscontinuityTime: OID = ifXEntry.appending(19)

    /// The interface columns every device is walked for.
    public static let interfaceColumns: [OID] = [
        ifName, ifAlias, ifAdminStatus, ifOperStatus, ifHighSpeed, ifHCInOctets, ifHCOutOctets,
        ifInErrors, ifOutErrors, ifCounterDiscontinuityTime,
    ]

    /// Walked as well for devices without ifXTable (or SNMPv1): 32-bit counters and ifSpeed.
    public static let legacyCounterColumns: [OID] = [ifInOctets, ifOutOctets, ifSpeed]

    // ENTITY-MIB (RFC 6933)
    public static let entPhysicalClass: OID = entPhysicalEntry.appending(5)
    public static let entPhysicalName: OID = entPhysicalEntry.appending(7)
    public static let entPhysicalContainedIn: OID = entPhysicalEntry.appending(4)
    public static let entAliasMappingIdentifier: OID = "1.3.6.1.2.1.47.1.3.2.1.2"

    // MIKROTIK-MIB optical table (mtxrOpticalTable)
    public static let mtxrOpticalName: OID = "1.3.6.1.4.1.14988.1.1.19.1.1.2"
    public static let mtxrOpticalRxLoss: OID = "1.3.6.1.4.1.14988.1.1.19.1.1.3"
    public static let mtxrOpticalTxPower: OID = "1.3.6.1.4.1.14988.1.1.19.1.1.9"
    public static let mtxrOpticalRxPower: OID = "1.3.6.1.4.1.14988.1.1.19.1.1.10"
    public static let mtxrNeighborIdentity: OID = "1.3.6.1.4.1.14988.1.1.11.1.1.6"
    public static let mtxrNeighborInterfaceID: OID = "1.3.6.1.4.1.14988.1.1.11.1.1.8"

    // CISCO-ENTITY-SENSOR-MIB
    public static let entSensorType: OID = entSensorValueEntry.appending(1)
    public static let entSensorScale: OID = entSensorValueEntry.appending(2)
    public static let entSensorPrecision: OID = entSensorValueEntry.appending(3)
    public static let entSensorValue: OID = entSensorValueEntry.appending(4)
    public static let entSensorThresholdSeverity: OID = "1.3.6.1.4.1.9.9.91.1.2.1.1.2"
    public static let entSensorThresholdRelation: OID = "1.3.6.1.4.1.9.9.91.1.2.1.1.3"
    public static let entSensorThresholdValue: OID = "1.3.6.1.4.1.9.9.91.1.2.1.1.4"

    // HUAWEI-ENTITY-EXTENT-MIB hwOpticalModuleInfoTable
    public static let hwEntityOpticalRxPower: OID = "1.3.6.1.4.1.2011.5.25.31.1.1.3.1.8"
    public static let hwEntityOpticalTxPower: OID = "1.3.6.1.4.1.2011.5.25.31.1.1.3.1.9"
    public static let hwEntityOpticalRxLowThreshold: OID = "1.3.6.1.4.1.2011.5.25.31.1.1.3.1.13"
    public static let hwEntityOpticalRxHighThreshold: OID = "1.3.6.1.4.1.2011.5.25.31.1.1.3.1.14"

    // JUNIPER-DOM-MIB jnxDomCurrentTable (indexed by ifIndex)
    public static let jnxDomCurrentAlarms: OID = jnxDomCurrentEntry.appending(1)
    public static let jnxDomCurrentRxLaserPower: OID = jnxDomCurrentEntry.appending(5)
    public static let jnxDomCurrentTxLaserOutputPower: OID = jnxDomCurrentEntry.appending(7)
    public static let jnxDomCurrentRxLaserPowerLowAlarmThreshold: OID = jnxDomCurrentEntry.appending(10)
    public static let jnxDomCurrentRxLaserPowerLowWarningThreshold: OID = jnxDomCurrentEntry.appending(12)

    // LLDP-MIB (IEEE 802.1AB-2005)
    public static let lldpLocSysName: OID = "1.0.8802.1.1.2.1.3.3.0"
    public static let lldpLocPortIdSubtype: OID = "1.0.8802.1.1.2.1.3.7.1.2"
    public static let lldpLocPortId: OID = "1.0.8802.1.1.2.1.3.7.1.3"
    public static let lldpLocPortDesc: OID = "1.0.8802.1.1.2.1.3.7.1.4"
    public static let lldpRemPortIdSubtype: OID = "1.0.8802.1.1.2.1.4.1.1.6"
    public static let lldpRemPortId: OID = "1.0.8802.1.1.2.1.4.1.1.7"
    public static let lldpRemPortDesc: OID = "1.0.8802.1.1.2.1.4.1.1.8"
    public static let lldpRemSysName: OID = "1.0.8802.1.1.2.1.4.1.1.9"
}
