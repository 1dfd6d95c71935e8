import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit

/// A link's page (`/links/ID`) and a ticket's printable Berita Acara (`/tickets/N/berita-acara`).
extension WebApp {
    func addLinkRoutes(_ router: Router<WebContext>) {
        router.get("/links/:id") { _, context in
            let id = try self.requirePage(context)
            guard let link = self.inventory.links.first(where: { $0.id == context.parameters.get("id") }) else {
                return try self.message("notFound", context: context, status: .notFound)
            }
            guard id.access.maySee(anyOf: self.sitesOf(link)) else { return try self.message("forbidden", context: context, status: .forbidden) }
            return try self.render(.link, context: context, view: try await self.linkView(link, id, lang: context.lang), title: link.name ?? link.id)
        }
        router.get("/tickets/:number/berita-acara") { _, context in
            let id = try self.requirePage(context)
            guard let t = try await self.visibleTicket(context, id) else { return try self.message("forbidden", context: context, status: .forbidden) }
            let timers = TicketTimers(ticket: t, inventory: self.inventory, policy: self.policy, now: self.now())
            let doc = BeritaAcaraDocument(ticket: t, events: id.access.scoped(try await self.store.ticketEvents(t.id)), timers: timers, inventory: self.inventory,
                                          city: self.reportConfig.city)
            let html = try doc.html(templateFile: self.templatesDirectory.map { ($0 as NSString).appendingPathComponent("berita-acara.mustache") })
            var r = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
            r.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
            return r
        }
    }

    /// The sites a link touches: both ends and everything behind it (who may read its page).
    func sitesOf(_ link: Link) -> [String] { [link.from, link.to] + topology.downstream(of: link) }

    /// Whether `id` reads a link's detail (traffic, optics, ports, every site behind it) or only its
    /// state (`Access.scoped`): an OPD user reads the detail of a link that serves its own sites only.
    func readsDetail(of link: Link, _ id: Identity) -> Bool {
        id.access.readsNetworkDetail
            || sitesOf(link).filter { inventory.site($0)?.role == .opd }.allSatisfy(id.access.user.sites.contains)
    }

    /// A links table row as `id` may read it: a shared link keeps only its state (`readsDetail`).
    func scopedLinkRow(_ row: [String: Any], _ id: Identity) -> [String: Any] {
        guard let lid = row["id"] as? String, let link = inventory.link(lid), !readsDetail(of: link, id) else { return row }
        var r = row
        for key in ["inBps", "outBps", "use", "optical", "contract"] { r[key] = "" }
        r["hot"] = false
        return r
    }

    func linkView(_ link: Link, _ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let history = try await monthHistory(link.id)
        let report = try await status.build(store: store, now: now())
        let line = report.links.first { $0.id == link.id }
        let contract = inventory.contractMbps(link.id)
        let use = line.flatMap(utilisation)
        let tickets = try await visibleTickets(id, states: nil).filter { $0.root == link.id }
        let state = line?.state.rawValue ?? "unknown"
        var view: [String: Any] = [
            "id": link.id, "name": link.name ?? link.id, "kind": link.kind.rawValue, "state": state, "stateText": stateText(state, lang),
            "from": link.from, "fromName": siteName(link.from), "to": link.to, "toName": siteName(link.to),
            "behind": topology.downstream(of: link).map(siteName).joined(separator: ", "),
            "ends": link.ends.map { "\($0.device)/\($0.interface)" }.joined(separator: " – "), "detail": line?.detail ?? "",
            "day": today().description, "month": monthToDate().0.description,
            "timeline": WebCharts.timeline(history, range: todayRange(), tz: tz, words: WebText.table(lang)), "monthTimeline": monthTimeline(history, lang),
            "inBps": line?.inBps.map { Self.bps($0) } ?? "", "outBps": line?.outBps.map { Self.bps($0) } ?? "",
            "contract": contract.map { String(format: "%.0f Mbps", $0) } ?? "", "use": use.map { String(format: "%.1f%%", $0) } ?? "",
            "rx": line?.rxDbm.map { String(format: "%.2f dBm", $0) } ?? "", "tx": line?.txDbm.map { String(format: "%.2f dBm", $0) } ?? "",
            "optical": line?.optical ?? "",
            "tickets": tickets.reversed().map { ticketRow($0, lang: lang) },
        ]
        if line == nil { view["unwatched"] = true }
        if !readsDetail(of: link, id) {
            // A shared link (a trunk above the user's site): its state, never the others behind it or their traffic.
            let own = Set(id.access.user.sites)
            let named = { (site: String) in own.contains(site) || self.inventory.site(site)?.role != .opd }
            for key in ["inBps", "outBps", "use", "rx", "tx", "optical", "ends", "detail", "contract"] { view[key] = "" }
            view["behind"] = topology.downstream(of: link).filter(own.contains).map(siteName).joined(separator: ", ")
            if !named(link.from) { view["fromName"] = ""; view["from"] = "" }
            if !named(link.to) { view["toName"] = ""; view["to"] = "" }
            view["shared"] = true
        }
        return view
    }
}
