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
        /// Lines of the `a:` / `b:` ports.
        var endLines: [String: Int] = [:]
    }
    struct LocatedDevice {
        var device: Device
        var line: Int
        var index: Int
        /// Line of each key, for errors on a field.
        var lines: [String: Int]
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
    var devices: [LocatedDevice] = []
    var maintenance: [LocatedMaintenance] = []
    var specialPeriodLines: [Int] = []
    var calendarLine = 1

    func inventory() -> Inventory? {
        guard let organization, let timezone else { return nil }
        return Inventory(organization: organization, timezone: timezone, calendar: calendar, sla: sla,
                         sites: sites.map(\.site), links: links.map(\.link), devices: devices.map(\.device), maintenance: maintenance.map(\.window))
    }
}
