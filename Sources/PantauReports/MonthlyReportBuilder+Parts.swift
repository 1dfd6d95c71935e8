import Foundation
import PantauCore
import PantauStoreKit

extension MonthlyReportBuilder {
    func incident(_ f: TicketFacts, span: TimeRange, now: EpochSeconds) -> MonthlyFigures.Incident {
        let t = f.ticket
        let timers = TicketTimers(ticket: t, inventory: inventory, policy: priority, now: now)
        let inMonth = IntervalSet(f.episodes).intersection(calendar.scheduled(in: span)).total
        let rootName: String = {
            switch RootCause.parse(key: t.rootKey)?.element {
            case .link(let id)?: return inventory.link(id).map { $0.name ?? "\($0.kind.rawValue) \($0.from) - \($0.to)" } ?? id
            case .site(let id)?: return inventory.site(id)?.name ?? id
            case nil: return t.root
            }
        }()
        let repaired = (t.recoveredAt ?? t.resolvedAt) != nil
        return MonthlyFigures.Incident(
            number: t.number, kind: t.kind, priority: t.priority.rawValue, state: t.state.rawValue, suspectedCause: t.cause.rawValue,
            root: t.root, rootName: rootName, sites: t.affectedSites.sorted(), startedAt: ISO8601.format(t.startedAt, in: tz),
            recoveredAt: (t.recoveredAt ?? t.resolvedAt).map { ISO8601.format($0, in: tz) },
            outageWallS: timers.outageWallSeconds, outageWorkingS: timers.outageWorkingSeconds, workingSInMonth: inMonth,
            closingCause: t.beritaAcara?.cause, party: f.party.rawValue, resolution: t.beritaAcara?.workSummary ?? "",
            repairTargetS: timers.repair.targetSeconds, repairWorkingS: timers.repair.elapsedSeconds,
            repairedWithinTarget: timers.repair.breached ? false : repaired ? timers.repair.met : nil)
    }

    func summary(opds: [MonthlyFigures.OPD], network: MonthlyFigures.Totals, incidents: [MonthlyFigures.Incident]) -> MonthlyFigures.Summary {
        let missed = opds.filter { $0.accountableMeetsTarget == false }
            .sorted { ($0.totals.accountableKnownPct ?? 0, $0.site) < ($1.totals.accountableKnownPct ?? 0, $1.site) }
        func counts(_ keys: [String], order: [String]) -> [MonthlyFigures.Summary.Count] {
            var c: [String: Int] = [:]
            for k in keys { c[k, default: 0] += 1 }
            return order.compactMap { k in c[k].map { MonthlyFigures.Summary.Count(key: k, count: $0) } }
        }
        let outages = incidents
        let repair = Priority.allCases.compactMap { p -> MonthlyFigures.Summary.Repair? in
            let mine = outages.filter { $0.priority == p.rawValue }
            guard !mine.isEmpty else { return nil }
            let within = mine.filter { $0.repairedWithinTarget == true }.count
            let breached = mine.filter { $0.repairedWithinTarget == false }.count
            return .init(priority: p.rawValue, targetDays: priority.repairDays(p, sla: inventory.sla), tickets: mine.count, within: within,
                         breached: breached, running: mine.count - within - breached,
                         withinPct: Ratio(Int64(within), Int64(within + breached)).flatMap { Double($0.percentString()) })
        }
        return MonthlyFigures.Summary(
            opds: opds.count, met: opds.filter { $0.accountableMeetsTarget == true }.count, missed: missed.count,
            noData: opds.filter { $0.accountableMeetsTarget == nil }.count, network: network, missedRanking: missed.map(\.site),
            incidentsByPriority: counts(outages.map(\.priority), order: Priority.allCases.map(\.rawValue)),
            incidentsByCause: counts(outages.map(\.suspectedCause), order: SuspectedCause.allCases.map(\.rawValue)),
            repair: repair)
    }

    func calendarUsed(_ month: YearMonth) -> MonthlyFigures.CalendarUsed {
        let spec = inventory.calendar
        func byDay(_ d: [Weekday: DailyHours]) -> [String: String] {
            Dictionary(uniqueKeysWithValues: d.map { ($0.key.rawValue, $0.value.description) })
        }
        let first = month.firstDay, last = month.next.firstDay.adding(days: -1)
        let periods = spec.specialPeriods.filter { $0.to >= first && $0.from <= last }.map {
            MonthlyFigures.CalendarUsed.Period(name: $0.name, from: $0.from.description, to: $0.to.description,
                                               hours: $0.hours?.description, hoursByDay: byDay($0.hoursByDay))
        }
        let holidays = spec.holidays.filter { YearMonth($0.key) == month }.sorted { $0.key < $1.key }.map { date, name in
            let source = spec.holidaySources[date] ?? ""
            let kind = name.lowercased().contains("cuti bersama") ? "cuti-bersama"
                : (source.lowercased().contains("regional") || source.lowercased().contains("daerah")) ? "regional" : "national"
            return MonthlyFigures.CalendarUsed.Holiday(date: date.description, name: name, kind: kind, source: source)
        }
        var days: [MonthlyFigures.CalendarUsed.CalendarDay] = []
        for date in month.days {
            // The day's window (a night shift belongs to the day it starts), inside the month.
            let w = calendar.windows(on: date)?.clamped(to: calendar.range(of: month))
            let secs = w.map { calendar.scheduled(in: $0).total } ?? 0
            switch calendar.day(date) {
            case .working(let h, let rule):
                days.append(.init(date: date.description, weekday: date.weekday.rawValue, kind: "working", window: h.description,
                                  special: periods.first { LocalDate(iso: $0.from)! <= date && date <= LocalDate(iso: $0.to)! }.map { _ in rule },
                                  scheduledS: secs))
            case .weekend:
                days.append(.init(date: date.description, weekday: date.weekday.rawValue, kind: "weekend", window: nil, special: nil, scheduledS: 0))
            case .holiday(let name):
                days.append(.init(date: date.description, weekday: date.weekday.rawValue, kind: "holiday", window: nil, special: name, scheduledS: 0))
            }
        }
        return MonthlyFigures.CalendarUsed(
            workweek: Weekday.allCases.filter { spec.workweek.contains($0) }.map(\.rawValue), hours: spec.hours.description,
            hoursByDay: byDay(spec.hoursByDay), specialPeriods: periods, holidays: holidays, days: days,
            workingDays: days.filter { $0.kind == "working" }.count, scheduledS: calendar.scheduled(in: month).total)
    }

