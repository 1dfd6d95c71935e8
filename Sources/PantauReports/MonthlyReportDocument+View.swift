import Foundation
import PantauCore
import PantauStoreKit

extension MonthlyReportDocument {
    /// - Parameters:
    ///   - logo: the letterhead logo as a `data:` URI (embedded: the report works offline).
    ///   - signedOn: the date written above the signatures (the close date for a closed month).
    /// `archive`: the month's archived Berita Acara, linked as `archiveBase` + number (the
    /// dashboard's `/archive/`, or `berita-acara/` beside a written report).
    public init(report r: MonthlyReport, config: ReportConfig, lang: LocalText.Language, logo: String?, signedOn: EpochSeconds,
                archive: [ArchiveEntry] = [], archiveBase: String = "berita-acara/", archiveSuffix: String = ".html") {
        let f = r.figures
        let x = ReportText(lang)
        let tz = TimeZone(identifier: f.timezone) ?? .current
        let ym = YearMonth(f.month)!
        typealias Row = View.Row
        func row(_ cells: String..., css: String = "") -> Row { Row(cells: cells, css: css) }
        func when(_ iso: String?) -> String { iso.flatMap(ISO8601.parse).map { x.shortDateTime($0, in: tz) } ?? "-" }
        let names = Dictionary(f.opds.map { ($0.site, $0.name) }, uniquingKeysWith: { a, _ in a })
        let net = f.summary.network
        let target = x.pct(f.targetPct)

        let headline = [
            row(x["networkAvailability"], x.pct(net.accountableKnownPct), css: "big"),
            row("\(x["accountable"]), \(x["ofScheduled"])", x.pct(net.accountablePct)),
            row("\(x["experienced"]), \(x["ofKnown"])", x.pct(net.knownAvailabilityPct)),
            row("\(x["experienced"]), \(x["ofScheduled"])", x.pct(net.availabilityPct)),
            row(x["opdsMet"], "\(f.summary.met) / \(f.summary.opds)" + (f.summary.noData > 0 ? " (\(f.summary.noData) \(x["noData"]))" : "")),
            row(x["target"], target),
            row(x["coverage"], x.pct(net.coveragePct)),
        ]
        let byOPD = Dictionary(f.opds.map { ($0.site, $0) }, uniquingKeysWith: { a, _ in a })
        let missed = f.summary.missedRanking.compactMap { byOPD[$0] }.map {
            row($0.name, x.pct($0.totals.accountableKnownPct), x.hms($0.totals.accountableLostS), x.hms($0.totals.lostS), css: "bad")
        }
        let byPriority = f.summary.incidentsByPriority.map { row($0.key, "\($0.count)") }
        let repair = f.summary.repair.map {
            row($0.priority, "\($0.targetDays)", "\($0.tickets)", "\($0.within)", "\($0.breached)", "\($0.running)", x.pct($0.withinPct))
        }
        let causeChart = ReportCharts.bars(f.summary.incidentsByCause.map { (x.suspected($0.key), $0.count) }, title: x["incidentsByCause"])
        let working = f.calendar.days.map { $0.kind == "working" }
        let dayLabels = f.days.map { String(Int($0.date.suffix(2)) ?? 0) }
        let dailyChart = ReportCharts.dailyBars(zip(f.days, working).map { d, w in (String(Int(d.date.suffix(2)) ?? 0), d.totals.accountableKnownPct, w) },
                                                target: f.targetPct, title: x["dailyChart"])
        let heatMap = ReportCharts.heatMap(rows: f.opds.map { ($0.name, $0.days.map(\.totals.accountableKnownPct)) }, working: working,
                                           dayLabels: dayLabels, target: f.targetPct, title: x["heatMap"])
        let opdRows = f.opds.map { o in
            let t = o.totals
            let verdict = o.accountableMeetsTarget.map { $0 ? x["met"] : x["notMet"] } ?? x["noData"]
            return row(o.name, x.hms(t.scheduledS), x.hms(t.upS), x.hms(t.downS), x.hms(t.unreachableS), x.hms(t.unknownS),
                       x.hms(t.maintenanceS), x.hms(t.excusedS), "\(x.pct(t.availabilityPct)) / \(x.pct(t.knownAvailabilityPct))",
                       "\(x.pct(t.accountablePct)) / \(x.pct(t.accountableKnownPct))", verdict,
                       o.incidents.isEmpty ? "-" : o.incidents.joined(separator: ", "), o.mttrWorkingS.map(x.hms) ?? "-",
                       css: o.accountableMeetsTarget == false ? "bad" : "")
        }
        let trendMonths = f.trend.map(\.month)
        let trendChart = ReportCharts.trend(f.trend.map { (x.shortMonth(YearMonth($0.month)!), $0.accountableKnownPct) },
                                            target: f.targetPct, title: x["trend"])
        let trendRows = [Row(cells: ["Total"] + f.trend.map { x.pct($0.accountableKnownPct) }, css: "total")]
            + f.opds.map { o in
                let byMonth = Dictionary(o.trend.map { ($0.month, $0) }, uniquingKeysWith: { a, _ in a })
                return Row(cells: [o.name] + trendMonths.map { x.pct(byMonth[$0]?.accountableKnownPct) }, css: "")
            }
        let incidentRows = f.incidents.map { i in
            let cause = i.closingCause.map { c in f.causes.first { $0.code == c }.map { lang == .id ? $0.textID : $0.textEN } ?? c } ?? "-"
            let repairText = i.repairedWithinTarget.map { $0 ? x["within"] : x["breached"] } ?? x["running"]
            return row(i.number, i.priority, i.sites.map { names[$0] ?? $0 }.joined(separator: ", ").nonEmpty ?? "-",
                       when(i.startedAt), when(i.recoveredAt), "\(x.hms(i.workingSInMonth)) / \(x.hms(i.outageWorkingS))",
                       "\(x.suspected(i.suspectedCause)) (\(i.rootName))", cause, x.party(i.party), i.resolution.nonEmpty ?? "-",
                       repairText, css: i.repairedWithinTarget == false ? "bad" : "")
        }
        let c = f.calendar
        var calendarRows = [
            row(x["timezone"], "\(f.timezone) (\(f.zone))"),
            row(x["workweek"], c.workweek.map(x.weekday).joined(separator: ", ")),
            row(x["hours"], c.hours),
        ]
        if !c.hoursByDay.isEmpty {
            calendarRows.append(row(x["hoursByDay"], c.hoursByDay.sorted { $0.key < $1.key }.map { "\(x.weekday($0.key)) \($0.value)" }.joined(separator: "; ")))
        }
        calendarRows.append(row(x["workingDays"], "\(c.workingDays)"))
        calendarRows.append(row(x["scheduledTotal"], "\(x.hms(c.scheduledS)) (\(x.count(Int(c.scheduledS))) s)"))
        let periodRows = c.specialPeriods.map { p in
            row(p.name, p.from, p.to, ([p.hours].compactMap { $0 } + p.hoursByDay.sorted { $0.key < $1.key }.map { "\(x.weekday($0.key)) \($0.value)" })
                .joined(separator: "; "))
        }
        let holidayRows = c.holidays.map { row($0.date, $0.name, x.holidayKind($0.kind), $0.source) }
        let maintenanceRows = f.maintenance.map { row(names[$0.target] ?? $0.target, when($0.from), when($0.to), $0.reason, x.hms($0.scheduledS)) }
        let causeRows = f.causes.map { row($0.code, lang == .id ? $0.textID : $0.textEN, x.party($0.party.rawValue)) }
        let revisionRows = r.revisions.map { v in
            row("\(v.revision)", when(v.closedAt), v.closedBy, [v.reason, v.note.nonEmpty].compactMap { $0 }.joined(separator: " - ").nonEmpty ?? "-",
                String(v.hash.prefix(16)), v.reopenedAt.map { "\(when($0)): \(v.reopenReason ?? "")" } ?? "-")
        }
        let changeRows = r.changes.map { row(names[$0.site] ?? $0.site, $0.figure, $0.before, $0.after) }
        let current = r.revisions.first { $0.revision == r.revision }
        let statusText = r.isClosed ? "\(x["closed"]) - \(x["revision"]) \(r.revision ?? 0)" : x["provisional"]
        var signers: [View.Signer] = []
        if let s = config.signer { signers.append(.init(role: x["preparedBy"], name: s.name, title: s.title, nip: s.nip)) }
        if let s = config.approver { signers.append(.init(role: x["approvedBy"], name: s.name, title: s.title, nip: s.nip)) }
        if signers.isEmpty { signers.append(.init(role: x["preparedBy"], name: "", title: "", nip: "")) }
        let letterhead = config.letterhead.isEmpty ? [f.organization] : config.letterhead
        var view = View(
            t: x.labels, lang: lang.rawValue, letterhead: letterhead, letterheadFirst: letterhead[0], letterheadRest: Array(letterhead.dropFirst()),
            logo: logo, organization: f.organization, monthName: x.monthName(ym), month: f.month, status: statusText, isClosed: r.isClosed,
            revisionLabel: r.revision.map { $0 > 0 ? "\(x["revision"]) \($0)" : "" } ?? "", hash: r.hash, hashShort: String(r.hash.prefix(16)),
            coverage: x.pct(net.coveragePct), computedAt: when(f.computedAt), headline: headline, missed: missed, hasMissed: !missed.isEmpty,
            byPriority: byPriority, repair: repair, hasRepair: !repair.isEmpty, causeChart: causeChart, dailyChart: dailyChart,
            heatMap: heatMap, opdRows: opdRows, trendChart: trendChart, hasTrend: f.trend.count > 1, trendHead: trendMonths.map { x.shortMonth(YearMonth($0)!) },
            trendRows: trendRows, incidentRows: incidentRows, hasIncidents: !incidentRows.isEmpty, calendarRows: calendarRows,
            periodRows: periodRows, hasPeriods: !periodRows.isEmpty, holidayRows: holidayRows, hasHolidays: !holidayRows.isEmpty,
            maintenanceRows: maintenanceRows, hasMaintenance: !maintenanceRows.isEmpty, causeRows: causeRows, revisionRows: revisionRows,
            hasRevisions: !revisionRows.isEmpty, reason: current?.reason, changeRows: changeRows, hasChanges: !changeRows.isEmpty,
            place: [config.city.nonEmpty, LocalText.date(signedOn, in: tz, lang)].compactMap { $0 }.joined(separator: ", "),
            signers: signers,
            footerLeft: "\(f.organization) · \(x.monthName(ym)) · \(statusText) · \(x["coverage"]) \(x.pct(net.coveragePct)) · SHA-256 \(r.hash.prefix(16))",
            pageWord: x["page"], ofWord: x["of"])
        view.archive = archive.map { e in
            View.ArchiveLink(number: e.number, href: archiveBase + e.number + archiveSuffix, closed: LocalText.dateTime(e.closedAt, in: tz),
                             kind: e.kind, root: e.root)
        }
        view.hasArchive = !archive.isEmpty
        self.view = view
    }
}

extension String {
    /// nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
