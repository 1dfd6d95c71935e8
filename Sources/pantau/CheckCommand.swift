import ArgumentParser
import Foundation
import PantauInventory
import PantauReports
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauNetSNMP

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the inventory and probe profiles; every problem is printed as file:line: key.path: problem.",
        discussion: """
        With --live, also polls every managed device once over SNMP (LLDP-MIB and MikroTik's \
        neighbour table) and reports where the inventory's links disagree with what the devices \
        see. Exits 1 when a link disagrees or two inventory devices see each other on a port no \
        link uses.
        """)

    @OptionGroup var location: LocationOptions

    @Flag(help: "Compare the inventory's links with the neighbours the devices report (sends SNMP requests).")
    var live = false

    @Option(help: "Output of --live: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Language of the --live table: id or en.")
    var lang: Language = .id

    func run() async throws {
        let config = try location.load()
        let inv = config.inventory
        let topo = Topology(inv)
        let probed = inv.sites.filter { $0.address != nil }.count
        let summary = "OK: \(inv.organization): \(inv.sites.count) sites (\(probed) probed by ICMP), \(inv.links.count) links, "
            + "\(inv.maintenance.count) maintenance windows, \(inv.calendar.holidays.count) holidays, "
            + "\(topo.coreSites.count) core site(s); time zone \(inv.timezone); "
            + "\(inv.devices.count) SNMP devices watching \(inv.links.filter { !$0.ends.isEmpty }.count) links"
            + " (\(config.credentials.count) credential profiles)."
        try await checkClosedMonths(config)
        guard live else { print(summary); return }
        if format != .json { print(summary) }
        guard !config.credentials.isEmpty else {
            printErr("pantau: check --live needs the SNMP credentials file (see docs/configuration.md)")
            throw ExitCode(2)
        }
        let transport = NetSNMPTransport(maxInFlight: config.snmp.maxInFlight)
        let (readings, sysNames) = await LiveTopology.read(inventory: inv, config: config.snmp, credentials: config.credentials,
                                                            transport: transport)
        let findings = TopologyCrossCheck(inventory: inv, sysNames: sysNames).run(readings)
        let report = LiveCheckReport(findings: findings, devicesRead: readings.values.filter { $0.failure == nil }.count,
                                     devices: inv.devices.count)
        print(format == .json ? report.json() : report.table(lang: lang))
        if findings.contains(where: \.isDisagreement) { throw ExitCode(1) }
    }
}

extension CheckCommand {
    /// Edits to the calendar or maintenance of months already closed: refused (exit 1) or
    /// warned, as `probes/report.yaml` `report.closed_month_edits` says. Needs the database;
    /// without one nothing is closed.
    func checkClosedMonths(_ config: LoadedConfiguration) async throws {
        guard location.isCentral || FileManager.default.fileExists(atPath: location.databasePath) else { return }
        let builder = try failing {
            try MonthlyReportBuilder(inventory: config.inventory, priority: config.incidents.priority, report: config.report)
        }
        let l = config.lines
        let guardian = ClosedMonthGuard(builder: builder, lines: .init(networkFile: l.networkFile, calendarLine: l.calendarLine,
                                                                      maintenanceLines: l.maintenanceLines,
                                                                      specialPeriodLines: l.specialPeriodLines))
        let found = try await location.withStore(.readOnly) { try await guardian.check(store: $0) }
        guard !found.isEmpty else { return }
        if config.report.closedMonthEdits == .warn {
            for d in found { printErr("warning: \(d.description)") }
            return
        }
        for d in found { printErr(d.description) }
        printErr("\(found.count) problem(s) found: closed months were edited (set report.closed_month_edits: warn in probes/report.yaml to allow it).")
        throw ExitCode(1)
    }
}
