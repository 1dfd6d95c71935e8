import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauHelpdesk
import PantauStoreKit

/// The helpdesk in the browser: an OPD user (or the NOC for a caller) reports a disruption,
/// the NOC opens installation tickets and records the handover, and everyone reads the
/// archived Berita Acara of what touches them.
extension WebApp {
    struct ReportForm: Codable { var site: String; var name: String?; var contact: String?; var text: String; var via: String? }
    struct InstallForm: Decodable { var link: String; var name: String?; var contact: String?; var text: String }
    struct HandoverForm: Decodable { var receivedBy: String; var equipment: String; var note: String? }

    /// How a report came in (the CLI's `--via` takes the same words).
    public static let reportVias: Set<String> = ["phone", "web", "email", "whatsapp", "visit"]

    func addHelpdeskRoutes(_ router: Router<WebContext>) {
        router.post("/tickets/report") { request, context in
            let id = try self.requirePage(context)
            let form: ReportForm = try await self.checkedForm(request, context, id)
            let t = try await self.report(form, id)
            return Response.redirect(to: "/tickets/\(t.ticket.number)\(t.attached ? "?joined=1" : "")", type: .found)
        }
        router.post("/tickets/install") { request, context in
            let id = try self.requirePage(context)
            guard id.access.mayOperateTickets else { throw HTTPError(.forbidden, message: "your role may not open installation tickets") }
            let form: InstallForm = try await self.checkedForm(request, context, id)
            let contact = try Self.contact(form.contact)
            let t = try await self.conflictOnInvalid {
                try await self.helpdesk.openInstallation(link: form.link, name: form.name ?? "", contact: contact, text: form.text, via: "web",
                                                         by: id.actor, at: self.now())
            }
            return Response.redirect(to: "/tickets/\(t.number)", type: .found)
        }
        router.post("/tickets/:number/handover") { request, context in
            let (id, t) = try await self.operable(context)
            let form: HandoverForm = try await self.checkedForm(request, context, id)
            let equipment = form.equipment.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !form.receivedBy.trimmingCharacters(in: .whitespaces).isEmpty, !equipment.isEmpty else {
                throw HTTPError(.badRequest, message: "who received it and the equipment are required")
            }
            let h = Handover(receivedBy: form.receivedBy, handedBy: id.user.displayName, equipment: equipment, note: form.note ?? "", at: self.now())
            _ = try await self.conflictOnInvalid { try await self.helpdesk.handover(t.number, h, by: id.actor, at: self.now()) }
            return Response.redirect(to: "/tickets/\(t.number)", type: .found)
        }
        router.get("/archive") { request, context in
            let id = try self.requirePage(context)
            let months = try await self.store.archiveMonths()
            let month = request.uri.queryParameters.get("month").flatMap(YearMonth.init)?.description ?? months.first ?? YearMonth(self.helpdesk.calendar.localDate(of: self.now())).description
            let visible = try await self.store.archive(month: month).filter { id.access.maySee(anyOf: $0.sites + [$0.root]) }
            let rows: [[String: Any]] = visible.map { e in
                ["number": e.number, "closed": self.when(e.closedAt, context.lang), "kind": WebText.table(context.lang)["kind.\(e.kind)"] ?? e.kind,
                 "root": self.siteNames[e.root] ?? self.linkNames[e.root] ?? e.root, "sites": e.sites.map(self.siteName).joined(separator: ", ")]
            }
            return try self.render(.archive, context: context, view: ["month": month, "entries": rows, "months": months.map { ["m": $0] }])
        }
        router.get("/archive/:number") { _, context in
            let (_, doc) = try await self.archived(context)
            var r = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: doc.html)))
            r.headers[.contentSecurityPolicy] = Self.documentCSP
            return r
        }
        router.get("/archive/:number/pdf") { _, context in
            let (entry, _) = try await self.archived(context)
            let pdf = try await self.conflictOnInvalid { try await self.helpdesk.archivedPDF(entry.number) }
            var r = Response(status: .ok, headers: [.contentType: "application/pdf"], body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
            r.headers[.contentDisposition] = "inline; filename=\"\(entry.number).pdf\""
            return r
        }
    }

    static let documentCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    /// The archived document named in the path, when the user may read it.
    func archived(_ context: WebContext) async throws -> (ArchiveEntry, (entry: ArchiveEntry, html: String, pdf: Data?)) {
        let id = try requirePage(context)
        let number = Ticket.normalizedNumber(context.parameters.get("number") ?? "", prefix: helpdesk.config.numberPrefix)
        guard let doc = try await store.archivedDocument(number) else { throw HTTPError(.notFound, message: "no archived Berita Acara \(number)") }
        guard id.access.maySee(anyOf: doc.entry.sites + [doc.entry.root]) else { throw HTTPError(.forbidden, message: Self.notYours) }
        return (doc.entry, doc)
    }

    /// A report from the form or the API: an OPD user only for its own sites (the name is its
    /// own unless it writes a colleague's); the NOC for any site, on behalf of a caller.
    func report(_ form: ReportForm, _ id: Identity) async throws -> (ticket: Ticket, attached: Bool) {
        guard id.user.role != .manager else { throw HTTPError(.forbidden, message: "a manager's account reads; it does not report") }
        guard inventory.site(form.site) != nil else { throw HTTPError(.badRequest, message: "no site '\(form.site)' in the inventory") }
        guard id.access.maySee(site: form.site) else { throw HTTPError(.forbidden, message: "you may report only for your own site(s)") }
        let contact = try Self.contact(form.contact)
        let via = id.user.role == .opd ? "web" : (form.via.flatMap { Self.reportVias.contains($0) ? $0 : nil } ?? "phone")
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        do {
            return try await conflictOnInvalid {
                try await self.helpdesk.report(site: form.site, name: name.isEmpty ? id.user.displayName : name, contact: contact, text: form.text,
                                               via: via, by: id.actor, at: self.now())
            }
        } catch let e as RequesterLimitError {
            throw HTTPError(.tooManyRequests, message: e.message)
        }
    }

    static func contact(_ text: String?) throws -> Contact? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let c = Contact(text) else { throw HTTPError(.badRequest, message: Contact.problem(in: text) ?? "not a contact") }
        return c
    }

    /// A refused helpdesk step (bad input, a closed ticket) is a 409 with the reason.
    func conflictOnInvalid<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as PantauError where e.code == .invalidInput || e.code == .notFound {
            throw HTTPError(e.code == .notFound ? .notFound : .conflict, message: e.message)
        }
    }

    /// The tickets page's forms: report (everyone but managers; an OPD user for its sites) and
    /// installation (the network team).
    func helpdeskFormsView(_ id: Identity) -> [String: Any] {
        let sites = visibleSites(id).filter { $0.role == .opd }.map { ["id": $0.id, "name": $0.name] }
        var v: [String: Any] = ["mayReport": id.user.role != .manager && !sites.isEmpty, "reportSites": sites,
                                "reporterName": id.user.role == .opd ? id.user.displayName : "", "isOperator": id.access.mayOperateTickets,
                                "csrf": id.csrf ?? ""]
        if id.access.mayOperateTickets {
            v["installLinks"] = inventory.links.map { ["id": $0.id, "name": "\($0.name ?? $0.id) (\($0.from) - \($0.to))"] }
        }
        return v
    }

    /// The helpdesk lines of a ticket's page: requesters, level, installation records, archive.
    func helpdeskTicketView(_ t: Ticket, _ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let w = WebText.table(lang)
        var v: [String: Any] = [
            "kind": w["kind.\(t.kind)"] ?? t.kind,
            "requesters": t.requesters.map { r in
                ["name": r.name, "site": siteName(r.site), "via": r.via, "text": r.text, "at": when(r.at, lang),
                 // An OPD user sees how its own people are reached; the network team sees all.
                 "contact": r.contact.map(\.description) ?? ""] as [String: Any]
            },
            "escalation": helpdesk.config.escalation.level(t.escalationLevel).map { "\($0.level) · \($0.name)" } ?? "\(t.escalationLevel)",
            "archived": t.state == .closed && t.mergedInto == nil,
        ]
        // Only when merged: an empty string is still a truthy section in mustache.
        if let m = t.mergedInto { v["mergedInto"] = m }
        if t.kind == Ticket.installationKind {
            let acceptances = try await store.acceptances(ticket: t.id)
            let handover = try await store.handover(ticket: t.id)
            v["installation"] = [
                "link": t.link ?? "",
                "acceptances": acceptances.map { ["at": when($0.at, lang), "verdict": $0.verdict, "passed": $0.passed, "officer": $0.officer] },
                "acceptancePassed": acceptances.contains(where: \.passed),
                "handover": handover.map { ["receivedBy": $0.receivedBy, "handedBy": $0.handedBy, "equipment": $0.equipment.joined(separator: ", "),
                                            "at": when($0.at, lang)] } as Any,
                "mayHandover": id.access.mayOperateTickets && t.state != .closed,
            ] as [String: Any]
        }
        return v
    }
}
