import PantauCore

/// Every figure of one month's availability report, with the calendar, maintenance and
/// closing causes behind them: what `pantau month close` freezes and hashes, what every
/// rendering (HTML, PDF, CSV, JSON) is drawn from. Seconds are integers; percentages are
/// rounded half-up to 4 decimals from them (`null` when the denominator is 0). JSON keys in
/// snake_case, schema documented in docs/report.md.
public struct MonthlyFigures: Sendable, Codable, Hashable {
    public var schema = "pantau.monthly-figures/1"
    public var month: String
    public var organization: String
    public var timezone: String
    /// WIB, WITA or WIT.
    public var zone: String
    public var targetPct: Double
    public var repairWorkingDays: Int
    /// The instant the figures were computed: history recorded after it is not in them.
    public var computedAt: String
    public var calendar: CalendarUsed
    public var maintenance: [MaintenanceUsed]
    public var causes: [ClosingCause]
    public var summary: Summary
    public var opds: [OPD]
    public var incidents: [Incident]
    /// Network-wide per day (all OPDs together).
    public var days: [Day]
    /// The 12 months up to this one, where history exists.
    public var trend: [TrendPoint]

    enum CodingKeys: String, CodingKey {
        case schema, month, organization, timezone, zone, targetPct = "target_pct", repairWorkingDays = "repair_working_days"
        case computedAt = "computed_at", calendar, maintenance, causes, summary, opds, incidents, days, trend
    }

    /// Seconds by category, and the percentages that follow from them.
    public struct Totals: Sendable, Codable, Hashable {
        public var scheduledS: Int64 = 0
        public var upS: Int64 = 0
        public var downS: Int64 = 0
        public var unreachableS: Int64 = 0
        public var unknownS: Int64 = 0
        public var maintenanceS: Int64 = 0
        /// Down or unreachable time excused by a closing cause outside Diskominfo's responsibility.
        public var excusedS: Int64 = 0
        /// As the OPD experienced it: `up / (scheduled - maintenance)` and of known time.
        public var availabilityPct: Double?
        public var knownAvailabilityPct: Double?
        /// As Diskominfo is accountable for it: excused time leaves the denominator too.
        public var accountablePct: Double?
        public var accountableKnownPct: Double?
        /// Share of scheduled time (without maintenance) with data.
        public var coveragePct: Double?

        enum CodingKeys: String, CodingKey {
            case scheduledS = "scheduled_s", upS = "up_s", downS = "down_s", unreachableS = "unreachable_s", unknownS = "unknown_s"
            case maintenanceS = "maintenance_s", excusedS = "excused_s", availabilityPct = "availability_pct"
            case knownAvailabilityPct = "known_availability_pct", accountablePct = "accountable_pct"
            case accountableKnownPct = "accountable_known_pct", coveragePct = "coverage_pct"
        }

        public init() {}

        /// Fills the percentages from the seconds.
        public mutating func derive() {
            func pct(_ n: Int64, _ d: Int64) -> Double? { Ratio(n, d).flatMap { Double($0.percentString()) } }
            let base = scheduledS - maintenanceS
            availabilityPct = pct(upS, base)
            knownAvailabilityPct = pct(upS, base - unknownS)
            accountablePct = pct(upS, base - excusedS)
            accountableKnownPct = pct(upS, base - unknownS - excusedS)
            coveragePct = pct(base - unknownS, base)
        }

        /// Down plus unreachable: the working time the OPD was cut off.
        public var lostS: Int64 { downS + unreachableS }
        public var accountableLostS: Int64 { downS + unreachableS - excusedS }

        public static func + (a: Totals, b: Totals) -> Totals {
            var t = Totals()
            t.scheduledS = a.scheduledS + b.scheduledS
            t.upS = a.upS + b.upS
            t.downS = a.downS + b.downS
            t.unreachableS = a.unreachableS + b.unreachableS
            t.unknownS = a.unknownS + b.unknownS
            t.maintenanceS = a.maintenanceS + b.maintenanceS
            t.excusedS = a.excusedS + b.excusedS
            t.derive()
            return t
        }
    }

    /// One OPD's month.
    public struct OPD: Sendable, Codable, Hashable {
        public var site: String
        public var name: String
        public var criticality: String
        /// Sites its uplinks come from (unreachable time is time they were all down).
        public var parents: [String]
        public var totals: Totals
        /// `known_availability_pct >= target` (what `pantau availability` prints as meets_target).
        public var meetsTarget: Bool?
        /// The verdict of the report: `accountable_known_pct >= target`.
        public var accountableMeetsTarget: Bool?
        /// Tickets whose outage cut this OPD off in the month.
        public var incidents: [String]
        /// Mean working-time outage of those tickets that were repaired (MTTR), nil without any.
        public var mttrWorkingS: Int64?
        public var days: [Day]
        public var trend: [TrendPoint]

        enum CodingKeys: String, CodingKey {
            case site, name, criticality, parents, totals, meetsTarget = "meets_target"
            case accountableMeetsTarget = "accountable_meets_target", incidents, mttrWorkingS = "mttr_working_s", days, trend
        }
    }

