import Foundation
import Hummingbird
import Logging
import PantauBus
import PantauCore
import PantauHelpdesk
import PantauReports
import PantauStoreKit
import Synchronization

/// What the web face reads and writes: the store behind its protocols.
public typealias WebStore = HistoryStore & SampleStore & SessionStore & TicketStore & OutboxStore & UserStore & SeriesStore & HelpdeskStore

/// Everything the routes need; built once by `pantau run` or `pantau demo`.
public final class WebApp: Sendable {
    public let inventory: Inventory
    public let config: WebConfig
    public let store: any WebStore
    public let status: StatusQuery
    public let availability: AvailabilityQuery
    public let policy: PriorityPolicy
    /// Closing causes and the report's settings (`probes/report.yaml`).
    public let reportConfig: ReportConfig
    public let clock: any WallClock
    /// The monthly report as HTML, when the command line provides it.
    let reportRenderer: ReportRenderer?
    /// The office's document templates (`<inventory>/templates`: berita-acara.mustache), when given.
    let templatesDirectory: String?
    public let hub: LiveHub
    /// The engine's health file (a failing store, services and probers that cannot run): the
    /// overview says what it says (nil: none, e.g. a central store).
    let healthFile: String?
    /// Open connections per client address and in total (idle ones cannot exhaust descriptors).
    public let connectionLimits: ConnectionLimits
    let throttle = Mutex(LoginThrottle())
    let metrics: EngineMetrics
    /// Month-to-date availability per set of sites, reused while no state change has been
    /// recorded and for at most `availabilityReuseSeconds` (up-time grows with the clock).
    let availabilityCache = Mutex<[String: (generation: UInt64, at: EpochSeconds, results: [AvailabilityResult])]>([:])
    let availabilityReuseSeconds: EpochSeconds = 30
    /// How often a live stream checks that its session or token still holds (seconds).
    let liveRecheckSeconds: Int64 = 3
    let tz: TimeZone
    let logger: Logger
    /// Names by id (pages look them up per row).
    let siteNames: [String: String]
    /// The topology as people read it (DC → POP → OPD), built once.
    let topologyTree: TopologyTree
    let topology: Topology
    /// Where each site sits on the NOC map (laid out once; pinned sites where the inventory says).
    let mapLayout: MapLayout
    let linkNames: [String: String]
    /// Reports, installation tickets, closing with the archive and the requesters told.
    public let helpdesk: Helpdesk

    public init(inventory: Inventory, config: WebConfig, store: any WebStore, status: StatusQuery, policy: PriorityPolicy,
                report: ReportConfig = ReportConfig(), clock: any WallClock, hub: LiveHub, logger: Logger,
                reportRenderer: ReportRenderer? = nil, templatesDirectory: String? = nil, incidents: IncidentConfig? = nil,
                tickets: TicketFeed? = nil, healthFile: String? = nil, connectionLimits: ConnectionLimits = ConnectionLimits()) throws {
        self.healthFile = healthFile
        self.connectionLimits = connectionLimits
        var incidentConfig = incidents ?? IncidentConfig()
        incidentConfig.priority = policy
        // The process's ticket changes (the correlator's when it runs here, every face's): the hub tells live pages.
        let feed = tickets ?? TicketFeed()
        if tickets == nil { hub.listen(to: feed) }
        helpdesk = Helpdesk(inventory: inventory, config: incidentConfig, report: report, store: store, templatesDirectory: templatesDirectory,
                            feed: feed)
        reportConfig = report
        self.templatesDirectory = templatesDirectory
        self.reportRenderer = reportRenderer
        self.inventory = inventory
        self.config = config
        self.store = store
        self.status = status
        availability = try AvailabilityQuery(inventory: inventory)
        self.policy = policy
        self.clock = clock
        self.hub = hub
        self.logger = logger
        tz = TimeZone(identifier: inventory.timezone) ?? .current
        topologyTree = TopologyTree(inventory: inventory)
        topology = Topology(inventory)
        mapLayout = MapLayout(inventory: inventory, tree: topologyTree)
        siteNames = Dictionary(inventory.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        linkNames = Dictionary(inventory.links.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        metrics = EngineMetrics(inventory: inventory)
    }

    /// Every route, behind the security headers and the identity check.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware(tls: config.tls))
        router.add(middleware: ErrorPageMiddleware(logger: logger))
        router.add(middleware: IdentityMiddleware(app: self))
        addAssetRoutes(router)
        addLoginRoutes(router)
        addPageRoutes(router)
        addTicketRoutes(router)
        addHelpdeskRoutes(router)
        addAdminRoutes(router)
        addReportRoutes(router)
        addLinkRoutes(router)
        addLiveRoutes(router)
        addMapRoutes(router)
        addAPIRoutes(router)
        addMetricsRoute(router)
        return router
    }

    func now() -> EpochSeconds { clock.nowSeconds() }
}

/// Resolves the session cookie or the `Authorization: Bearer` API token into an identity, and
/// the language from the `lang` cookie (else the configured default).
struct IdentityMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        context.lang = request.cookies["lang"].flatMap { WebLanguage(rawValue: $0.value) } ?? WebLanguage(rawValue: app.config.language) ?? .id
        if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") {
            let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            guard let user = try await app.store.tokenUser(tokenSHA256: Tokens.sha256(token)) else {
                throw HTTPError(.unauthorized, message: "unknown or revoked API token")
            }
            context.identity = Identity(user: user, csrf: nil, sessionHash: nil, tokenHash: Tokens.sha256(token))
        } else if let cookie = request.cookies[WebApp.sessionCookie]?.value, !cookie.isEmpty {
            let hash = Tokens.sha256(cookie)
            if let s = try await app.store.session(tokenSHA256: hash, idle: app.config.sessionIdleSeconds, now: app.now()) {
                context.identity = Identity(user: s.user, csrf: s.csrf, sessionHash: hash)
            }
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where (400..<500).contains(error.status.code) && error.status != .unauthorized && Self.isPage(request.uri.path) {
            // A refusal on a page a browser reads: a page in the layout, in the reader's language.
            return try app.refusal(error, context: context)
        }
    }

    /// Paths a browser navigates to (not the API, the metrics, the live stream or the assets).
    static func isPage(_ path: String) -> Bool {
        !["/api/", "/metrics", "/events", "/static/"].contains { path.hasPrefix($0) }
    }
}
