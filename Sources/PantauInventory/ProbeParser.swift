import PantauCore
import Yams

/// Parses `probes/icmp.yaml`: `send_rate_pps`, `defaults`, `roles.<role>`, `sites.<id>`.
struct ProbeParser {
    let reader: YAMLReader
    var file: String { reader.file }

    static let settingKeys: Set<String> = ["interval", "packets", "timeout", "packet_gap", "rounds_to_confirm_down",
                                           "rounds_to_confirm_up", "loss_warn_pct", "rtt_warn_ms"]

    /// The config and the site ids it overrides (with lines), for cross-checking against the inventory.
    func parse(_ text: String) -> (ProbeConfig, [(String, Int)])? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["icmp"]) else { return nil }
        var config = ProbeConfig()
        var sites: [(String, Int)] = []
        for (_, _, icmp) in top {
            guard let m = r.mapping(icmp, "icmp", allowed: ["send_rate_pps", "resolve_interval", "defaults", "roles", "sites"]) else { continue }
            for (key, _, v) in m where key == "defaults" {
                config.icmpDefaults = override(v, "icmp.defaults").applied(to: config.icmpDefaults)
            }
            for (key, _, v) in m {
                switch key {
                case "resolve_interval":
                    if let ms = r.durationMs(v, "icmp.resolve_interval", min: 1000) { config.resolveIntervalSeconds = max(1, ms / 1000) }
                case "send_rate_pps":
                    if let n = r.int(v, "icmp.send_rate_pps", range: 1...1_000_000) { config.sendRatePerSecond = n }
                case "roles":
                    for (role, _, o) in r.mapping(v, "icmp.roles", allowed: Set(SiteRole.allCases.map(\.rawValue))) ?? [] {
                        if let sr = SiteRole(rawValue: role) { config.icmpByRole[sr] = override(o, "icmp.roles.\(role)") }
                    }
                case "sites":
                    for (site, line, o) in r.mapping(v, "icmp.sites") ?? [] {
                        config.icmpBySite[site] = override(o, "icmp.sites.\(site)")
                        sites.append((site, line))
                    }
                default: break
                }
            }
        }
        checkEffective(config)
        return (config, sites)
    }

    func override(_ node: Node, _ path: String) -> ICMPOverride {
        let r = reader
        var o = ICMPOverride()
        for (key, _, v) in r.mapping(node, path, allowed: Self.settingKeys) ?? [] {
            let kp = "\(path).\(key)"
            switch key {
            case "interval": o.intervalSeconds = r.durationMs(v, kp, min: 1000).map { $0 / 1000 }
            case "packets": o.packets = r.int(v, kp, range: 1...100)
            case "timeout": o.timeoutMs = r.durationMs(v, kp, min: 10)
            case "packet_gap": o.packetGapMs = r.durationMs(v, kp, min: 0)
            case "rounds_to_confirm_down": o.roundsToConfirmDown = r.int(v, kp, range: 1...100)
            case "rounds_to_confirm_up": o.roundsToConfirmUp = r.int(v, kp, range: 1...100)
            case "loss_warn_pct": o.lossWarnPct = r.double(v, kp, range: 0...100)
            case "rtt_warn_ms": o.rttWarnMs = r.double(v, kp, range: 0...600_000)
            default: break
            }
        }
        return o
    }

    /// A round must fit inside its interval: packets * gap + timeout < interval.
    func checkEffective(_ c: ProbeConfig) {
        func check(_ s: ICMPSettings, _ path: String) {
            let roundMs = (s.packets - 1) * s.packetGapMs + s.timeoutMs
            if roundMs >= s.intervalSeconds * 1000 {
                reader.sink.add(file, 1, path, "a round takes \(roundMs) ms (packets x packet_gap + timeout) but the interval is \(s.intervalSeconds) s")
            }
        }
        check(c.icmpDefaults, "icmp.defaults")
        for (r, o) in c.icmpByRole { check(o.applied(to: c.icmpDefaults), "icmp.roles.\(r.rawValue)") }
    }
}