    /// One local day.
    public struct Day: Sendable, Codable, Hashable {
        public var date: String
        public var totals: Totals
    }

    /// One month of the trend.
    public struct TrendPoint: Sendable, Codable, Hashable {
        public var month: String
        public var knownAvailabilityPct: Double?
        public var accountableKnownPct: Double?
        public var coveragePct: Double?
        /// "closed-r0" (a closed month's frozen figures) or "history" (computed now).
        public var source: String

        enum CodingKeys: String, CodingKey {
            case month, knownAvailabilityPct = "known_availability_pct", accountableKnownPct = "accountable_known_pct"
            case coveragePct = "coverage_pct", source
        }
    }

    /// Page 1.
    public struct Summary: Sendable, Codable, Hashable {
        public struct Count: Sendable, Codable, Hashable {
            public var key: String
            public var count: Int
        }
        public struct Repair: Sendable, Codable, Hashable {
            public var priority: String
            public var targetDays: Int
            public var tickets: Int
            public var within: Int
            public var breached: Int
            /// Still being repaired and not yet over target.
            public var running: Int
            /// `within / (within + breached)`.
            public var withinPct: Double?
            enum CodingKeys: String, CodingKey {
                case priority, targetDays = "target_days", tickets, within, breached, running, withinPct = "within_pct"
            }
        }
        public var opds: Int
        public var met: Int
        public var missed: Int
        /// OPDs with no known working time at all.
        public var noData: Int
        public var network: Totals
        /// OPDs below target, worst first.
        public var missedRanking: [String]
        public var incidentsByPriority: [Count]
        public var incidentsByCause: [Count]
        public var repair: [Repair]

        enum CodingKeys: String, CodingKey {
            case opds, met, missed, noData = "no_data", network, missedRanking = "missed_ranking"
            case incidentsByPriority = "incidents_by_priority", incidentsByCause = "incidents_by_cause", repair
        }
    }

    /// A ticket whose outage touched the month.
    public struct Incident: Sendable, Codable, Hashable {
        public var number: String
        public var kind: String
        public var priority: String
        public var state: String
        /// What the engine suspected (fo-cut, uplink-down, …).
        public var suspectedCause: String
        public var root: String
        public var rootName: String
        public var sites: [String]
        public var startedAt: String
        public var recoveredAt: String?
        public var outageWallS: Int64
        public var outageWorkingS: Int64
        /// Working seconds of the outage inside this month.
        public var workingSInMonth: Int64
        /// The Berita Acara cause and whom it counts against.
        public var closingCause: String?
        public var party: String
        public var resolution: String
        public var repairTargetS: Int64
        public var repairWorkingS: Int64
        /// nil while the repair runs within target.
        public var repairedWithinTarget: Bool?

        enum CodingKeys: String, CodingKey {
            case number, kind, priority, state, suspectedCause = "suspected_cause", root, rootName = "root_name", sites
            case startedAt = "started_at", recoveredAt = "recovered_at", outageWallS = "outage_wall_s"
            case outageWorkingS = "outage_working_s", workingSInMonth = "working_s_in_month", closingCause = "closing_cause", party
            case resolution, repairTargetS = "repair_target_s", repairWorkingS = "repair_working_s"
            case repairedWithinTarget = "repaired_within_target"
        }
    }

    /// The calendar the figures used, so a reader can redo the math.
    public struct CalendarUsed: Sendable, Codable, Hashable {
        public struct Period: Sendable, Codable, Hashable {
            public var name: String
            public var from: String
            public var to: String
            public var hours: String?
            public var hoursByDay: [String: String]
            enum CodingKeys: String, CodingKey { case name, from, to, hours, hoursByDay = "hours_by_day" }
        }
        public struct Holiday: Sendable, Codable, Hashable {
            public var date: String
            public var name: String
            /// national, cuti-bersama or regional.
            public var kind: String
            /// "holidays/2026.csv:14".
            public var source: String
        }
        public struct CalendarDay: Sendable, Codable, Hashable {
            public var date: String
            public var weekday: String
            /// working, weekend or holiday.
            public var kind: String
            /// Working window in local time, e.g. "08:00-15:00".
            public var window: String?
            public var special: String?
            public var scheduledS: Int64
            enum CodingKeys: String, CodingKey { case date, weekday, kind, window, special, scheduledS = "scheduled_s" }
        }
        public var workweek: [String]
        public var hours: String
        public var hoursByDay: [String: String]
        public var specialPeriods: [Period]
        public var holidays: [Holiday]
        public var days: [CalendarDay]
        public var workingDays: Int
        public var scheduledS: Int64

        enum CodingKeys: String, CodingKey {
            case workweek, hours, hoursByDay = "hours_by_day", specialPeriods = "special_periods", holidays, days
            case workingDays = "working_days", scheduledS = "scheduled_s"
        }
    }

    /// A maintenance window that overlaps the month.
    public struct MaintenanceUsed: Sendable, Codable, Hashable {
        public var target: String
        public var from: String
        public var to: String
        public var reason: String
        /// Its working seconds inside the month.
        public var scheduledS: Int64
        enum CodingKeys: String, CodingKey { case target, from, to, reason, scheduledS = "scheduled_s" }
    }
}
