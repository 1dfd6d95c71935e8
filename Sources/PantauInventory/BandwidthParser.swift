import PantauCore
import Yams

/// Parses `probes/bandwidth.yaml`: bandwidth tests against iperf3 servers and how results are judged.
///
/// ```yaml
/// bandwidth:
///   threshold_pct: 80        # a test below 80% of the contract is short
///   consecutive: 2           # two short tests in a row: below contract
///   tests:
///     - {link: fo-dc-bkd, server: 10.1.20.5, port: 5201, direction: both, duration: 10s, protocol: tcp}
///     - {link: radio-pop-kec, server: 10.1.30.5, protocol: udp, udp_rate_mbps: 20}
/// ```
struct BandwidthParser {
    let reader: YAMLReader

    func parse(_ text: String, linkIds: Set<String>, siteIds: Set<String>) -> BandwidthConfig? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["bandwidth"]) else { return nil }
        var config = BandwidthConfig()
        for (_, _, node) in top {
            for (key, _, v) in r.mapping(node, "bandwidth", allowed: ["threshold_pct", "consecutive", "start_jitter", "acceptance_pct", "tests"]) ?? [] {
                switch key {
                case "acceptance_pct": if let d = r.double(v, "bandwidth.acceptance_pct", range: 1...200) { config.acceptancePct = d }
                case "start_jitter": if let ms = r.durationMs(v, "bandwidth.start_jitter", min: 0) { config.startJitterSeconds = ms / 1000 }
                case "threshold_pct": if let d = r.double(v, "bandwidth.threshold_pct", range: 1...100) { config.thresholdPct = d }
                case "consecutive": if let n = r.int(v, "bandwidth.consecutive", range: 1...10) { config.consecutive = n }
                default:
                    for (i, item) in (r.sequence(v, "bandwidth.tests") ?? []).enumerated() {
                        if let t = test(item, "bandwidth.tests[\(i)]", linkIds: linkIds, siteIds: siteIds) { config.tests.append(t) }
                    }
                }
            }
        }
        return config
    }

    func test(_ node: Node, _ p: String, linkIds: Set<String>, siteIds: Set<String>) -> BandwidthTestSpec? {
        let r = reader
        guard let m = r.mapping(node, p, allowed: ["link", "site", "server", "port", "direction", "duration", "protocol", "udp_rate_mbps",
                                                   "at", "monthly_budget_gb"])
        else { return nil }
        var target: String?, server: String?, spec = BandwidthTestSpec(target: "", server: "")
        var ok = true
        for (key, _, v) in m {
            let kp = "\(p).\(key)"
            switch key {
            case "link", "site":
                guard let id = r.nonEmptyString(v, kp) else { ok = false; continue }
                if !(key == "link" ? linkIds : siteIds).contains(id) {
                    r.sink.add(r.file, r.line(v), kp, "no \(key) with id '\(id)' in network.yaml")
                    ok = false
                }
                target = id
            case "server":
                guard let s = r.nonEmptyString(v, kp) else { ok = false; continue }
                if SiteAddress(s) == nil {
                    r.sink.add(r.file, r.line(v), kp, "'\(s)' is not an IPv4 or IPv6 address or a host name")
                    ok = false
                }
                server = s
            case "port": if let n = r.int(v, kp, range: 1...65_535) { spec.port = n } else { ok = false }
            case "direction": if let d = r.enumValue(v, kp, BandwidthDirection.self) { spec.direction = d } else { ok = false }
            case "protocol": if let x = r.enumValue(v, kp, BandwidthProtocol.self) { spec.proto = x } else { ok = false }
            case "duration":
                if let ms = r.durationMs(v, kp, min: 1000), ms <= 300_000 { spec.durationSeconds = ms / 1000 } else {
                    r.sink.add(r.file, r.line(v), kp, "a test lasts 1s to 5m")
                    ok = false
                }
            case "at":
                for (i, (t, line)) in (r.stringList(v, kp) ?? []).enumerated() {
                    if let s = DailyHours.timeOfDay(t) { spec.at.append(s) } else {
                        r.sink.add(r.file, line, "\(kp)[\(i)]", "'\(t)' is not a time of day HH:MM")
                        ok = false
                    }
                }
            case "monthly_budget_gb":
                if let d = r.double(v, kp, range: 0.001...1_000_000) { spec.monthlyBudgetBytes = Int64(d * 1_000_000_000) } else { ok = false }
            default: if let d = r.double(v, kp, range: 0.001...100_000) { spec.udpRateMbps = d } else { ok = false }
            }
        }
        guard let target else {
            r.sink.add(r.file, r.line(node), "\(p).link", "each test names the link (or site) it measures")
            return nil
        }
        guard let server else {
            r.sink.add(r.file, r.line(node), "\(p).server", "required: the iperf3 server at the far end")
            return nil
        }
        if spec.proto == .udp && spec.udpRateMbps == nil {
            r.sink.add(r.file, r.line(node), "\(p).udp_rate_mbps", "a UDP test needs the rate to offer (loss and jitter are measured at it)")
            ok = false
        }
        spec.target = target
        spec.server = server
        return ok ? spec : nil
    }
}
