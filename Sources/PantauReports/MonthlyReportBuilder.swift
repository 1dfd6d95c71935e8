import Foundation
import PantauCore
import PantauStoreKit

/// Computes a month's `MonthlyFigures` from the store and the configuration, with the same
/// `AvailabilityQuery` that `pantau availability` uses: the report's experienced figures are
/// that command's figures, and the accountable ones differ only by the excused seconds.
public struct MonthlyReportBuilder: Sendable {
    public let inventory: Inventory
    public let priority: PriorityPolicy
    public let report: ReportConfig
    public let query: AvailabilityQuery

    public init(inventory: Inventory, priority: PriorityPolicy, report: ReportConfig) throws {
        self.inventory = inventory
        self.priority = priority
        self.report = report
        query = try AvailabilityQuery(inventory: inventory)
    }

    var calendar: WorkingCalendar { query.calendar }
    var tz: TimeZone { query.calendar.timeZone }
    /// The sites the report is about: every OPD, in inventory order.
    var opdSites: [Site] { inventory.sites.filter { $0.role == .opd } }

    /// A ticket with its outage episodes and what its closing cause makes of it.
    struct TicketFacts {
        var ticket: Ticket
        var episodes: [TimeRange]
        var party: AccountableParty
        /// Sites the outage cut off (the root site too when the root is a site).
        var sites: Set<String>
    }

    /// The month's figures as of `now`.
    public func figures(month: YearMonth, store: any ReportStore, now: EpochSeconds) async throws -> MonthlyFigures {
        let span = calendar.range(of: month)
        let facts = try await ticketFacts(store: store, now: now)
        let results = try await query.compute(store: store, span: span, sites: opdSites.map(\.id))
        let touching = facts.filter { f in f.episodes.contains { $0.overlaps(span) } || span.contains(f.ticket.openedAt) }
        // A day's figures are its working window's (a night shift belongs to the day it starts on).
        let days = month.days.map { calendar.windows(on: $0)?.clamped(to: span) ?? TimeRange(span.start, span.start) }
        let trendByOPD = try await trend(ending: month, store: store, facts: facts)

        var opds: [MonthlyFigures.OPD] = []
        for (site, result) in zip(opdSites, results) {
            let excused = Self.excusedWindows(site: site.id, facts: facts)
            let acc = result.accountable(excusedWindows: excused)
            let mine = touching.filter { $0.sites.contains(site.id) && $0.ticket.kind == "outage" }
            let repaired = mine.compactMap { f -> Int64? in
                guard let end = f.ticket.recoveredAt ?? f.ticket.resolvedAt else { return nil }
                return calendar.workingSeconds(from: f.ticket.startedAt, to: end)
            }
            opds.append(MonthlyFigures.OPD(
                site: site.id, name: site.name, criticality: site.criticality.rawValue, parents: query.topology.parents(of: site.id),
                totals: Self.totals(result, acc), meetsTarget: result.meetsTarget, accountableMeetsTarget: acc.meetsTarget,
                incidents: mine.map(\.ticket.number),
                mttrWorkingS: repaired.isEmpty ? nil : repaired.reduce(0, +) / Int64(repaired.count),
                days: zip(month.days, days).map { date, w in
                    MonthlyFigures.Day(date: date.description, totals: Self.totals(result.clamped(to: w), acc, within: w))
                },
                trend: []))
            let t = opds[opds.count - 1].totals
            opds[opds.count - 1].trend = (trendByOPD[site.id] ?? []) + [
                MonthlyFigures.TrendPoint(month: month.description, knownAvailabilityPct: t.knownAvailabilityPct,
                                          accountableKnownPct: t.accountableKnownPct, coveragePct: t.coveragePct, source: "history")]
        }
        let network = opds.reduce(MonthlyFigures.Totals()) { $0 + $1.totals }
        let networkDays = month.days.enumerated().map { i, date in
            MonthlyFigures.Day(date: date.description, totals: opds.reduce(MonthlyFigures.Totals()) { $0 + $1.days[i].totals })
        }
        let incidents = touching.map { incident($0, span: span, now: now) }
        var networkTrend = trendByOPD["*"] ?? []
        do {
            networkTrend.append(MonthlyFigures.TrendPoint(month: month.description, knownAvailabilityPct: network.knownAvailabilityPct,
                                                          accountableKnownPct: network.accountableKnownPct,
                                                          coveragePct: network.coveragePct, source: "history"))
        }
        return MonthlyFigures(
            month: month.description, organization: inventory.organization, timezone: inventory.timezone,
            zone: LocalText.zoneName(tz, at: span.start), targetPct: inventory.sla.availabilityTargetPct,
            repairWorkingDays: inventory.sla.repairWorkingDays, computedAt: ISO8601.format(now, in: tz),
            calendar: calendarUsed(month), maintenance: maintenanceUsed(span),
            causes: report.accountability.causes, summary: summary(opds: opds, network: network, incidents: incidents),
            opds: opds, incidents: incidents, days: networkDays, trend: networkTrend)
    }

    static func totals(_ r: AvailabilityResult, _ acc: AccountableAvailability, within w: TimeRange? = nil) -> MonthlyFigures.Totals {
        var t = MonthlyFigures.Totals()
        t.scheduledS = r.scheduledSeconds
        t.upS = r.upSeconds
        t.downS = r.downSeconds
        t.unreachableS = r.unreachableSeconds
        t.unknownS = r.unknownSeconds
        t.maintenanceS = r.maintenanceSeconds
        t.excusedS = w.map { acc.excused.clamped(to: $0).total } ?? acc.excusedSeconds
        t.derive()
        return t
    }

    /// Outage windows of tickets closed with a cause outside Diskominfo's responsibility that cut `site` off.
    static func excusedWindows(site: String, facts: [TicketFacts]) -> [TimeRange] {
        facts.filter { $0.party != .diskominfo && $0.sites.contains(site) }.flatMap(\.episodes)
    }

    func ticketFacts(store: any ReportStore, now: EpochSeconds) async throws -> [TicketFacts] {
        var out: [TicketFacts] = []
        // A ticket merged into another is that other ticket's outage: counted there, once.
        for t in try await store.tickets(states: nil) where t.mergedInto == nil {
            let eps = try await store.ticketEpisodes(t.id)
            let end = t.recoveredAt ?? t.resolvedAt ?? now
            var ranges = eps.map { TimeRange($0.startedAt, max($0.startedAt, $0.recoveredAt ?? end)) }.filter { !$0.isEmpty }
            if ranges.isEmpty && end > t.startedAt { ranges = [TimeRange(t.startedAt, end)] }
            var sites = Set(t.affectedSites)
            if case .site(let id)? = RootCause.parse(key: t.rootKey)?.element, t.kind == "outage" { sites.insert(id) }
            out.append(TicketFacts(ticket: t, episodes: ranges, party: report.accountability.party(of: t.beritaAcara?.cause),
                                   sites: sites))
        }
        return out
    }
}
