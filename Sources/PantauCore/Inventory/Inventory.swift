/// The network as data: the organization, its calendar and SLA, sites, links and
/// maintenance windows. Built by `PantauInventory` from `inventory/`; pure value.
public struct Inventory: Sendable {
    public var organization: String
    /// IANA time zone name, e.g. `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA), `Asia/Jayapura` (WIT).
    public var timezone: String
    public var calendar: CalendarSpec
    public var sla: SLA
    public var sites: [Site]
    public var links: [Link]
    public var devices: [Device]
    public var maintenance: [MaintenanceWindow]

    public init(organization: String, timezone: String, calendar: CalendarSpec, sla: SLA,
                sites: [Site], links: [Link], devices: [Device] = [], maintenance: [MaintenanceWindow]) {
        self.organization = organization
        self.timezone = timezone
        self.calendar = calendar
        self.sla = sla
        self.sites = sites
        self.links = links
        self.devices = devices
        self.maintenance = maintenance
    }

    public func device(_ id: String) -> Device? { devices.first { $0.id == id } }

    public func site(_ id: String) -> Site? { sites.first { $0.id == id } }
    public func link(_ id: String) -> Link? { links.first { $0.id == id } }

    /// Maintenance windows that apply to a target (a site or link id).
    public func maintenance(for target: String) -> [MaintenanceWindow] {
        maintenance.filter { $0.target == target }
    }
}

/// The service-level agreement promised by the service catalog.
public struct SLA: Sendable, Hashable {
    /// Minimum availability during working time, in percent (the catalogs say 90).
    public var availabilityTargetPct: Double
    /// Repair deadline in working days (the catalogs say 1-3).
    public var repairWorkingDays: Int

    public init(availabilityTargetPct: Double = 90, repairWorkingDays: Int = 3) {
        self.availabilityTargetPct = availabilityTargetPct
        self.repairWorkingDays = repairWorkingDays
    }
}

/// The role of a site in the network.
public enum SiteRole: String, Sendable, Hashable, CaseIterable {
    /// The data centre / core: the root of every uplink path.
    case core
    /// A distribution point (POP, aggregation switch) serving OPDs.
    case distribution
    /// An agency office (OPD), the sites the SLA is about.
    case opd
}

/// How important an OPD is when prioritizing a disruption.
public enum Criticality: String, Sendable, Hashable, CaseIterable {
    case low, medium, high, critical
}

/// A place on the network: the data centre, a distribution point or an OPD.
public struct Site: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var role: SiteRole
    public var criticality: Criticality
    public var users: Int?
    /// The address that ICMP probes target (IPv4 literal).
    public var address: String?
    /// Ids of the links that carry this site's traffic toward the core.
    public var uplinks: [String]
    public var bandwidthMbps: Double?
    /// The site's LAN subnets (`10.10.1.0/24`): mirrored traffic is counted per OPD by them.
    public var subnets: [IPv4Subnet]
    /// The OPD's registered contacts: told when a ticket touching the site opens and closes.
    public var contacts: [Contact] = []
    /// Where an admin pinned the site on the NOC map (`map: {x: 120, y: 340}`); nil: laid out automatically.
    public var map: MapPosition? = nil

    public init(id: String, name: String, role: SiteRole = .opd, criticality: Criticality = .medium,
                users: Int? = nil, address: String? = nil, uplinks: [String] = [], bandwidthMbps: Double? = nil,
                subnets: [IPv4Subnet] = []) {
        self.subnets = subnets
        self.id = id
        self.name = name
        self.role = role
        self.criticality = criticality
        self.users = users
        self.address = address
        self.uplinks = uplinks
        self.bandwidthMbps = bandwidthMbps
    }
}

/// A point on the NOC map's canvas: 0-1000 across (left to right) and down (top to bottom).
public struct MapPosition: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// The physical medium of a link; FO kinds matter for root cause and priority.
public enum LinkKind: String, Sendable, Hashable, CaseIterable {
    case foUndersea = "fo-undersea"
    case foUnderground = "fo-underground"
    case foAerial = "fo-aerial"
    case wireless
    case copper
    case isp

    public var isFiber: Bool { rawValue.hasPrefix("fo-") }
}

/// A link between two sites; `from` is the side toward the core.
public struct Link: Sendable, Hashable, Identifiable {
    public var id: String
    public var kind: LinkKind
    public var from: String
    public var to: String
    public var name: String?
    /// The port on the `from` side (toward the core), when the link is watched over SNMP.
    public var a: LinkEnd?
    /// The port on the `to` side, when that device is managed too.
    public var b: LinkEnd?
    /// Contracted bandwidth; falls back to the `to` site's `bandwidth_mbps`.
    public var bandwidthMbps: Double?

    public init(id: String, kind: LinkKind, from: String, to: String, name: String? = nil,
                a: LinkEnd? = nil, b: LinkEnd? = nil, bandwidthMbps: Double? = nil) {
        self.id = id
        self.kind = kind
        self.from = from
        self.to = to
        self.name = name
        self.a = a
        self.b = b
        self.bandwidthMbps = bandwidthMbps
    }

    /// The watched ports of this link (a first).
    public var ends: [LinkEnd] { [a, b].compactMap { $0 } }
}

/// A planned window during which a target's downtime does not count against the SLA.
public struct MaintenanceWindow: Sendable, Hashable {
    public var target: String
    public var range: TimeRange
    public var reason: String

    public init(target: String, range: TimeRange, reason: String) {
        self.target = target
        self.range = range
        self.reason = reason
    }
}

extension Inventory {
    /// The contracted bandwidth of a link (its own `bandwidth_mbps`, else its far site's) or of a site.
    public func contractMbps(_ target: String) -> Double? {
        if let l = link(target) { return l.bandwidthMbps ?? site(l.to)?.bandwidthMbps }
        return site(target)?.bandwidthMbps
    }
}
