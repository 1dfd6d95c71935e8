import Foundation
import PantauCore
import Yams

/// Parses `probes/web.yaml`: the dashboard, API and metrics face.
///
/// ```yaml
/// web:
///   listen: 127.0.0.1:8080     # loopback by default; "off" for no web face
///   tls_certificate: /etc/pantau/tls/cert.pem
///   tls_key: /etc/pantau/tls/key.pem
///   session_idle: 8h
///   language: id
/// ```
struct WebParser {
    let reader: YAMLReader

    func parse(_ text: String) -> WebConfig? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["web"]) else { return nil }
        var config = WebConfig()
        for (_, _, node) in top {
            let keys: Set<String> = ["listen", "tls_certificate", "tls_key", "session_idle", "language"]
            for (key, _, v) in r.mapping(node, "web", allowed: keys) ?? [] {
                let p = "web.\(key)"
                switch key {
                case "listen":
                    guard let s = r.nonEmptyString(v, p) else { continue }
                    if s == "off" { config.host = nil; continue }
                    guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65_535).contains(port) else {
                        r.sink.add(r.file, r.line(v), p, "expected HOST:PORT (e.g. 127.0.0.1:8080; port 0: any free port, printed at start) or off")
                        continue
                    }
                    config.host = String(s[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                    config.port = port
                case "tls_certificate": config.certificateFile = r.nonEmptyString(v, p)
                case "tls_key": config.keyFile = r.nonEmptyString(v, p)
                case "session_idle": if let ms = r.durationMs(v, p, min: 60_000) { config.sessionIdleSeconds = Int64(ms / 1000) }
                default:
                    if let s = r.string(v, p) {
                        if s == "id" || s == "en" { config.language = s } else { r.sink.add(r.file, r.line(v), p, "expected id or en") }
                    }
                }
            }
        }
        if (config.certificateFile == nil) != (config.keyFile == nil) {
            r.sink.add(r.file, 1, "web", "tls_certificate and tls_key go together: set both for HTTPS, or neither")
        }
        return config
    }
}
