import Foundation
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit

extension WebApp {
    /// `GET /map`: the NOC wall view. Counts at the top, the live topology map, the open tickets
    /// with their age and SLA timers. `?kiosk=1` drops the navigation for a wall screen (full
    /// screen, reconnecting, the map redrawn in place). For the network team and managers: the
    /// whole network is on it, so an OPD user is refused like any page of other OPDs.
    func addMapRoutes(_ router: Router<WebContext>) {
        router.get("/map") { request, context in
            let id = try self.requirePage(context)
            guard id.access.seesEverything else { return try self.message("forbidden", context: context, status: .forbidden) }
            let kiosk = request.uri.queryParameters.get("kiosk") == "1"
            var view = try await self.mapView(context.lang)
            view["kiosk"] = kiosk
            // How often the page redraws itself (ages, timers) besides each live event: 30 s, or
            // what a wall screen's URL asks for (2-300 s; the soak test asks for 2).
            view["refresh"] = min(300, max(2, Int(request.uri.queryParameters.get("refresh") ?? "") ?? 30))
            return try self.render(.map, context: context, view: view, kiosk: kiosk)
        }
    }

    func mapView(_ lang: WebLanguage) async throws -> [String: Any] {
        let now = self.now()
        async let reportRead = status.build(store: store, now: now)
        async let openRead = store.tickets(states: [.open, .acknowledged])
        let report = try await reportRead
        let open = try await openRead.filter { $0.mergedInto == nil }
        let t = WebText.table(lang)
        let degraded = Set(open.filter { $0.cause == .degraded }.map(\.root))
        let maintenance = Set(inventory.maintenance.filter { $0.range.contains(now) }.map(\.target))
        let markup = MapMarkup(inventory: inventory, layout: mapLayout, sites: Dictionary(report.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                               links: Dictionary(report.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                               degraded: degraded, maintenance: maintenance, words: t)
        let looks = markup.looks()
        let counts = MapMarkup.Look.allCases.map { look -> [String: Any] in
            ["look": look.rawValue, "label": t["state.\(look.rawValue)"] ?? look.rawValue, "count": looks.values.filter { $0 == look }.count,
             "icon": markup.shape(look, MapPosition(x: 10, y: 10), 6)]
        }
        let tickets = open.sorted { ($0.priority.rawValue, $0.openedAt) < ($1.priority.rawValue, $1.openedAt) }.map { tk -> [String: Any] in
            let timers = TicketTimers(ticket: tk, inventory: inventory, policy: policy, now: now)
            // The timer that matters now: the response until acknowledged, then the repair.
            let timer = tk.acknowledgedAt == nil ? timers.response : timers.repair
            let sla = (tk.acknowledgedAt == nil ? t["response"]! : t["repair"]!) + ": "
                + (timer.breached ? t["breached"]! : timer.due.map { (t["due"] ?? "") + " " + LocalText.relative($0, now: now, lang.local) } ?? "-")
            var row = ticketRow(tk, lang: lang)
            row["age"] = LocalText.relative(tk.startedAt, now: now, lang.local)
            row["sla"] = sla
            row["breached"] = timer.breached
            row["count"] = tk.affectedSites.count
            return row
        }
        let kinds = Set(inventory.links.map(\.kind))
        return ["svg": markup.render(looks: looks), "counts": counts, "tickets": tickets,
                "kinds": LinkKind.allCases.filter(kinds.contains).map { ["kind": $0.rawValue] },
                "newestP1": open.filter { $0.priority == .p1 && $0.state == .open }.map(\.number).max() ?? ""]
    }
}
