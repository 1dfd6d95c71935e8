import Foundation
import PantauCore
import Yams

/// Everything read from `inventory/` and `probes/`, ready for the engine.
public struct LoadedConfiguration: Sendable {
    public var inventory: Inventory
    public var probes: ProbeConfig
}

/// The inventory or probe files have problems; every one is listed.
public struct ConfigurationErrors: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Loads and validates `network.yaml` (plus holiday CSVs) and `probes/*.yaml`.
public enum InventoryLoader {
    /// Loads the configuration, or throws `ConfigurationErrors` listing every problem found.
    public static func load(inventoryDirectory: String, probesDirectory: String) throws -> LoadedConfiguration {
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
        if let parsed {
            NetworkValidator(parsed: parsed, sink: sink).validate()
            let ids = Set(parsed.sites.map(\.site.id))
            for (id, line) in probeSites where !ids.contains(id) {
                sink.add(icmpPath, line, "icmp.sites.\(id)", "no site with id '\(id)' in \(networkPath)")
            }
        }
        guard sink.isEmpty, let parsed, let inventory = parsed.inventory() else {
            throw ConfigurationErrors(diagnostics: sink.diagnostics.sorted())
        }
        return LoadedConfiguration(inventory: inventory, probes: probes)
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