    func maintenanceUsed(_ span: TimeRange) -> [MonthlyFigures.MaintenanceUsed] {
        let sched = calendar.scheduled(in: span)
        return inventory.maintenance.filter { $0.range.overlaps(span) }.map {
            MonthlyFigures.MaintenanceUsed(target: $0.target, from: ISO8601.format($0.range.start, in: tz),
                                           to: ISO8601.format($0.range.end, in: tz), reason: $0.reason,
                                           scheduledS: sched.intersection(IntervalSet($0.range)).total)
        }
    }

    /// The 11 months before `month`, per OPD and network-wide ("*"): a closed month's frozen
    /// figures, else computed from history when there is any known time in that month.
    func trend(ending month: YearMonth, store: any ReportStore, facts: [TicketFacts]) async throws -> [String: [MonthlyFigures.TrendPoint]] {
        var months: [YearMonth] = []
        var m = month
        for _ in 0..<11 {
            m = m.previous
            months.insert(m, at: 0)
        }
        let closed = Dictionary(try await store.latestMonthClosures().filter(\.isInForce).map { ($0.month, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: [MonthlyFigures.TrendPoint]] = [:]
        func point(_ m: YearMonth, _ t: MonthlyFigures.Totals, _ source: String) -> MonthlyFigures.TrendPoint {
            .init(month: m.description, knownAvailabilityPct: t.knownAvailabilityPct, accountableKnownPct: t.accountableKnownPct,
                  coveragePct: t.coveragePct, source: source)
        }
        for m in months {
            if let c = closed[m.description], let f = try? MonthSnapshot.figures(of: c) {
                for o in f.opds { out[o.site, default: []].append(point(m, o.totals, "closed-r\(c.revision)")) }
                out["*", default: []].append(point(m, f.summary.network, "closed-r\(c.revision)"))
                continue
            }
            let span = calendar.range(of: m)
            let results = try await query.compute(store: store, span: span, sites: opdSites.map(\.id))
            var network = MonthlyFigures.Totals()
            var perSite: [(String, MonthlyFigures.Totals)] = []
            for (site, r) in zip(opdSites, results) {
                let t = Self.totals(r, r.accountable(excusedWindows: Self.excusedWindows(site: site.id, facts: facts)))
                perSite.append((site.id, t))
                network = network + t
            }
            guard network.scheduledS - network.maintenanceS - network.unknownS > 0 else { continue }  // no history that month
            for (id, t) in perSite { out[id, default: []].append(point(m, t, "history")) }
            out["*", default: []].append(point(m, network, "history"))
        }
        return out
    }
}

extension YearMonth {
    /// The month before.
    public var previous: YearMonth { month == 1 ? YearMonth(year: year - 1, month: 12)! : YearMonth(year: year, month: month - 1)! }
}

/// Down or unreachable time of a site that a ticket's closing cause puts outside Diskominfo's
/// responsibility: what `pantau availability --explain` lists behind the report's accountable figure.
public struct ExcusedInterval: Sendable, Hashable {
    public var range: TimeRange
    public var ticket: String
    public var cause: String
    public var party: AccountableParty
}

extension MonthlyReportBuilder {
    /// For each result (a site), its excused intervals, by ticket, in time order.
    public func excused(_ results: [AvailabilityResult], store: any ReportStore, now: EpochSeconds) async throws -> [String: [ExcusedInterval]] {
        let facts = try await ticketFacts(store: store, now: now).filter { $0.party != .diskominfo }
        var out: [String: [ExcusedInterval]] = [:]
        for r in results {
            let lost = r.down.union(r.unreachable)
            for f in facts where f.sites.contains(r.target) {
                for range in lost.intersection(IntervalSet(f.episodes)).ranges {
                    out[r.target, default: []].append(ExcusedInterval(range: range, ticket: f.ticket.number,
                                                                      cause: f.ticket.beritaAcara?.cause ?? "", party: f.party))
                }
            }
            out[r.target]?.sort { ($0.range.start, $0.ticket) < ($1.range.start, $1.ticket) }
        }
        return out
    }
}
