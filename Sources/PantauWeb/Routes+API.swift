import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit

/// The JSON REST API under `/api/v1` (documented in docs/openapi.yaml). Authenticated by an API
/// token (`Authorization: Bearer …`, `pantau user token`) or by the dashboard's session; a
/// session's changes also need the `X-CSRF-Token` header (tokens are not cookies: no CSRF).
extension WebApp {
    struct APIError: Codable { var error: String }
    struct ResolveBody: Codable { var note: String? }
    struct ReportAnswer: Encodable { var ticket: TicketView; var attached: Bool }
    struct CloseBody: Codable {
        var officers: [String]; var problem: String; var work: String
        var alternative: String?; var location: String?; var cause: String?
    }
    struct Me: Codable { var name: String; var displayName: String; var role: String; var sites: [String]
        enum CodingKeys: String, CodingKey { case name, displayName = "display_name", role, sites } }

    func addAPIRoutes(_ router: Router<WebContext>) {
        let api = router.group("/api/v1")
        api.get("/me") { _, context in
            let id = try context.requireIdentity()
            return try self.json(Me(name: id.user.name, displayName: id.user.displayName, role: id.user.role.rawValue, sites: id.user.sites))
        }
        api.get("/status") { _, context in
            let id = try context.requireIdentity()
            var report = try await self.status.build(store: self.store, now: self.now())
            let links = self.visibleLinks(id)
            report.sites = report.sites.filter { id.access.maySee(site: $0.id) }
            report.links = report.links.filter { links.contains($0.id) }
            if !id.access.seesEverything {
                report.sources = []; report.bandwidth = nil; report.bandwidthRunning = nil; report.capture = nil; report.storeHealth = nil
                // A shared link: its state only (`readsDetail`).
                report.links = report.links.map { l in
                    guard let link = self.inventory.link(l.id), !self.readsDetail(of: link, id) else { return l }
                    var s = l
                    s.inBps = nil; s.outBps = nil; s.rxDbm = nil; s.txDbm = nil; s.optical = nil; s.detail = ""
                    return s
                }
            }
            return try self.json(report)
        }
        api.get("/sites") { _, context in
            let id = try context.requireIdentity()
            return try self.json(self.visibleSites(id).map(SiteView.init))
        }
        api.get("/sites/:id") { _, context in
            let id = try context.requireIdentity()
            guard let site = self.inventory.sites.first(where: { $0.id == context.parameters.get("id") }) else {
                throw HTTPError(.notFound, message: "no such site")
            }
            guard id.access.maySee(site: site.id) else { throw HTTPError(.forbidden, message: Self.notYours) }
            return try self.json(SiteView(site))
        }
        api.get("/availability") { request, context in
            let id = try context.requireIdentity()
            var (month, span) = self.monthToDate()
            if let m = request.uri.queryParameters["month"].map(String.init) {
                guard let ym = YearMonth(m) else { throw HTTPError(.badRequest, message: "month is YYYY-MM") }
                month = ym
                let r = self.availability.calendar.range(of: ym)
                span = TimeRange(r.start, max(r.start, min(r.end, self.now())))
            }
            let sites = self.visibleSites(id).map(\.id)
            let results = try await self.availability.compute(store: self.store, span: span, sites: sites)
            return try self.json(AvailabilityReport(month: month, results))
        }
        api.get("/tickets") { _, context in
            let id = try context.requireIdentity()
            return try self.json(try await self.visibleTickets(id, states: nil).map { TicketView($0, tz: self.tz) })
        }
        api.get("/tickets/:number") { _, context in
            let id = try context.requireIdentity()
            guard let t = try await self.visibleTicket(context, id) else { throw HTTPError(.forbidden, message: Self.notYours) }
            let timers = TicketTimers(ticket: t, inventory: self.inventory, policy: self.policy, now: self.now())
            return try self.json(TicketView(t, tz: self.tz, timers: timers, events: id.access.scoped(try await self.store.ticketEvents(t.id))))
        }
        api.post("/reports") { request, context in
            let id = try context.requireIdentity()
            if let expected = id.csrf {
                guard let given = request.headers[.csrfToken], Tokens.equal(expected, given) else {
                    throw HTTPError(.forbidden, message: "a session needs the X-CSRF-Token header to change anything")
                }
            }
            let body = try await self.jsonBody(ReportForm.self, request, keys: ["site", "name", "contact", "text", "via"])
            let r = try await self.report(body, id)
            var response = try self.json(ReportAnswer(ticket: TicketView(r.ticket, tz: self.tz), attached: r.attached))
            response.status = r.attached ? .ok : .created
            return response
        }
        api.post("/tickets/:number/ack") { request, context in
            let (id, t) = try await self.apiOperable(request, context)
            let done = try await self.conflictOnInvalid { try await self.helpdesk.acknowledge(t.number, by: id.actor, at: self.now()) }
            return try self.json(TicketView(done, tz: self.tz))
        }
        api.post("/tickets/:number/resolve") { request, context in
            let (id, t) = try await self.apiOperable(request, context)
            let body = try await self.jsonBody(ResolveBody.self, request, keys: ["note"])
            let done = try await self.conflictOnInvalid { try await self.helpdesk.resolve(t.number, by: id.actor, note: body.note ?? "", at: self.now()) }
            return try self.json(TicketView(done, tz: self.tz))
        }
        api.post("/tickets/:number/close") { request, context in
            let (id, t) = try await self.apiOperable(request, context)
            let b = try await self.jsonBody(CloseBody.self, request, keys: ["officers", "problem", "work", "alternative", "location", "cause"])
            guard !b.officers.isEmpty, !b.problem.isEmpty, !b.work.isEmpty else { throw HTTPError(.badRequest, message: "officers, problem and work are required") }
            if let c = b.cause, !self.causes.contains(where: { $0.code == c }) { throw HTTPError(.badRequest, message: "'\(c)' is not a closing cause") }
            let ba = BeritaAcara(officers: b.officers, problemSummary: b.problem, workSummary: b.work, alternativeSolution: b.alternative ?? "-",
                                 location: b.location ?? "", cause: b.cause)
            let done = try await self.conflictOnInvalid { try await self.helpdesk.close(t.number, beritaAcara: ba, by: id.actor, at: self.now()) }
            return try self.json(TicketView(done, tz: self.tz))
        }
    }

