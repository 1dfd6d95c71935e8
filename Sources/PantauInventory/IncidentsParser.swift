import PantauCore
import Yams

/// Reads `probes/incidents.yaml`: correlation windows, priority policy and notification channels.
struct IncidentsParser {
    let reader: YAMLReader
    let environment: [String: String]
    /// See `CredentialsParser.requireSecrets`.
    var requireSecrets = true
    var file: String { reader.file }

    func parse(_ text: String) -> IncidentConfig? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["incidents", "notify"]) else { return nil }
        var c = IncidentConfig()
        for (key, _, v) in top {
            if key == "incidents" { incidents(v, into: &c) } else { c.channels = channels(v) }
        }
        return c
    }

    func seconds(_ v: Node, _ path: String) -> Int64? { reader.durationMs(v, path, min: 1000).map { Int64($0 / 1000) } }

    func incidents(_ node: Node, into c: inout IncidentConfig) {
        let keys: Set<String> = ["group_window", "recovery_hold", "reopen_within", "settle", "number_prefix", "notices", "priority",
                                 "evaluate_every"]
        for (key, _, v) in reader.mapping(node, "incidents", allowed: keys) ?? [] {
            let p = "incidents.\(key)"
            switch key {
            case "group_window": c.tracker.groupWindow = seconds(v, p) ?? c.tracker.groupWindow
            case "recovery_hold": c.tracker.recoveryHold = seconds(v, p) ?? c.tracker.recoveryHold
            case "reopen_within": c.tracker.reopenWithin = seconds(v, p) ?? c.tracker.reopenWithin
            case "settle": c.settleSeconds = seconds(v, p) ?? c.settleSeconds
            case "evaluate_every": c.evaluateEvery = reader.durationMs(v, p, min: 100).map { Double($0) / 1000 } ?? c.evaluateEvery
            case "notices":
                if let s = reader.string(v, p) {
                    guard let b = Bool(s) else { reader.sink.add(file, reader.line(v), p, "'\(s)' is not true or false"); continue }
                    c.tracker.ticketNotices = b
                }
            case "number_prefix":
                if let s = reader.nonEmptyString(v, p) {
                    if s.count <= 10 && s.allSatisfy({ $0.isLetter && $0.isASCII }) { c.numberPrefix = s.uppercased() } else {
                        reader.sink.add(file, reader.line(v), p, "'\(s)' must be 1-10 letters (e.g. GGN)")
                    }
                }
            default: priority(v, into: &c.priority)
            }
        }
    }

    func priorityMap<T>(_ node: Node, _ path: String, _ value: (Node, String) -> T?) -> [Priority: T] {
        var out: [Priority: T] = [:]
        for (k, line, v) in reader.mapping(node, path, allowed: Set(Priority.allCases.map(\.rawValue))) ?? [] {
            guard let p = Priority(rawValue: k) else { reader.sink.add(file, line, path, "unknown priority \(k)"); continue }
            if let x = value(v, "\(path).\(k)") { out[p] = x }
        }
        return out
    }

    func priority(_ node: Node, into p: inout PriorityPolicy) {
        let keys: Set<String> = ["criticality_weights", "weight_per_100_users", "trunk_weight", "high_impact_score",
                                 "medium_impact_score", "near_closing", "response", "repair_working_days"]
        for (key, _, v) in reader.mapping(node, "incidents.priority", allowed: keys) ?? [] {
            let path = "incidents.priority.\(key)"
            switch key {
            case "criticality_weights":
                for (k, line, w) in reader.mapping(v, path, allowed: Set(Criticality.allCases.map(\.rawValue))) ?? [] {
                    guard let cr = Criticality(rawValue: k) else { reader.sink.add(file, line, path, "unknown criticality \(k)"); continue }
                    if let d = reader.double(w, "\(path).\(k)", range: 0...1000) { p.criticalityWeights[cr] = d }
                }
            case "weight_per_100_users": p.weightPer100Users = reader.double(v, path, range: 0...1000) ?? p.weightPer100Users
            case "trunk_weight": p.trunkWeight = reader.double(v, path, range: 0...1000) ?? p.trunkWeight
            case "high_impact_score": p.highImpactScore = reader.double(v, path, range: 0...100_000) ?? p.highImpactScore
            case "medium_impact_score": p.mediumImpactScore = reader.double(v, path, range: 0...100_000) ?? p.mediumImpactScore
            case "near_closing": p.nearClosingSeconds = seconds(v, path).map(Int.init) ?? p.nearClosingSeconds
            case "response":
                p.responseSeconds.merge(priorityMap(v, path) { n, kp in seconds(n, kp) }) { _, b in b }
            default:
                p.repairWorkingDays.merge(priorityMap(v, path) { n, kp in reader.int(n, kp, range: 1...60) }) { _, b in b }
            }
        }
        if p.mediumImpactScore > p.highImpactScore {
            reader.sink.add(file, reader.line(node), "incidents.priority", "medium_impact_score is above high_impact_score")
        }
    }

    func channels(_ node: Node) -> [NotifyChannel] {
        var out: [NotifyChannel] = []
        let keys: Set<String> = ["name", "type", "priorities", "notices", "bot_token", "chat_id", "api_url", "url", "headers",
                                 "smtp", "from", "to", "security", "username", "password", "ca_file"]
        let expander = CredentialsParser(reader: reader, environment: environment, requireSecrets: requireSecrets)
        for (i, item) in (reader.sequence(node, "notify") ?? []).enumerated() {
            let p = "notify[\(i)]"
            guard let m = reader.mapping(item, p, allowed: keys) else { continue }
            var values: [String: (String, Int)] = [:]
            var priorities = Set(Priority.allCases), notices = false, to: [String] = [], headers: [String: String] = [:]
            for (key, line, v) in m {
                switch key {
                case "priorities":
                    priorities = []
                    for (s, l) in reader.stringList(v, "\(p).priorities") ?? [] {
                        if let pr = Priority(rawValue: s.uppercased()) { priorities.insert(pr) } else {
                            reader.sink.add(file, l, "\(p).priorities", "unknown priority '\(s)' (P1, P2, P3, P4)")
                        }
                    }
                case "notices": notices = reader.string(v, "\(p).notices") == "true"
                case "to": to = (reader.stringList(v, "\(p).to") ?? []).map(\.0)
                case "headers":
                    for (h, l, hv) in reader.mapping(v, "\(p).headers") ?? [] {
                        if let s = reader.string(hv, "\(p).headers.\(h)"), let e = expander.expand(s, "\(p).headers.\(h)", l) { headers[h] = e }
                    }
                default:
                    if let s = reader.string(v, "\(p).\(key)"), let e = expander.expand(s, "\(p).\(key)", line) { values[key] = (e, line) }
                }
            }
            func need(_ k: String) -> String? {
                if let v = values[k]?.0, !v.isEmpty { return v }
                if !requireSecrets, values[k] != nil { return "" }  // an unset ${SECRET}: fine for a command that sends nothing
                reader.sink.add(file, reader.line(item), "\(p).\(k)", "required for this channel type")
                return nil
            }
            let name = values["name"]?.0 ?? "channel-\(i + 1)"
            let kind: NotifyChannel.Kind?
            switch values["type"]?.0 {
            case "telegram":
                if let token = need("bot_token"), let chat = need("chat_id") {
                    kind = .telegram(apiURL: values["api_url"]?.0 ?? "https://api.telegram.org", botToken: Secret(token), chatID: chat)
                } else { kind = nil }
            case "webhook":
                if let url = need("url") {
                    if url.hasPrefix("http://") || url.hasPrefix("https://") { kind = .webhook(url: url, headers: headers.mapValues { Secret($0) }) } else {
                        reader.sink.add(file, values["url"]!.1, "\(p).url", "'\(url)' is not an http(s) URL")
                        kind = nil
                    }
                } else { kind = nil }
            case "email":
                if let smtp = need("smtp"), let from = need("from") {
                    let parts = smtp.split(separator: ":")
                    let port = parts.count == 2 ? Int(parts[1]) : 25
                    if to.isEmpty { reader.sink.add(file, reader.line(item), "\(p).to", "at least one recipient") }
                    if let port, (1...65535).contains(port), !parts.isEmpty {
                        kind = .email(host: String(parts[0]), port: port, from: from, to: to)
                    } else {
                        reader.sink.add(file, values["smtp"]!.1, "\(p).smtp", "'\(smtp)' is not HOST or HOST:PORT")
                        kind = nil
                    }
                } else { kind = nil }
            case let other:
                reader.sink.add(file, values["type"]?.1 ?? reader.line(item), "\(p).type",
                                other == nil ? "required (telegram, webhook or email)" : "'\(other!)' is not telegram, webhook or email")
                kind = nil
            }
            guard let kind else { continue }
            var channel = NotifyChannel(name: name, kind: kind, priorities: priorities, notices: notices)
            if case .email = kind {
                if let sec = values["security"] {
                    if ["starttls-if-offered", "starttls", "smtps", "none"].contains(sec.0) { channel.smtp.security = sec.0 } else {
                        reader.sink.add(file, sec.1, "\(p).security", "'\(sec.0)' is not starttls-if-offered, starttls, smtps or none")
                    }
                }
                channel.smtp.username = values["username"]?.0
                channel.smtp.password = values["password"].map { Secret($0.0) }
                channel.smtp.caFile = values["ca_file"]?.0
                if channel.smtp.username != nil && channel.smtp.password == nil {
                    reader.sink.add(file, values["username"]!.1, "\(p).password", "required with username (e.g. \"${PANTAU_SMTP_PASSWORD}\")")
                }
            }
            out.append(channel)
        }
        return out
    }
}
