import ArgumentParser
import Foundation
import PantauCore
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import PantauReports

struct AvailabilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "availability",
        abstract: "SLA availability of each site for a month, against working hours (see README: Availability).")

    @OptionGroup var location: LocationOptions

    @Option(help: "Month in local time, YYYY-MM (default: the current month).")
    var month: String?

    @Option(help: "Only this site.")
    var site: String?

    @Flag(help: "Links watched over SNMP instead of sites (JSON key 'links', each with 'link').")
    var links = false

    @Option(help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    @Option(help: "Language of the table: id (Bahasa Indonesia) or en.")
    var lang: Language = .id

    @Flag(help: "After the table, list the working windows and every interval behind the numbers.")
    var explain = false

    /// Usage mistakes are reported with this subcommand's usage line, before anything is read.
    func validate() throws {
        if let month, YearMonth(month) == nil { throw ValidationError("--month must be YYYY-MM (e.g. 2026-03), got '\(month)'") }
    }

    func run() async throws {
        let config = try location.load(readOnly: true)
        let query = try failing { try AvailabilityQuery(inventory: config.inventory) }
        let ym: YearMonth
        if let month, let m = YearMonth(month) {  // checked in validate()
            ym = m
        } else {
            ym = YearMonth(query.calendar.localDate(of: EpochSeconds(Date().timeIntervalSince1970)))
        }
        if let w = config.inventory.calendar.holidayWarning(for: ym) { printErr("warning: \(w)") }
        if let site, config.inventory.site(site) == nil {
            throw usageError(Self.self, "no site with id '\(site)' in the inventory")
        }
        // The SQLite file, or the central store (PostgreSQL: every engine's history, combined).
        let explain = self.explain, links = self.links, site = self.site
        let (results, excused) = try await location.withStore(.readOnly) { store -> ([AvailabilityResult], [String: [ExcusedInterval]]) in
            let span = query.calendar.range(of: ym)
            let results = links ? try await query.computeLinks(store: store, span: span)
                                : try await query.compute(store: store, span: span, sites: site.map { [$0] })
            guard explain, !links else { return (results, [:]) }
            let builder = try MonthlyReportBuilder(inventory: config.inventory, priority: config.incidents.priority, report: config.report)
            return (results, try await builder.excused(results, store: store, now: EpochSeconds(Date().timeIntervalSince1970)))
        }
        var names = Dictionary(config.inventory.sites.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for l in config.inventory.links { names[l.id] = l.name ?? "\(l.kind.rawValue) \(l.from) - \(l.to)" }
        switch format {
        case .json: print(AvailabilityFormat.json(month: ym, results, key: links ? "link" : "site"))
        case .csv: print(AvailabilityFormat.csv(results), terminator: "")
        case .table:
            print(AvailabilityFormat.table(month: ym, results, names: names, lang: lang,
                                           organization: config.inventory.organization,
                                           targetPct: config.inventory.sla.availabilityTargetPct, links: links))
        }
        if explain {
            print(AvailabilityFormat.explain(results, calendar: query.calendar, month: ym, lang: lang, excused: excused))
        }
    }
}
