import PantauCore
import Yams

/// Parses `probes/capture.yaml`: passive traffic per OPD from a SPAN/mirror port.
///
/// ```yaml
/// capture:
///   interface: eth1            # the mirror port (needs root or CAP_NET_RAW + CAP_NET_ADMIN)
///   filter: "not port 22"      # BPF, tcpdump syntax (optional)
///   snap_length: 128           # bytes per packet: headers only, never payload
///   buffer_mb: 32              # kernel ring buffer
///   bucket: 1m                 # per-OPD counts per bucket
///   top_talkers: 20            # conversations kept per bucket
///   talker_retention: 24h      # how long top-talker lists are kept
/// ```
struct CaptureParser {
    let reader: YAMLReader

    func parse(_ text: String) -> CaptureConfig? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["capture"]) else { return nil }
        var config = CaptureConfig()
        for (_, _, node) in top {
            let keys: Set<String> = ["interface", "filter", "snap_length", "buffer_mb", "promiscuous", "bucket", "top_talkers", "talker_retention"]
            for (key, _, v) in r.mapping(node, "capture", allowed: keys) ?? [] {
                let p = "capture.\(key)"
                switch key {
                case "interface": config.interface = r.nonEmptyString(v, p)
                case "filter": config.filter = r.string(v, p) ?? ""
                case "snap_length": if let n = r.int(v, p, range: 64...65_535) { config.snapLength = n }
                case "buffer_mb": if let n = r.int(v, p, range: 1...2048) { config.bufferMB = n }
                case "promiscuous":
                    switch r.string(v, p) {
                    case "true"?: config.promiscuous = true
                    case "false"?: config.promiscuous = false
                    default: r.sink.add(r.file, r.line(v), p, "expected true or false")
                    }
                case "bucket":
                    if let ms = r.durationMs(v, p, min: 1000) {
                        if 3600 % (ms / 1000) == 0, ms % 1000 == 0 { config.bucketSeconds = Int64(ms / 1000) } else {
                            r.sink.add(r.file, r.line(v), p, "a bucket divides an hour in whole seconds (10s, 1m, 5m)")
                        }
                    }
                case "top_talkers": if let n = r.int(v, p, range: 0...1000) { config.topTalkers = n }
                default: if let ms = r.durationMs(v, p, min: 60_000) { config.talkerRetentionSeconds = Int64(ms / 1000) }
                }
            }
        }
        return config
    }
}
