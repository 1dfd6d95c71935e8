import Foundation
import PantauCore

/// `network.yaml` as parsed, every element with the line it came from.
struct ParsedNetwork {
    struct LocatedSite {
        var site: Site
        var line: Int
        var index: Int
        var uplinkLines: [Int]
    }
    struct LocatedLink {
        var link: Link
        var line: Int
        var index: Int
        var fromLine: Int
        var toLine: Int
    }
    struct LocatedMaintenance {
        var window: MaintenanceWindow
        var line: Int
        var index: Int
        var targetLine: Int
    }

    var file: String
    var organization: String?
    var timezone: String?
    var timezoneLine: Int = 1
    var calendar = CalendarSpec()
    var sla = SLA()
    var sites: [LocatedSite] = []
    var links: [LocatedLink] = []
    var maintenance: [LocatedMaintenance] = []
    var specialPeriodLines: [Int] = []

    func inventory() -> Inventory? {
        guard let organization, let timezone else { return nil }
        return Inventory(organization: organization, timezone: timezone, calendar: calendar, sla: sla,
                         sites: sites.map(\.site), links: links.map(\.link), maintenance: maintenance.map(\.window))
    }
}
