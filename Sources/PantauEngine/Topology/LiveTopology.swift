import PantauCore
import PantauProbes

/// Reads, once, what every managed device sees of its neighbours: IF-MIB names, LLDP-MIB,
/// MikroTik's neighbour table and sysName, through the same transport as the poller.
public enum LiveTopology {
    /// The tables read for the cross-check of one device.
    public static func tables(for d: Device) -> Set<SNMPTable> {
        d.vendor == .mikrotik ? [.interfaces, .lldp, .mikrotikNeighbors] : [.interfaces, .lldp]
    }

    /// One reading per device id (devices without credentials are absent) and the sysNames read.
    public static func read(inventory: Inventory, config: SNMPProbeConfig, credentials: [String: SNMPCredentials],
                            transport: any SNMPTransport) async -> (readings: [String: DeviceReading], sysNames: [String: String]) {
        let devices = inventory.devices.filter { credentials[$0.snmpProfile] != nil }
        let requests = devices.map { d in
            let s = config.settings(for: d)
            return SNMPRequest(id: d.id, host: d.address, port: d.port, credentials: credentials[d.snmpProfile]!,
                               scalars: [SNMPObjects.sysUpTime, SNMPObjects.sysName], columns: SNMPProber.columns(for: tables(for: d)),
                               timeoutSeconds: s.timeoutSeconds, retries: s.retries, maxVarBinds: s.maxVarBinds)
        }
        let responses = await transport.execute(requests)
        var readings: [String: DeviceReading] = [:], names: [String: String] = [:]
        for (d, r) in zip(devices, responses) {
            readings[d.id] = SNMPProber.decode(r, tables: tables(for: d))
            if r.failure == nil, let n = r.varBinds.first(where: { $0.oid == SNMPObjects.sysName })?.value.text, !n.isEmpty {
                names[d.id] = n
            }
        }
        return (readings, names)
    }
}