    /// A changing API call: an identity that may operate tickets, and for a session the CSRF header.
    func apiOperable(_ request: Request, _ context: WebContext) async throws -> (Identity, Ticket) {
        let id = try context.requireIdentity()
        if let expected = id.csrf {
            guard let given = request.headers[.csrfToken], Tokens.equal(expected, given) else {
                throw HTTPError(.forbidden, message: "a session needs the X-CSRF-Token header to change anything")
            }
        }
        guard id.access.mayOperateTickets else { throw HTTPError(.forbidden, message: "your role may not change tickets") }
        guard let t = try await visibleTicket(context, id) else { throw HTTPError(.forbidden, message: Self.notYours) }
        return (id, t)
    }

    static let notYours = "this belongs to a site your account may not read"

    /// The request's JSON object as `T`: an unknown key is refused (the OpenAPI document says
    /// `additionalProperties: false`), and what is wrong is said in words, never as decoder internals.
    func jsonBody<T: Decodable>(_ type: T.Type, _ request: Request, keys: Set<String>) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HTTPError(.badRequest, message: "the body must be one JSON object")
        }
        let unknown = Set(object.keys).subtracting(keys)
        guard unknown.isEmpty else {
            throw HTTPError(.badRequest, message: "unknown field(s): \(unknown.sorted().joined(separator: ", ")); this call takes: \(keys.sorted().joined(separator: ", "))")
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw HTTPError(.badRequest, message: "field '\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw HTTPError(.badRequest, message: "field '\(path)' has the wrong type")
        } catch {
            throw HTTPError(.badRequest, message: "the body is not the expected JSON")
        }
    }

    func json<T: Encodable>(_ value: T) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var r = Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
        r.headers[.cacheControl] = "no-store"
        return r
    }
}

/// A site as the API gives it (no address of a device, no credential).
struct SiteView: Codable {
    var id: String; var name: String; var role: String; var criticality: String; var uplinks: [String]
    var bandwidthMbps: Double?; var address: String?
    enum CodingKeys: String, CodingKey { case id, name, role, criticality, uplinks, bandwidthMbps = "bandwidth_mbps", address }
    init(_ s: Site) {
        id = s.id; name = s.name; role = s.role.rawValue; criticality = s.criticality.rawValue; uplinks = s.uplinks
        bandwidthMbps = s.bandwidthMbps; address = s.address
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}
