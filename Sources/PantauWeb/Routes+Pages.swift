import Foundation
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit

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
        try await store.tickets(states: states).compactMap { id.access.scoped($0) }
    }

    /// Month-to-date availability of `sites` (the same figures as `pantau availability` for the
    /// month up to now), computed again after any recorded state change or 30 s.
    func monthToDateAvailability(_ sites: [String]) async throws -> (YearMonth, [AvailabilityResult]) {
        let (month, span) = monthToDate()
        let key = month.description + ":" + sites.joined(separator: ",")
        let generation = hub.generation.load(ordering: .relaxed)
        let now = self.now()
        if let hit = availabilityCache.withLock({ $0[key] }), hit.generation == generation, now - hit.at < availabilityReuseSeconds {
            return (month, hit.results)
        }
        let results = try await availability.compute(store: store, span: span, sites: sites)
        availabilityCache.withLock { cache in
            if cache.count > 64 { cache.removeAll() }   // one entry per OPD user's scope at most; bounded
            cache[key] = (generation, now, results)
        }
        return (month, results)
    }

    /// This month so far, in the network's calendar.
    func monthToDate() -> (YearMonth, TimeRange) {
        let now = self.now()
        let month = YearMonth(availability.calendar.localDate(of: now))
        let range = availability.calendar.range(of: month)
        return (month, TimeRange(range.start, max(range.start, min(range.end, now))))
    }

    func stateText(_ state: String, _ lang: WebLanguage) -> String { WebText.table(lang)["state.\(state)"] ?? state }

    func siteName(_ id: String) -> String { siteNames[id] ?? id }

    func ticketRow(_ t: Ticket, lang: WebLanguage) -> [String: Any] {
        [
            "number": t.number, "priority": t.priority.rawValue, "state": t.state.rawValue,
            "ticketState": WebText.table(lang)["ticket.\(t.state.rawValue)"] ?? t.state.rawValue,
            "cause": t.isHelpdesk ? (WebText.table(lang)["kind.\(t.kind)"] ?? t.kind) : "\(lang == .en ? t.cause.textEN : t.cause.textID) (\(t.cause.rawValue))",
            "affected": t.affectedSites.map(siteName).joined(separator: ", "),
            "opened": when(t.openedAt, lang), "assignedTo": t.assignedTo ?? "",
        ]
    }

    func overviewView(_ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        // The live states and the month's figures are independent reads: at the same time.
        async let reportRead = status.build(store: store, now: now())
        async let monthRead = monthToDateAvailability(visibleSites(id).filter { $0.role == .opd }.map(\.id))
        let report = try await reportRead
        let sites = Dictionary(report.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let linkLines = Dictionary(report.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let open = try await visibleTickets(id, states: [.open, .acknowledged]).sorted {
            ($0.priority.rawValue, $0.openedAt) < ($1.priority.rawValue, $1.openedAt)
        }
        let visible = visibleSites(id)
        let markup = TreeMarkup(sites: sites, links: linkLines, linkNames: linkNames, words: WebText.table(lang), since: { self.since($0, lang) })
        let tree = id.access.seesEverything ? markup.render(topologyTree.roots) : markup.render(flat: visible)
        let links = visibleLinks(id)
        let (month, results) = try await monthRead
        // The overview shows what needs attention: links that are not up and OPDs below the
        // target (the full tables are on /availability and each site's page).
        let watched = report.links.filter { links.contains($0.id) }
        // Below target, or scheduled time without any data; an OPD with no working time yet this month is neither.
        let below = results.filter { $0.meetsTarget == false || ($0.meetsTarget == nil && $0.scheduledSeconds > $0.maintenanceSeconds) }
        let t = WebText.table(lang)
        var view: [String: Any] = [
            "tickets": open.map { ticketRow($0, lang: lang) }, "tree": tree, "month": month.description,
            "links": watched.filter { $0.state != .up }.map { l -> [String: Any] in
                ["id": l.id, "name": linkNames[l.id] ?? l.id, "kind": l.kind, "state": l.state.rawValue,
                 "stateText": stateText(l.state.rawValue, lang), "since": since(l.since, lang).text, "sinceFull": since(l.since, lang).title, "inBps": l.inBps.map { Self.bps($0) } ?? "",
                 "outBps": l.outBps.map { Self.bps($0) } ?? "", "optical": l.rxDbm.map { String(format: "%.2f dBm", $0) } ?? ""]
            }.map { scopedLinkRow($0, id) },
            "linksSummary": (lang == .en ? "\(watched.count - watched.filter { $0.state != .up }.count) of \(watched.count) watched links up"
                                         : "\(watched.count - watched.filter { $0.state != .up }.count) dari \(watched.count) tautan terpantau normal"),
            "availability": below.map { r -> [String: Any] in availabilityRow(r, lang: lang) },
            "availabilitySummary": (lang == .en ? "\(results.count - below.count) of \(results.count) OPDs meet the \(Self.percentNumber(inventory.sla.availabilityTargetPct, lang)) target"
                                                : "\(results.count - below.count) dari \(results.count) OPD memenuhi target \(Self.percentNumber(inventory.sla.availabilityTargetPct, lang))")
                + (below.isEmpty ? "" : (lang == .en ? "; below it or without data:" : "; di bawahnya atau tanpa data:")),
            "allAvailability": t["availability"]!,
        ]
        if id.access.seesEverything {
            let alerts = storeAlerts(lang)
            if !alerts.isEmpty { view["alerts"] = alerts }
            let backlog = try await store.outboxBacklog()
            view["health"] = ["sources": report.sources.map { s -> [String: Any] in
                ["source": s.source, "state": s.state, "stateText": t["source.\(s.state)"] ?? s.state, "lastSeen": since(s.lastSeen, lang).text,
                 "lastSeenFull": since(s.lastSeen, lang).title,
                 "cycle": s.cycleMs.map { "\(since(s.cycleStarted, lang).text) · \($0) ms · \(s.answered ?? 0)/\(s.done ?? 0)" } ?? "", "late": s.late ?? 0,
                 "read": s.total.map { "\(s.current ?? 0)/\($0)" } ?? "-", "unread": unreadLines(s, t, lang)]
            }, "outbox": backlog] as [String: Any]
        }
        return view
    }

    /// What the engine's health file says needs attention: the store failing to write, services
    /// that cannot use it, optional probers not running (the same lines as `pantau status`).
    func storeAlerts(_ lang: WebLanguage) -> [String] {
        guard let path = healthFile, let data = FileManager.default.contents(atPath: path),
              let h = try? JSONDecoder().decode(StoreHealth.self, from: data) else { return [] }
        let when = { (t: EpochSeconds) in self.when(t, lang) }
        var out: [String] = []
        if let since = h.failingSince {
            out.append(lang == .en ? "The database has failed to write since \(when(since)) (\(h.pendingBatches) results waiting in memory; nothing is lost while the engine runs)."
                                   : "Basis data gagal ditulis sejak \(when(since)) (\(h.pendingBatches) hasil menunggu di memori; tidak ada yang hilang selama mesin berjalan).")
        }
        for (name, f) in (h.services ?? [:]).sorted(by: { $0.key < $1.key }) {
            out.append(lang == .en ? "The \(name) service cannot use the database since \(when(f.since)); it keeps retrying."
                                   : "Layanan \(name) tidak dapat memakai basis data sejak \(when(f.since)); terus dicoba lagi.")
        }
        for (name, f) in (h.probers ?? [:]).sorted(by: { $0.key < $1.key }) {
            out.append(lang == .en ? "\(name) has not been running since \(when(f.since)); the rest of the monitoring goes on."
                                   : "\(name) tidak berjalan sejak \(when(f.since)); pemantauan lain tetap berjalan.")
        }
        if let step = h.clockStep {
            out.append(lang == .en ? "The system clock stepped \(ClockStepText.signed(step.offset)) s; the engine's times differ from it by that much until the engine is restarted (no recorded interval is changed)."
                                   : "Jam sistem melompat \(ClockStepText.signed(step.offset)) detik; waktu engine berbeda sebanyak itu sampai engine dijalankan ulang (tidak ada selang tercatat yang berubah).")
        }
        return out
    }

    func availabilityRow(_ r: AvailabilityResult, lang: WebLanguage) -> [String: Any] {
        let t = WebText.table(lang)
        let pct = r.availability.map { Self.percent($0, lang) } ?? t["noData"]!
        let verdict = r.meetsTarget.map { $0 ? t["met"]! : t["notMet"]! } ?? t["noData"]!
        return ["id": r.target, "name": siteName(r.target), "pct": pct, "target": Self.percentNumber(r.targetPct, lang),
                "verdict": verdict, "bad": r.meetsTarget == false,
                "scheduled": duration(r.scheduledSeconds, lang), "down": duration(r.downSeconds, lang),
                "unreachable": duration(r.unreachableSeconds, lang), "unknown": duration(r.unknownSeconds, lang),
                "maintenance": duration(r.maintenanceSeconds, lang)]
    }

    func availabilityView(_ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let (month, results) = try await monthToDateAvailability(visibleSites(id).filter { $0.role == .opd }.map(\.id))
        var view: [String: Any] = ["month": month.description, "rows": results.map { availabilityRow($0, lang: lang) }]
        // Last month's report (closed or provisional) for those who may read one.
        if reportRenderer != nil, id.access.seesEverything || id.user.sites.count == 1 {
            let first = availability.calendar.range(of: month).start
            view["reportMonth"] = YearMonth(availability.calendar.localDate(of: first - 1)).description
        }
        return view
    }

    /// Every interval behind a site's month-to-date figure: the reader can add them up.
    func explainView(_ site: Site, lang: WebLanguage) async throws -> [String: Any] {
        let (month, span) = monthToDate()
        guard let r = try await availability.compute(store: store, span: span, sites: [site.id]).first else { return [:] }
        let t = WebText.table(lang)
        var rows: [(EpochSeconds, [String: Any])] = []
        for (key, set) in [("down", r.down), ("unreachable", r.unreachable), ("unknown", r.unknown), ("maintenance", r.maintenance)] {
            for i in set.ranges {
                rows.append((i.start, ["kind": t[key]!, "from": when(i.start, lang), "to": when(i.end, lang),
                                       "duration": duration(i.end - i.start, lang)]))
            }
        }
        let formula = "\(t["availability"]!) = \(t["upTime"]!) \(r.upSeconds) s / (\(t["scheduled"]!.lowercased()) \(r.scheduledSeconds) s − "
            + "\(t["maintenance"]!.lowercased()) \(r.maintenanceSeconds) s) = \(r.availability.map { Self.percent($0, lang) } ?? t["noData"]!)"
        return ["name": site.name, "month": month.description, "formula": formula, "intervals": rows.sorted { $0.0 < $1.0 }.map(\.1)]
    }

    /// The targets a running source has not read within their interval, one line each (named
    /// ones first, then how many more): the dashboard counts against the inventory too.
    func unreadLines(_ s: StatusReport.SourceLine, _ t: [String: String], _ lang: WebLanguage) -> [String] {
        guard s.state == "running" || s.state == "stale", let total = s.total, let current = s.current, current < total else { return [] }
        var lines = ["\(total - current)/\(total) \(t["unreadOf"]!):"]
        for u in s.unread ?? [] {
            let last = u.lastRead.map { "\(t["lastRead"]!) \(since($0, lang).text)" } ?? t["neverRead"]!
            lines.append("\(u.id) (\(last)): \(u.why.prefix(120))")
        }
        let more = total - current - (s.unread?.count ?? 0)
        if more > 0 { lines.append("… \(t["andMore"]!) (\(more))") }
        return lines
    }

    /// A status report's ISO timestamp as a table shows it ("08.08", "1 Des 08.08") and its
    /// tooltip ("1 Des 2026 08.08 WIB (12 menit lalu)").
    func since(_ iso: String?, _ lang: WebLanguage) -> (text: String, title: String) {
        guard let iso, let t = ISO8601.parse(iso) else { return ("", "") }
        return (LocalText.compact(t, now: now(), in: tz, lang.local), whenAgo(t, lang))
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
