import Foundation
import PantauCore
import PantauReports
import PantauStoreKit

extension WebApp {
    func today() -> LocalDate { availability.calendar.localDate(of: now()) }

    /// Today, midnight to midnight in the network's time zone.
    func todayRange() -> TimeRange {
        let cal = availability.calendar, d = today()
        return TimeRange(cal.instant(d, secondOfDay: 0), cal.instant(d.adding(days: 1), secondOfDay: 0))
    }

    /// The recorded states of `target` from the start of this month to the end of today.
    func monthHistory(_ target: String) async throws -> [StateInterval] {
        let monthRange = availability.calendar.range(of: monthToDate().0)
        return try await store.history(overlapping: TimeRange(monthRange.start, max(todayRange().end, monthRange.start)), targets: [target])[target] ?? []
    }

    /// The month's state bar, marking the 1st, 8th, 15th, 22nd and 29th.
    func monthTimeline(_ history: [StateInterval], _ lang: WebLanguage) -> String {
        let cal = availability.calendar, month = monthToDate().0
        let ticks: [(EpochSeconds, String)] = month.days.filter { [1, 8, 15, 22, 29].contains($0.day) }.map { (cal.instant($0, secondOfDay: 0), "\($0.day)") }
        return WebCharts.timeline(history, range: cal.range(of: month), tz: tz, ticks: ticks, words: WebText.table(lang))
    }

    /// Utilisation against the contracted bandwidth: the busier direction over the contract (percent).
    func utilisation(_ l: StatusReport.LinkLine) -> Double? {
        guard let c = inventory.contractMbps(l.id), c > 0, l.inBps != nil || l.outBps != nil else { return nil }
        return max(l.inBps ?? 0, l.outBps ?? 0) / (c * 1_000_000) * 100
    }

    /// A site's page: today's state timeline, RTT and loss, its links, its tickets, its month.
    func siteView(_ site: Site, _ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let now = self.now()
        let (today, day) = (self.today(), self.todayRange())
        let (month, span) = monthToDate()
        let history = try await monthHistory(site.id)
        let series = try await store.icmpSeries(target: site.id, range: day)
        let report = try await status.build(store: store, now: now)
        let line = report.sites.first { $0.id == site.id }
        let result = try await availability.compute(store: store, span: span, sites: [site.id]).first
        let links = inventory.links.filter { $0.from == site.id || $0.to == site.id }.map(\.id)
        let tickets = try await visibleTickets(id, states: nil).filter { $0.affectedSites.contains(site.id) || $0.root == site.id }
        let t = WebText.table(lang)
        return [
            "id": site.id, "name": site.name, "role": site.role.rawValue, "address": site.address ?? "",
            "uplinks": site.uplinks.joined(separator: ", "), "state": line?.state.rawValue ?? "unknown",
            "stateText": stateText(line?.state.rawValue ?? "unknown", lang), "month": month.description,
            "pct": result?.availability.map { Self.percent($0, lang) } ?? t["noData"]!,
            "target": Self.percentNumber(inventory.sla.availabilityTargetPct, lang), "day": today.description,
            "timeline": WebCharts.timeline(history, range: day, tz: tz, words: WebText.table(lang)), "monthTimeline": monthTimeline(history, lang), "rttChart": WebCharts.rtt(series, range: day),
            "links": report.links.filter { links.contains($0.id) }.map { l -> [String: Any] in
                let contract = inventory.contractMbps(l.id), use = utilisation(l)
                return ["id": l.id, "name": linkNames[l.id] ?? l.id, "state": l.state.rawValue,
                        "stateText": stateText(l.state.rawValue, lang), "inBps": l.inBps.map { Self.bps($0) } ?? "",
                        "outBps": l.outBps.map { Self.bps($0) } ?? "",
                        "contract": contract.map { String(format: "%.0f Mbps", $0) } ?? "",
                        "use": use.map { String(format: "%.1f%%", $0) } ?? "", "hot": (use ?? 0) >= status.snmp.defaults.utilisationWarnPct,
                        "optical": l.rxDbm.map { String(format: "%.2f dBm", $0) + (l.optical.map { " (\($0))" } ?? "") } ?? ""]
            }.map { scopedLinkRow($0, id) },
            "tickets": tickets.reversed().map { ticketRow($0, lang: lang) },
        ]
    }
}
