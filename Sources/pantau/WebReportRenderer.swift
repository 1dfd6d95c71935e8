import Foundation
import PantauCore
import PantauInventory
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauWeb

extension LocationOptions {
    /// The monthly report for the web face: the same document as `pantau report --format html`
    /// (closed months from their frozen snapshot, open ones provisional), with the office's
    /// template and logo when they exist.
    func webReportRenderer(_ config: LoadedConfiguration, store: any ReportStore & HelpdeskStore) -> WebApp.ReportRenderer? {
        guard let builder = try? MonthlyReportBuilder(inventory: config.inventory, priority: config.incidents.priority, report: config.report) else {
            return nil
        }
        let templateFile = inventoryDirectory.appendingPath("templates/report.mustache")
        var logo: String?
        if let l = config.report.logo {
            let path = l.hasPrefix("/") ? l : inventoryDirectory.appendingPath(l)
            if let data = FileManager.default.contents(atPath: path) {
                let ext = (path as NSString).pathExtension.lowercased()
                logo = "data:\(ext == "svg" ? "image/svg+xml" : ext == "png" ? "image/png" : "image/jpeg");base64,\(data.base64EncodedString())"
            }
        }
        let reportConfig = config.report
        return { [logo] month, lang, site in
            let now = EpochSeconds(Date().timeIntervalSince1970)
            var report = try await MonthlyReport.load(month: month, builder: builder, store: store, now: now)
            if let site, let f = report.figures.restricted(to: site) { report.figures = f }
            let signedOn = report.revisions.last(where: { $0.revision == report.revision }).flatMap { ISO8601.parse($0.closedAt) } ?? now
            let archive = try await store.archive(month: month.description).filter { site == nil || $0.sites.contains(site!) || $0.root == site }
            return try MonthlyReportDocument(report: report, config: reportConfig, lang: lang == .id ? .id : .en, logo: logo, signedOn: signedOn,
                                             archive: archive, archiveBase: "/archive/", archiveSuffix: "")
                .html(templateFile: templateFile)
        }
    }
}
