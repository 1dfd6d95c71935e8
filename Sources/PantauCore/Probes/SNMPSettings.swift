/// What to read from a device, beyond IF-MIB (always read).
public enum SNMPTable: String, Sendable, Hashable, CaseIterable {
    case interfaces
    case mikrotikOptical = "mikrotik-optical"
    case ciscoEntitySensor = "cisco-entity-sensor"
    case huaweiOptical = "huawei-optical"
    case juniperDOM = "juniper-dom"
    case lldp
    case mikrotikNeighbors = "mikrotik-neighbors"
}

/// Optical power judgement when the device gives no thresholds of its own.
public struct OpticalThresholds: Sendable, Hashable {
    /// Rx power below this is a warning (dBm).
    public var rxLowWarnDbm: Double = -22
    /// Rx power below this is an alarm (dBm).
    public var rxLowAlarmDbm: Double = -27
    /// A drop of at least this much against the port's baseline median is a degradation (dB).
    public var dropDb: Double = 3
    /// Days of history behind the baseline median.
    public var baselineDays: Int = 7
    public init() {}
}

/// How one device is polled over SNMP.
public struct SNMPSettings: Sendable, Hashable {
    public var intervalSeconds: Int = 60
    public var timeoutSeconds: Double = 2
    public var retries: Int = 1
    /// Bindings per GETBULK response (repetitions x columns).
    public var maxVarBinds: Int = 60
    /// Port down confirmed on the first poll that sees it, so an FO cut shows within one poll.
    public var confirm = ConfirmPolicy(roundsToConfirmDown: 1, roundsToConfirmUp: 2)
    /// Utilisation above this share of the capacity is reported as high (percent).
    public var utilisationWarnPct: Double = 90
    /// Utilisation at or above the warning level this long (seconds) is a degradation, named
    /// with the OPDs and top talkers that filled the link; it clears below the level minus 10 points.
    public var utilisationSustainSeconds: Int = 300
    public var optical = OpticalThresholds()
    /// Tables read from this device (from its vendor profile).
    public var tables: Set<SNMPTable> = [.interfaces]
    public init() {}
}

/// `probes/snmp.yaml`: engine limits, trap receiver, defaults, vendor profiles, per-device overrides.
public struct SNMPProbeConfig: Sendable {
    /// Devices walked at once.
    public var maxInFlight: Int = 64
    /// Where traps are received (`udp:0.0.0.0:162`); nil: no trap receiver.
    public var trapListen: String?
    public var defaults = SNMPSettings()
    /// Tables per vendor.
    public var vendorTables: [DeviceVendor: Set<SNMPTable>] = [
        .mikrotik: [.interfaces, .mikrotikOptical, .mikrotikNeighbors, .lldp],
        .cisco: [.interfaces, .ciscoEntitySensor, .lldp],
        .huawei: [.interfaces, .huaweiOptical, .lldp],
        .juniper: [.interfaces, .juniperDOM, .lldp],
        .generic: [.interfaces, .lldp],
    ]
    /// Per-device changes to the defaults.
    public var devices: [String: SNMPOverride] = [:]
    public init() {}

    /// The settings that apply to `device`.
    public func settings(for device: Device) -> SNMPSettings {
        var s = defaults
        s.tables = vendorTables[device.vendor] ?? [.interfaces]
        devices[device.id]?.apply(to: &s)
        return s
    }
}

/// Per-device overrides of `SNMPSettings`.
public struct SNMPOverride: Sendable, Hashable {
    public var intervalSeconds: Int?
    public var timeoutSeconds: Double?
    public var retries: Int?
    public init(intervalSeconds: Int? = nil, timeoutSeconds: Double? = nil, retries: Int? = nil) {
        self.intervalSeconds = intervalSeconds
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
    }
    func apply(to s: inout SNMPSettings) {
        if let v = intervalSeconds { s.intervalSeconds = v }
        if let v = timeoutSeconds { s.timeoutSeconds = v }
        if let v = retries { s.retries = v }
    }
}
