import Foundation
import Hummingbird
import PantauCore
import PantauReports
import PantauStore

extension WebApp {
    func addPageRoutes(_ router: Router<WebContext>) {
        router.get("/") { _, context in
            let id = try self.requirePage(context)
            return try self.render(.overview, context: context, view: try await self.overviewView(id, lang: context.lang))
        }
        router.get("/sites/:id") { _, context in
            let id = try self.requirePage(context)
            guard let siteID = context.parameters.get("id"), let site = self.inventory.sites.first(where: { $0.id == siteID }) else {
                return try self.message("notFound", context: context, status: .notFound)
            }
            guard id.access.maySee(site: site.id) else { return try self.message("forbidden", context: context, status: .forbidden) }
            return try self.render(.site, context: context, view: try await self.siteView(site, id, lang: context.lang), title: site.name)
        }
        router.get("/availability") { _, context in
            let id = try self.requirePage(context)
            return try self.render(.availability, context: context, view: try await self.availabilityView(id, lang: context.lang))
        }
        router.get("/availability/:id") { _, context in
            let id = try self.requirePage(context)
            guard let siteID = context.parameters.get("id"), let site = self.inventory.sites.first(where: { $0.id == siteID }) else {
                return try self.message("notFound", context: context, status: .notFound)
            }
            guard id.access.maySee(site: site.id) else { return try self.message("forbidden", context: context, status: .forbidden) }
            return try self.render(.explain, context: context, view: try await self.explainView(site, lang: context.lang), title: site.name)
        }
    }

    /// The sites a user may see, in inventory order.
    func visibleSites(_ id: Identity) -> [Site] { inventory.sites.filter { id.access.maySee(site: $0.id) } }

    /// The links a user may see: all for the network team; for an OPD user, the links that end at its sites.
    func visibleLinks(_ id: Identity) -> Set<String> {
        Set(inventory.links.filter { id.access.seesEverything || id.access.maySee(site: $0.from) || id.access.maySee(site: $0.to) }.map(\.id))
    }

    func visibleTickets(_ id: Identity, states: Set<Ticket.State>?) async throws -> [Ticket] {
        try await store.tickets(states: states).filter { id.access.maySee(anyOf: $0.affectedSites + [$0.root]) }
    }

    /// This month so far, in the network's calendar.
    func monthToDate() -> (YearMonth, TimeRange) {
        let now = self.now()
        let month = YearMonth(availability.calendar.localDate(of: now))
        let range = availability.calendar.range(of: month)
        return (month, TimeRange(range.start, max(range.start, min(range.end, now))))
    }

    func stateText(_ state: String, _ lang: WebLanguage) -> String { WebText.table(lang)["state.\(state)"] ?? state }

    func siteName(_ id: String) -> String { inventory.sites.first { $0.id == id }?.name ?? id }

    func ticketRow(_ t: Ticket, lang: WebLanguage) -> [String: Any] {
        [
            "number": t.number, "priority": t.priority.rawValue, "state": t.state.rawValue,
            "cause": "\(lang == .en ? t.cause.textEN : t.cause.textID) (\(t.cause.rawValue))",
            "affected": t.affectedSites.map(siteName).joined(separator: ", "),
            "opened": ISO8601.format(t.openedAt, in: tz), "assignedTo": t.assignedTo ?? "",
        ]
    }

