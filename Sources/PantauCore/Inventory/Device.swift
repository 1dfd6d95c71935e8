/// Who made a device: decides which optical and neighbour tables are read.
public enum DeviceVendor: String, Sendable, Hashable, CaseIterable {
    case mikrotik, cisco, huawei, juniper, generic
}

/// What a device does in the network.
public enum DeviceRole: String, Sendable, Hashable, CaseIterable {
    case core, distribution, access, cpe
}

/// A managed switch or router polled over SNMP.
public struct Device: Sendable, Hashable, Identifiable {
    public var id: String
    public var site: String
    /// Management address (IPv4 literal).
    public var address: String
    public var port: UInt16
    public var vendor: DeviceVendor
    public var role: DeviceRole
    /// The SNMP profile name in the credentials file (the secrets are not in the inventory).
    public var snmpProfile: String

    public init(id: String, site: String, address: String, port: UInt16 = 161, vendor: DeviceVendor = .generic,
                role: DeviceRole = .access, snmpProfile: String) {
        self.id = id
        self.site = site
        self.address = address
        self.port = port
        self.vendor = vendor
        self.role = role
        self.snmpProfile = snmpProfile
    }
}

/// One end of a link on a device port, named by ifName as the device reports it.
public struct LinkEnd: Sendable, Hashable {
    public var device: String
    public var interface: String
    public init(device: String, interface: String) {
        self.device = device
        self.interface = interface
    }
}
