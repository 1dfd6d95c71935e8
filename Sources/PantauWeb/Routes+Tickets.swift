import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit

extension WebApp {
    struct ResolveForm: Decodable { var note: String? }
    struct CloseForm: Decodable {
        var officers: String; var problem: String; var work: String
        var alternative: String?; var place: String?; var cause: String?
    }

    func addTicketRoutes(_ router: Router<WebContext>) {
        router.get("/tickets") { _, context in
            let id = try self.requirePage(context)
            let tickets = try await self.visibleTickets(id, states: nil).filter { $0.mergedInto == nil }.reversed().map { self.ticketRow($0, lang: context.lang) }
            var view = self.helpdeskFormsView(id)
            view["tickets"] = Array(tickets)
            return try self.render(.tickets, context: context, view: view)
        }
        router.get("/tickets/:number") { request, context in
            let id = try self.requirePage(context)
            guard let t = try await self.visibleTicket(context, id) else { return try self.message("forbidden", context: context, status: .forbidden) }
            var view = try await self.ticketView(t, id, lang: context.lang)
            view["joined"] = request.uri.queryParameters.get("joined") == "1"
            return try self.render(.ticket, context: context, view: view, title: t.number)
        }
        router.post("/tickets/:number/ack") { request, context in
            let (id, t) = try await self.operable(context)
            _ = try await self.checkedForm(request, context, id) as [String: String]
            _ = try await self.conflictOnInvalid { try await self.helpdesk.acknowledge(t.number, by: id.actor, at: self.now()) }
            return Response.redirect(to: "/tickets/\(t.number)", type: .found)
        }
        router.post("/tickets/:number/resolve") { request, context in
            let (id, t) = try await self.operable(context)
            let form: ResolveForm = try await self.checkedForm(request, context, id)
            _ = try await self.conflictOnInvalid { try await self.helpdesk.resolve(t.number, by: id.actor, note: form.note ?? "", at: self.now()) }
            return Response.redirect(to: "/tickets/\(t.number)", type: .found)
        }
        router.post("/tickets/:number/close") { request, context in
            let (id, t) = try await self.operable(context)
            let form: CloseForm = try await self.checkedForm(request, context, id)
            let officers = form.officers.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let cause = form.cause.flatMap { $0.isEmpty ? nil : $0 }
            guard !officers.isEmpty, !form.problem.isEmpty, !form.work.isEmpty else {
                throw HTTPError(.badRequest, message: "officers, problem and work are required")
            }
            if let cause, !self.causes.contains(where: { $0.code == cause }) {
                throw HTTPError(.badRequest, message: "'\(cause)' is not a closing cause")
            }
            let ba = BeritaAcara(officers: officers, problemSummary: form.problem, workSummary: form.work,
                                 alternativeSolution: form.alternative ?? "-", location: form.place ?? "", cause: cause)
            _ = try await self.conflictOnInvalid { try await self.helpdesk.close(t.number, beritaAcara: ba, by: id.actor, at: self.now()) }
            return Response.redirect(to: "/tickets/\(t.number)", type: .found)
        }
    }

    /// The ticket named in the path when the user may see it (nil: 403); 404 when there is none.
    func visibleTicket(_ context: WebContext, _ id: Identity) async throws -> Ticket? {
        let number = Ticket.normalizedNumber(context.parameters.get("number") ?? "", prefix: helpdesk.config.numberPrefix)
        // A ticket the user may not see is answered like one that does not exist: 404 either way,
        // so ticket numbers cannot be probed.
        guard let t = try await store.ticket(number), let scoped = id.access.scoped(t) else {
            throw HTTPError(.notFound, message: "no ticket \(number)")
        }
        return scoped
    }

    /// A ticket action's preconditions: logged in, allowed to operate tickets, the ticket visible.
    func operable(_ context: WebContext) async throws -> (Identity, Ticket) {
        let id = try requirePage(context)
        guard id.access.mayOperateTickets else { throw HTTPError(.forbidden, message: "your role may not change tickets") }
        guard let t = try await visibleTicket(context, id) else { throw HTTPError(.forbidden, message: Self.notYours) }
        return (id, t)
    }

    var causes: [ClosingCause] { reportConfig.accountability.causes }

    func ticketView(_ t: Ticket, _ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let timers = TicketTimers(ticket: t, inventory: inventory, policy: policy, now: now())
        let events = id.access.scoped(try await store.ticketEvents(t.id))
        let t0 = WebText.table(lang)
        func timer(_ x: TicketTimers.Timer) -> String {
            "\(t0["elapsed"]!) \(duration(x.elapsedSeconds, lang)) / \(duration(x.targetSeconds, lang))"
                + (x.due.map { " · \(t0["due"]!) \(when($0, lang))" } ?? "") + (x.breached ? " · \(t0["breached"]!)" : "")
        }
        var view = ticketRow(t, lang: lang)
        view["priorityReason"] = phrase(t.priorityReason, lang)
        view["evidence"] = t.evidence.map { phrase($0, lang) }
        view["hasEvidence"] = !t.evidence.isEmpty
        view["response"] = timer(timers.response)
        view["repair"] = timer(timers.repair)
        view["events"] = events.map { ["at": when($0.at, lang), "kind": t0["event.\($0.kind)"] ?? $0.kind, "text": phrase($0.text, lang)] }
        view["mayOperate"] = id.access.mayOperateTickets
        view["csrf"] = id.csrf ?? ""
        view["canAck"] = t.state == .open || (t.state == .resolved && t.assignedTo == nil)
        view["canResolve"] = t.state == .open || t.state == .acknowledged
        view["canClose"] = t.state == .resolved
        view["causes"] = causes.map { ["code": $0.code, "party": $0.party.rawValue] }
        view.merge(try await helpdeskTicketView(t, id, lang: lang)) { _, b in b }
        return view
    }
}
