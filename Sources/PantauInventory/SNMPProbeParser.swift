import PantauCore
import Yams

/// Parses `probes/snmp.yaml`: engine limits, trap receiver, defaults, optical thresholds,
/// vendor table profiles and per-device overrides.
struct SNMPProbeParser {
    let reader: YAMLReader
    var file: String { reader.file }

    static let settingKeys: Set<String> = ["interval", "timeout", "retries", "max_varbinds", "rounds_to_confirm_down",
                                           "rounds_to_confirm_up", "utilisation_warn_pct", "utilisation_sustain"]

    /// The config and the device ids it overrides (with lines), checked against the inventory.
    func parse(_ text: String) -> (SNMPProbeConfig, [(String, Int)])? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["snmp"]) else { return nil }
        var config = SNMPProbeConfig()
        var devices: [(String, Int)] = []
        for (_, _, snmp) in top {
            let allowed: Set<String> = ["max_in_flight", "trap_listen", "defaults", "optical", "vendors", "devices"]
            guard let m = r.mapping(snmp, "snmp", allowed: allowed) else { continue }
            for (key, _, v) in m {
                let kp = "snmp.\(key)"
                switch key {
                case "max_in_flight": config.maxInFlight = r.int(v, kp, range: 1...4096) ?? config.maxInFlight
                case "trap_listen":
                    if case .scalar(let s) = v, s.string == "~" || s.string == "null" || s.string.isEmpty { config.trapListen = nil }
                    else if let s = r.nonEmptyString(v, kp) {
                        if Self.validListen(s) { config.trapListen = s } else {
                            reader.sink.add(file, r.line(v), kp, "'\(s)' is not a listen address (udp:ADDRESS:PORT, e.g. udp:0.0.0.0:162)")
                        }
                    }
                case "defaults": settings(v, kp, into: &config.defaults)
                case "optical": optical(v, kp, into: &config.defaults.optical)
                case "vendors":
                    let names = Set(DeviceVendor.allCases.map(\.rawValue))
                    for (vendor, _, tables) in r.mapping(v, kp, allowed: names) ?? [] {
                        guard let dv = DeviceVendor(rawValue: vendor) else { continue }
                        var set: Set<SNMPTable> = [.interfaces]
                        for (name, line) in r.stringList(tables, "\(kp).\(vendor)") ?? [] {
                            if let t = SNMPTable(rawValue: name) { set.insert(t) } else {
                                reader.sink.add(file, line, "\(kp).\(vendor)", "unknown table '\(name)' (known: \(SNMPTable.allCases.map(\.rawValue).joined(separator: ", ")))")
                            }
                        }
                        config.vendorTables[dv] = set
                    }
                case "devices":
                    for (device, line, o) in r.mapping(v, kp) ?? [] {
                        var probe = SNMPSettings()
                        let fields = r.mapping(o, "\(kp).\(device)", allowed: ["interval", "timeout", "retries"]) ?? []
                        settings(o, "\(kp).\(device)", into: &probe, restrict: ["interval", "timeout", "retries"])
                        let has = Set(fields.map(\.key))
                        config.devices[device] = SNMPOverride(intervalSeconds: has.contains("interval") ? probe.intervalSeconds : nil,
                                                              timeoutSeconds: has.contains("timeout") ? probe.timeoutSeconds : nil,
                                                              retries: has.contains("retries") ? probe.retries : nil)
                        devices.append((device, line))
                    }
                default: break
                }
            }
        }
        return (config, devices)
    }

    static func validListen(_ s: String) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "udp", IPv4Literal.isValid(String(parts[1])), let p = Int(parts[2]) else { return false }
        return (1...65535).contains(p)
    }

    func settings(_ node: Node, _ path: String, into s: inout SNMPSettings, restrict: Set<String>? = nil) {
        let r = reader
        for (key, _, v) in r.mapping(node, path, allowed: restrict ?? Self.settingKeys) ?? [] {
            let kp = "\(path).\(key)"
            switch key {
            case "interval": if let ms = r.durationMs(v, kp, min: 1000) { s.intervalSeconds = ms / 1000 }
            case "timeout": if let ms = r.durationMs(v, kp, min: 50) { s.timeoutSeconds = Double(ms) / 1000 }
            case "retries": s.retries = r.int(v, kp, range: 0...10) ?? s.retries
            case "max_varbinds": s.maxVarBinds = r.int(v, kp, range: 1...1000) ?? s.maxVarBinds
            case "rounds_to_confirm_down":
                if let n = r.int(v, kp, range: 1...100) { s.confirm = ConfirmPolicy(roundsToConfirmDown: n, roundsToConfirmUp: s.confirm.roundsToConfirmUp) }
            case "rounds_to_confirm_up":
                if let n = r.int(v, kp, range: 1...100) { s.confirm = ConfirmPolicy(roundsToConfirmDown: s.confirm.roundsToConfirmDown, roundsToConfirmUp: n) }
            case "utilisation_warn_pct": s.utilisationWarnPct = r.double(v, kp, range: 1...100) ?? s.utilisationWarnPct
            case "utilisation_sustain": if let ms = r.durationMs(v, kp, min: 0) { s.utilisationSustainSeconds = ms / 1000 }
            default: break
            }
        }
        let cycle = s.timeoutSeconds * Double(s.retries + 1)
        if cycle >= Double(s.intervalSeconds) {
            r.sink.add(file, r.line(node), path, "timeout x (retries + 1) = \(cycle) s does not fit in the interval of \(s.intervalSeconds) s")
        }
    }

    func optical(_ node: Node, _ path: String, into o: inout OpticalThresholds) {
        let r = reader
        let keys: Set<String> = ["rx_low_warn_dbm", "rx_low_alarm_dbm", "drop_db", "baseline_days"]
        for (key, _, v) in r.mapping(node, path, allowed: keys) ?? [] {
            let kp = "\(path).\(key)"
            switch key {
            case "rx_low_warn_dbm": o.rxLowWarnDbm = r.double(v, kp, range: -60...10) ?? o.rxLowWarnDbm
            case "rx_low_alarm_dbm": o.rxLowAlarmDbm = r.double(v, kp, range: -60...10) ?? o.rxLowAlarmDbm
            case "drop_db": o.dropDb = r.double(v, kp, range: 0.1...40) ?? o.dropDb
            default: o.baselineDays = r.int(v, kp, range: 1...90) ?? o.baselineDays
            }
        }
        if o.rxLowAlarmDbm > o.rxLowWarnDbm {
            r.sink.add(file, r.line(node), "\(path).rx_low_alarm_dbm", "the alarm level must be at or below the warning level")
        }
    }
}
