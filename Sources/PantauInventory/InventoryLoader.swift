import Foundation
import PantauCore
import Yams

/// Everything read from `inventory/` and `probes/`, ready for the engine.
public struct LoadedConfiguration: Sendable {
    public var inventory: Inventory
    public var probes: ProbeConfig
    public var snmp: SNMPProbeConfig
    /// SNMP profiles by name (secrets: never print them; `SNMPCredentials.description` is safe).
    public var credentials: [String: SNMPCredentials]
    /// Correlation, priority and notification settings (`probes/incidents.yaml`).
    public var incidents: IncidentConfig
    /// Things that work but deserve attention (e.g. SNMP off for lack of a credentials file).
    public var warnings: [String]
    /// How long measurements are kept (`probes/retention.yaml`).
    public var retention = RetentionPolicy()
    /// Letterhead, signers, closing causes (`probes/report.yaml`).
    public var report = ReportConfig()
    /// Bandwidth tests (`probes/bandwidth.yaml`).
    public var bandwidth = BandwidthConfig()
    /// Passive traffic capture (`probes/capture.yaml`; no interface: off).
    public var capture = CaptureConfig()
    /// The dashboard, API and metrics face (`probes/web.yaml`).
    public var web = WebConfig()
    /// Where things were written, for diagnostics that point at a line.
    public var lines = ConfigLines()
}

/// Source lines of the parts of `network.yaml` that later checks point at.
public struct ConfigLines: Sendable {
    public var networkFile = "network.yaml"
    public var calendarLine = 1
    /// The line of each maintenance window, in `Inventory.maintenance` order.
    public var maintenanceLines: [Int] = []
    /// The line of each special period, in `CalendarSpec.specialPeriods` order.
    public var specialPeriodLines: [Int] = []
    public init() {}
}

/// The inventory or probe files have problems; every one is listed.
public struct ConfigurationErrors: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Loads and validates `network.yaml` (plus holiday CSVs) and `probes/*.yaml`.
public enum InventoryLoader {
    /// Loads the configuration, or throws `ConfigurationErrors` listing every problem found.
    /// The credentials file: `credentials` if given, else `$PANTAU_CREDENTIALS`, else `<inventory>/credentials.yaml`.
    public static func credentialsPath(_ given: String?, inventoryDirectory: String,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        given ?? environment["PANTAU_CREDENTIALS"] ?? (inventoryDirectory as NSString).appendingPathComponent("credentials.yaml")
    }