    func overviewView(_ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let report = try await status.build(store: store, now: now())
        let sites = Dictionary(report.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let open = try await visibleTickets(id, states: [.open, .acknowledged]).sorted {
            ($0.priority.rawValue, $0.openedAt) < ($1.priority.rawValue, $1.openedAt)
        }
        let visible = visibleSites(id)
        func node(_ site: Site) -> [String: Any] {
            let s = sites[site.id]
            // Only values that exist go in: a missing key renders nothing, an Optional would render "nil".
            var v: [String: Any] = ["id": site.id, "name": site.name, "state": s?.state.rawValue ?? "unknown",
                                    "stateText": stateText(s?.state.rawValue ?? "unknown", lang), "since": Self.shortTime(s?.since),
                                    "sinceFull": s?.since ?? ""]
            if let rtt = s?.rttMs { v["rtt"] = String(format: "%.1f", rtt) }
            if site.uplinks.count > 1 { v["uplinks"] = site.uplinks.joined(separator: " + ") }
            return v
        }
        var tree: [[String: Any]]
        if id.access.seesEverything {
            tree = TopologyTree(inventory: inventory).roots.map { build($0) }
            func build(_ n: TopologyTree.Node) -> [String: Any] {
                var v = node(n.site)
                v["children"] = n.children.map { build($0) }
                v["hasChildren"] = !n.children.isEmpty
                return v
            }
        } else {
            tree = visible.map(node)
        }
        let links = visibleLinks(id)
        let (month, span) = monthToDate()
        let results = try await availability.compute(store: store, span: span, sites: visible.filter { $0.role == .opd }.map(\.id))
        var view: [String: Any] = [
            "tickets": open.map { ticketRow($0, lang: lang) }, "tree": tree, "month": month.description,
            "links": report.links.filter { links.contains($0.id) }.map { l -> [String: Any] in
                ["id": l.id, "name": inventory.links.first { $0.id == l.id }?.name ?? l.id, "kind": l.kind, "state": l.state.rawValue,
                 "stateText": stateText(l.state.rawValue, lang), "since": Self.shortTime(l.since), "sinceFull": l.since ?? "", "inBps": l.inBps.map { Self.bps($0) } ?? "",
                 "outBps": l.outBps.map { Self.bps($0) } ?? "", "optical": l.rxDbm.map { String(format: "%.2f dBm", $0) } ?? ""]
            },
            "availability": results.map { r -> [String: Any] in availabilityRow(r, lang: lang) },
        ]
        if id.access.seesEverything {
            let backlog = try await store.outbox().filter { $0.sentAt == nil }.count
            view["health"] = ["sources": report.sources.map { s -> [String: Any] in
                ["source": s.source, "state": s.state, "lastSeen": s.lastSeen,
                 "cycle": s.cycleMs.map { "\(s.cycleStarted ?? "") · \($0) ms · \(s.answered ?? 0)/\(s.done ?? 0)" } ?? "", "late": s.late ?? 0]
            }, "outbox": backlog] as [String: Any]
        }
        return view
    }

    func availabilityRow(_ r: AvailabilityResult, lang: WebLanguage) -> [String: Any] {
        let t = WebText.table(lang)
        let pct = r.availability.map { Self.percent($0, lang) } ?? t["noData"]!
        let verdict = r.meetsTarget.map { $0 ? t["met"]! : t["notMet"]! } ?? t["noData"]!
        return ["id": r.target, "name": siteName(r.target), "pct": pct, "target": Self.percentNumber(r.targetPct, lang),
                "verdict": verdict, "bad": r.meetsTarget == false,
                "scheduled": DurationText.hms(r.scheduledSeconds), "down": DurationText.hms(r.downSeconds),
                "unreachable": DurationText.hms(r.unreachableSeconds), "unknown": DurationText.hms(r.unknownSeconds),
                "maintenance": DurationText.hms(r.maintenanceSeconds)]
    }

    func availabilityView(_ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let (month, span) = monthToDate()
        let sites = visibleSites(id).filter { $0.role == .opd }.map(\.id)
        let results = try await availability.compute(store: store, span: span, sites: sites)
        return ["month": month.description, "rows": results.map { availabilityRow($0, lang: lang) }]
    }

    /// Every interval behind a site's month-to-date figure: the reader can add them up.
    func explainView(_ site: Site, lang: WebLanguage) async throws -> [String: Any] {
        let (month, span) = monthToDate()
        guard let r = try await availability.compute(store: store, span: span, sites: [site.id]).first else { return [:] }
        let t = WebText.table(lang)
        var rows: [(EpochSeconds, [String: Any])] = []
        for (key, set) in [("down", r.down), ("unreachable", r.unreachable), ("unknown", r.unknown), ("maintenance", r.maintenance)] {
            for i in set.ranges {
                rows.append((i.start, ["kind": t[key]!, "from": ISO8601.format(i.start, in: tz), "to": ISO8601.format(i.end, in: tz),
                                       "duration": DurationText.hms(i.end - i.start)]))
            }
        }
        let formula = "\(t["availability"]!) = up \(r.upSeconds) s / (\(t["scheduled"]!.lowercased()) \(r.scheduledSeconds) s − "
            + "\(t["maintenance"]!.lowercased()) \(r.maintenanceSeconds) s) = \(r.availability.map { Self.percent($0, lang) } ?? t["noData"]!)"
        return ["name": site.name, "month": month.description, "formula": formula, "intervals": rows.sorted { $0.0 < $1.0 }.map(\.1)]
    }

    /// "2026-12-01T08:08:07+07:00" as people read it in a table: "01-12 08:08:07".
    static func shortTime(_ iso: String?) -> String {
        guard let iso, iso.count >= 19 else { return iso ?? "" }
        let c = Array(iso)
        return String(c[8...9]) + "-" + String(c[5...6]) + " " + String(c[11...18])
    }

    static func percent(_ r: Ratio, _ lang: WebLanguage) -> String {
        let s = r.percentString(decimals: 2) + "%"
        return lang == .id ? s.replacingOccurrences(of: ".", with: ",") : s
    }

    static func percentNumber(_ p: Double, _ lang: WebLanguage) -> String {
        let s = String(format: p == p.rounded() ? "%.0f%%" : "%.2f%%", p)
        return lang == .id ? s.replacingOccurrences(of: ".", with: ",") : s
    }

    static func bps(_ v: Double) -> String {
        switch v {
        case 1e9...: String(format: "%.2f G", v / 1e9)
        case 1e6...: String(format: "%.2f M", v / 1e6)
        case 1e3...: String(format: "%.1f k", v / 1e3)
        default: String(format: "%.0f", v)
        }
    }
}
