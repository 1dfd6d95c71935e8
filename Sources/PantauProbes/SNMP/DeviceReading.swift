import PantauCore

/// One interface as read from IF-MIB.
public struct InterfaceReading: Sendable, Hashable {
    public var ifIndex: UInt32
    public var name: String
    public var alias: String
    /// ifAdminStatus: 1 up, 2 down, 3 testing.
    public var adminStatus: Int
    /// ifOperStatus: 1 up, 2 down, ... 7 lowerLayerDown.
    public var operStatus: Int
    /// ifHighSpeed in Mbit/s (0 when unknown).
    public var highSpeedMbps: UInt64
    public var inOctets: UInt64?
    public var outOctets: UInt64?
    public var inErrors: UInt64?
    public var outErrors: UInt64?
    /// ifCounterDiscontinuityTime (sysUpTime ticks at the last discontinuity), when supported.
    public var discontinuityTicks: UInt64?
    /// Width of the octet counters: 64 (ifHCInOctets) or 32 (ifInOctets, no ifXTable or SNMPv1).
    public var counterBits = 64

    public init(ifIndex: UInt32, name: String, alias: String = "", adminStatus: Int, operStatus: Int,
                highSpeedMbps: UInt64 = 0, inOctets: UInt64? = nil, outOctets: UInt64? = nil,
                inErrors: UInt64? = nil, outErrors: UInt64? = nil, discontinuityTicks: UInt64? = nil) {
        self.ifIndex = ifIndex
        self.name = name
        self.alias = alias
        self.adminStatus = adminStatus
        self.operStatus = operStatus
        self.highSpeedMbps = highSpeedMbps
        self.inOctets = inOctets
        self.outOctets = outOctets
        self.inErrors = inErrors
        self.outErrors = outErrors
        self.discontinuityTicks = discontinuityTicks
    }

    public var isAdminUp: Bool { adminStatus == 1 }
    public var isOperUp: Bool { operStatus == 1 }
}

/// Optical transceiver power of one port, in dBm, normalised across vendors.
public struct OpticalReading: Sendable, Hashable {
    /// The port's ifName.
    public var interface: String
    public var rxDbm: Double?
    public var txDbm: Double?
    /// Loss of signal, when the device reports it.
    public var lossOfSignal: Bool?
    /// The device's own low-rx thresholds, when it has them.
    public var rxLowAlarmDbm: Double?
    public var rxLowWarnDbm: Double?

    public init(interface: String, rxDbm: Double? = nil, txDbm: Double? = nil, lossOfSignal: Bool? = nil,
                rxLowAlarmDbm: Double? = nil, rxLowWarnDbm: Double? = nil) {
        self.interface = interface
        self.rxDbm = rxDbm
        self.txDbm = txDbm
        self.lossOfSignal = lossOfSignal
        self.rxLowAlarmDbm = rxLowAlarmDbm
        self.rxLowWarnDbm = rxLowWarnDbm
    }
}

/// A neighbour a device sees on one of its ports (LLDP or MikroTik's neighbour table).
public struct NeighborReading: Sendable, Hashable {
    /// The local port, resolved to its ifName where the device allows it.
    public var localInterface: String
    /// The neighbour's system name (LLDP lldpRemSysName, MikroTik identity); may be empty.
    public var remoteSystem: String
    /// The neighbour's port as it names it (a port name, a local id or a MAC); empty when unknown.
    public var remotePort: String
    /// The neighbour's port description (often the full interface name or its alias).
    public var remotePortDescription: String
    /// "lldp" or "mikrotik".
    public var source: String

    public init(localInterface: String, remoteSystem: String, remotePort: String, remotePortDescription: String = "",
                source: String) {
        self.localInterface = localInterface
        self.remoteSystem = remoteSystem
        self.remotePort = remotePort
        self.remotePortDescription = remotePortDescription
        self.source = source
    }
}

/// Everything one poll of one device produced.
public struct DeviceReading: Sendable {
    public var device: String
    public var failure: SNMPFailure?
    public var sysUpTimeTicks: UInt64?
    public var interfaces: [InterfaceReading]
    public var optical: [OpticalReading]
    public var neighbors: [NeighborReading]
    public var roundTrips: Int
    public var elapsedSeconds: Double

    public init(device: String, failure: SNMPFailure? = nil, sysUpTimeTicks: UInt64? = nil,
                interfaces: [InterfaceReading] = [], optical: [OpticalReading] = [], neighbors: [NeighborReading] = [],
                roundTrips: Int = 0, elapsedSeconds: Double = 0) {
        self.device = device
        self.failure = failure
        self.sysUpTimeTicks = sysUpTimeTicks
        self.interfaces = interfaces
        self.optical = optical
        self.neighbors = neighbors
        self.roundTrips = roundTrips
        self.elapsedSeconds = elapsedSeconds
    }

    public func interface(named name: String) -> InterfaceReading? { interfaces.first { $0.name == name } }
    public func optical(named name: String) -> OpticalReading? { optical.first { $0.interface == name } }
}
