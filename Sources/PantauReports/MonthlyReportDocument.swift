import Foundation
import Mustache
import PantauCore

/// The monthly report as a printable HTML document: letterhead, summary, charts, per-OPD
/// figures, incidents, the calendar used, revisions and the signature block. Rendered from
/// a mustache template the office can replace (`templates/report.mustache` beside the
/// inventory) without recompiling; PDF is this HTML printed by WeasyPrint.
public struct MonthlyReportDocument: Sendable {
    /// What the template sees. Strings are escaped by `{{ }}`; the charts (`{{{ }}}`) are SVG
    /// that Pantau drew and escaped itself.
    public struct View: Sendable {
        public struct Row: Sendable { public var cells: [String]; public var css: String }
        public struct Signer: Sendable { public var role: String; public var name: String; public var title: String; public var nip: String }
        public var t: [String: String]
        public var lang: String
        public var letterhead: [String]
        public var letterheadFirst: String
        public var letterheadRest: [String]
        public var logo: String?
        public var organization: String
        public var monthName: String
        public var month: String
        public var status: String
        public var isClosed: Bool
        public var revisionLabel: String
        public var hash: String
        public var hashShort: String
        public var coverage: String
        public var computedAt: String
        public var headline: [Row]
        public var missed: [Row]
        public var hasMissed: Bool
        public var byPriority: [Row]
        public var repair: [Row]
        public var hasRepair: Bool
        public var causeChart: String
        public var dailyChart: String
        public var heatMap: String
        public var opdRows: [Row]
        public var trendChart: String
        public var hasTrend: Bool
        public var trendHead: [String]
        public var trendRows: [Row]
        public var incidentRows: [Row]
        public var hasIncidents: Bool
        public var calendarRows: [Row]
        public var periodRows: [Row]
        public var hasPeriods: Bool
        public var holidayRows: [Row]
        public var hasHolidays: Bool
        public var maintenanceRows: [Row]
        public var hasMaintenance: Bool
        public var causeRows: [Row]
        public var revisionRows: [Row]
        public var hasRevisions: Bool
        public var reason: String?
        public var changeRows: [Row]
        public var hasChanges: Bool
        public var place: String
        public var signers: [Signer]
        public var footerLeft: String
        public var pageWord: String
        public var ofWord: String
        /// The month's archived Berita Acara, each with where to read it.
        public struct ArchiveLink: Sendable { public var number: String; public var href: String; public var closed: String; public var kind: String; public var root: String }
        public var archive: [ArchiveLink] = []
        public var hasArchive = false
    }

    public let view: View

    /// The office's template if `templateFile` exists, else the built-in one.
    public func html(templateFile: String? = nil) throws -> String {
        var text = Self.defaultTemplate
        if let templateFile, let custom = try? String(contentsOfFile: templateFile, encoding: .utf8) { text = custom }
        return try MustacheTemplate(string: text).render(view)
    }
}
