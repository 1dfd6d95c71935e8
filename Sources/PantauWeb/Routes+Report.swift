import Foundation
import HTTPTypes
import Hummingbird
import PantauCore

/// The monthly availability report in the browser (`/report/YYYY-MM`): the same document as
/// `pantau report --format html`, rendered by the renderer the command line gives the web face.
extension WebApp {
    /// Renders a month's report as HTML: (month, language, only this OPD or nil).
    public typealias ReportRenderer = @Sendable (YearMonth, WebLanguage, String?) async throws -> String

    func addReportRoutes(_ router: Router<WebContext>) {
        router.get("/report/:month") { _, context in
            let id = try self.requirePage(context)
            guard let renderer = self.reportRenderer else { throw HTTPError(.notFound, message: "no monthly report here") }
            guard let month = YearMonth(context.parameters.get("month") ?? "") else { throw HTTPError(.badRequest, message: "month is YYYY-MM") }
            // An OPD user reads the report of its own OPD (one site); the network team the whole report.
            var site: String?
            if !id.access.seesEverything {
                guard id.user.sites.count == 1, let only = id.user.sites.first else {
                    return try self.message("forbidden", context: context, status: .forbidden)
                }
                site = only
            }
            let html = try await renderer(month, context.lang, site)
            var r = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
            // The report is a self-contained document with its own styles and no script at all.
            r.headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
            return r
        }
    }
}