    public static func load(inventoryDirectory: String, probesDirectory: String, credentials: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            now: Date = Date(), requireSecrets: Bool = true) throws -> LoadedConfiguration {
        let sink = DiagnosticSink()
        let networkPath = (inventoryDirectory as NSString).appendingPathComponent("network.yaml")
        var parsed: ParsedNetwork?
        if let text = readText(networkPath, sink: sink) {
            parsed = NetworkParser(file: networkPath, directory: inventoryDirectory, sink: sink).parse(text)
        }
        var probes = ProbeConfig()
        let icmpPath = (probesDirectory as NSString).appendingPathComponent("icmp.yaml")
        var probeSites: [(String, Int)] = []
        if FileManager.default.fileExists(atPath: icmpPath), let text = readText(icmpPath, sink: sink) {
            let p = ProbeParser(reader: YAMLReader(file: icmpPath, sink: sink))
            if let (config, sites) = p.parse(text) {
                probes = config
                probeSites = sites
            }
        }
        var snmp = SNMPProbeConfig()
        var snmpDevices: [(String, Int)] = []
        let snmpPath = (probesDirectory as NSString).appendingPathComponent("snmp.yaml")
        if FileManager.default.fileExists(atPath: snmpPath), let text = readText(snmpPath, sink: sink) {
            if let (config, devices) = SNMPProbeParser(reader: YAMLReader(file: snmpPath, sink: sink)).parse(text) {
                snmp = config
                snmpDevices = devices
            }
        }
        var incidents = IncidentConfig()
        let incidentsPath = (probesDirectory as NSString).appendingPathComponent("incidents.yaml")
        if FileManager.default.fileExists(atPath: incidentsPath), let text = readText(incidentsPath, sink: sink) {
            if let c = IncidentsParser(reader: YAMLReader(file: incidentsPath, sink: sink), environment: environment,
                                    requireSecrets: requireSecrets).parse(text) {
                incidents = c
            }
        }
        var retention = RetentionPolicy()
        let retentionPath = (probesDirectory as NSString).appendingPathComponent("retention.yaml")
        if FileManager.default.fileExists(atPath: retentionPath), let text = readText(retentionPath, sink: sink) {
            if let p = RetentionParser(reader: YAMLReader(file: retentionPath, sink: sink)).parse(text) { retention = p }
        }
        var report = ReportConfig()
        let reportPath = (probesDirectory as NSString).appendingPathComponent("report.yaml")
        if FileManager.default.fileExists(atPath: reportPath), let text = readText(reportPath, sink: sink) {
            if let c = ReportParser(reader: YAMLReader(file: reportPath, sink: sink)).parse(text) { report = c }
            if let logo = report.logo {
                let path = logo.hasPrefix("/") ? logo : (inventoryDirectory as NSString).appendingPathComponent(logo)
                if !FileManager.default.fileExists(atPath: path) {
                    sink.add(reportPath, 1, "report.logo", "'\(logo)' not found (looked at \(path))")
                }
            }
        }
        var bandwidth = BandwidthConfig()
        let bandwidthPath = (probesDirectory as NSString).appendingPathComponent("bandwidth.yaml")
        if FileManager.default.fileExists(atPath: bandwidthPath), let text = readText(bandwidthPath, sink: sink) {
            let links = Set(parsed?.links.map(\.link.id) ?? []), sites = Set(parsed?.sites.map(\.site.id) ?? [])
            if let c = BandwidthParser(reader: YAMLReader(file: bandwidthPath, sink: sink)).parse(text, linkIds: links, siteIds: sites) {
                bandwidth = c
            }
        }
        var capture = CaptureConfig()
        let capturePath = (probesDirectory as NSString).appendingPathComponent("capture.yaml")
        if FileManager.default.fileExists(atPath: capturePath), let text = readText(capturePath, sink: sink),
           let c = CaptureParser(reader: YAMLReader(file: capturePath, sink: sink)).parse(text) {
            capture = c
            retention.topTalkerSeconds = c.talkerRetentionSeconds
        }
        var web = WebConfig()
        let webPath = (probesDirectory as NSString).appendingPathComponent("web.yaml")
        if FileManager.default.fileExists(atPath: webPath), let text = readText(webPath, sink: sink),
           let c = WebParser(reader: YAMLReader(file: webPath, sink: sink)).parse(text) {
            web = c
        }
        var warnings: [String] = []
        if let name = capture.interface, !(parsed?.sites.contains { !$0.site.subnets.isEmpty } ?? false) {
            warnings.append("\(capturePath): capture.interface is \(name) but no site in network.yaml has subnets: mirrored traffic will be counted, not attributed to any OPD")
        }
        // OPD contacts that no channel can reach would be told nothing: say so once notifications
        // are set up at all (a fresh install with no channel yet is not nagged about each one).
        let kinds: Set<Contact.Kind> = incidents.channels.isEmpty ? [] : Set((parsed?.sites ?? []).flatMap { $0.site.contacts.map(\.kind) })
        for k in Contact.Kind.allCases where kinds.contains(k) && incidents.requesterChannels[k] == nil {
            let n = (parsed?.sites ?? []).filter { $0.site.contacts.contains { $0.kind == k } }.count
            warnings.append("\(incidentsPath): \(n) site(s) have \(k.rawValue) contacts but requesters.\(k.rawValue) names no channel: they are not told of tickets")
        }
        var profiles: [String: (SNMPCredentials, Int)] = [:]
        let credPath = credentialsPath(credentials, inventoryDirectory: inventoryDirectory, environment: environment)
        let credExists = FileManager.default.fileExists(atPath: credPath)
        if credExists, let mode = try? FileManager.default.attributesOfItem(atPath: credPath)[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            // Like ssh with a private key: passphrases readable by other users deserve a word.
            warnings.append("the SNMP credentials file \(credPath) can be read by other users (mode \(String(mode, radix: 8))): chmod 600 \(credPath)")
        }
        if credExists, let text = readText(credPath, sink: sink) {
            profiles = CredentialsParser(reader: YAMLReader(file: credPath, sink: sink, redact: true), environment: environment,
                                         requireSecrets: requireSecrets).parse(text)
        } else if credentials != nil || environment["PANTAU_CREDENTIALS"] != nil {
            sink.add(credPath, 1, "(file)", "file not found")
        }
        if let parsed {
            NetworkValidator(parsed: parsed, sink: sink).validate()
            if !parsed.devices.isEmpty && !credExists {
                warnings.append("no SNMP credentials file at \(credPath): SNMP polling is off for \(parsed.devices.count) devices (copy inventory/credentials.example.yaml)")
            } else {
                for d in parsed.devices where profiles[d.device.snmpProfile] == nil {
                    sink.add(networkPath, d.lines["snmp"] ?? d.line, "devices[\(d.index)].snmp", "no profile '\(d.device.snmpProfile)' in \(credPath)")
                }
            }
            let deviceIds = Set(parsed.devices.map(\.device.id))
            for (id, line) in snmpDevices where !deviceIds.contains(id) {
                sink.add(snmpPath, line, "snmp.devices.\(id)", "no device with id '\(id)' in \(networkPath)")
            }
            let ids = Set(parsed.sites.map(\.site.id))
            for (id, line) in probeSites where !ids.contains(id) {
                sink.add(icmpPath, line, "icmp.sites.\(id)", "no site with id '\(id)' in \(networkPath)")
            }
        }
        guard sink.isEmpty, let parsed, let inventory = parsed.inventory() else {
            throw ConfigurationErrors(diagnostics: sink.diagnostics.sorted())
        }
        // The months being monitored (this one, and the next when it starts a new year) need holidays.
        if let tz = TimeZone(identifier: inventory.timezone) {
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = tz
            for offset in [0, 1] {
                guard let d = cal.date(byAdding: .month, value: offset, to: now) else { continue }
                let c = cal.dateComponents([.year, .month], from: d)
                if let ym = YearMonth(year: c.year!, month: c.month!), let w = inventory.calendar.holidayWarning(for: ym),
                   !warnings.contains(w) {
                    if offset == 0 || c.month == 1 { warnings.append(w) }
                }
            }
        }
        var lines = ConfigLines()
        lines.networkFile = networkPath
        lines.calendarLine = parsed.calendarLine
        lines.maintenanceLines = parsed.maintenance.map(\.line)
        lines.specialPeriodLines = parsed.specialPeriodLines
        return LoadedConfiguration(inventory: inventory, probes: probes, snmp: snmp,
                                   credentials: profiles.mapValues(\.0), incidents: incidents, warnings: warnings,
                                   retention: retention, report: report, bandwidth: bandwidth, capture: capture, web: web, lines: lines)
    }

    static func readText(_ path: String, sink: DiagnosticSink) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            sink.add(path, 1, "(file)", FileManager.default.fileExists(atPath: path) ? "cannot be read" : "file not found")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            sink.add(path, 1, "(file)", "is not UTF-8 text")
            return nil
        }
        return text
    }
}
