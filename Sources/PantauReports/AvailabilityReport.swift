import PantauCore

/// The availability JSON contract (`pantau availability --format json`, the API, the report):
/// one line per site or link with integer seconds and the percentages rounded half-up to 4
/// decimals from those integers (`null` when the denominator is 0).
public struct AvailabilityReport: Sendable, Codable, Hashable {
    public struct Line: Sendable, Codable, Hashable {
        public var site: String?
        public var link: String?
        public var scheduledS: Int64
        public var upS: Int64
        public var downS: Int64
        public var unreachableS: Int64
        public var unknownS: Int64
        public var maintenanceS: Int64
        public var availabilityPct: Double?
        public var knownAvailabilityPct: Double?
        public var meetsTarget: Bool?

        enum CodingKeys: String, CodingKey {
            case site, link, scheduledS = "scheduled_s", upS = "up_s", downS = "down_s", unreachableS = "unreachable_s"
            case unknownS = "unknown_s", maintenanceS = "maintenance_s", availabilityPct = "availability_pct"
            case knownAvailabilityPct = "known_availability_pct", meetsTarget = "meets_target"
        }

        public init(_ r: AvailabilityResult, isLink: Bool = false) {
            site = isLink ? nil : r.target
            link = isLink ? r.target : nil
            scheduledS = r.scheduledSeconds
            upS = r.upSeconds
            downS = r.downSeconds
            unreachableS = r.unreachableSeconds
            unknownS = r.unknownSeconds
            maintenanceS = r.maintenanceSeconds
            availabilityPct = r.availability.flatMap { Double($0.percentString()) }
            knownAvailabilityPct = r.knownAvailability.flatMap { Double($0.percentString()) }
            meetsTarget = r.meetsTarget
        }

        // Keys are written in the contract's order (not sorted), nulls included.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(site, forKey: .site)
            try c.encodeIfPresent(link, forKey: .link)
            try c.encode(scheduledS, forKey: .scheduledS)
            try c.encode(upS, forKey: .upS)
            try c.encode(downS, forKey: .downS)
            try c.encode(unreachableS, forKey: .unreachableS)
            try c.encode(unknownS, forKey: .unknownS)
            try c.encode(maintenanceS, forKey: .maintenanceS)
            try c.encode(availabilityPct, forKey: .availabilityPct)
            try c.encode(knownAvailabilityPct, forKey: .knownAvailabilityPct)
            try c.encode(meetsTarget, forKey: .meetsTarget)
        }
    }

    public var month: String
    public var sites: [Line]?
    public var links: [Line]?

    public init(month: YearMonth, _ results: [AvailabilityResult], links isLinks: Bool = false) {
        self.month = month.description
        let lines = results.map { Line($0, isLink: isLinks) }
        sites = isLinks ? nil : lines
        links = isLinks ? lines : nil
    }
}
