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
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["incidents", "notify", "requesters"]) else { return nil }
        var c = IncidentConfig()
        var requesters: Node?, escalationNode: Node?
        for (key, _, v) in top {
            switch key {
            case "incidents": escalationNode = incidents(v, into: &c)
            case "requesters": requesters = v
            default: c.channels = channels(v)
            }
        }
        // Both name channels, so they are read after `notify`, wherever they stand in the file.
        if let escalationNode { c.escalation = escalation(escalationNode, channels: c.channels) }
        if let requesters { c.requesterChannels = requesterChannels(requesters, channels: c.channels) }
        return c
    }

    func seconds(_ v: Node, _ path: String) -> Int64? { reader.durationMs(v, path, min: 1000).map { Int64($0 / 1000) } }

    /// Reads `incidents:`; returns its `escalation` node (read once the channels are known).
    func incidents(_ node: Node, into c: inout IncidentConfig) -> Node? {
        let keys: Set<String> = ["group_window", "recovery_hold", "reopen_within", "settle", "number_prefix", "notices", "priority",
                                 "evaluate_every", "escalation", "evidence_wait", "reroot_within",
                                 "requester_contacts_per_opd_per_day", "requester_reports_per_contact_per_day"]
        var escalationNode: Node?
        for (key, _, v) in reader.mapping(node, "incidents", allowed: keys) ?? [] {
            let p = "incidents.\(key)"
            switch key {
            case "escalation": escalationNode = v
            case "group_window": c.tracker.groupWindow = seconds(v, p) ?? c.tracker.groupWindow
            case "recovery_hold": c.tracker.recoveryHold = seconds(v, p) ?? c.tracker.recoveryHold
            case "reopen_within": c.tracker.reopenWithin = seconds(v, p) ?? c.tracker.reopenWithin
            case "settle": c.settleSeconds = seconds(v, p) ?? c.settleSeconds
            case "evidence_wait": c.tracker.evidenceWait = seconds(v, p) ?? c.tracker.evidenceWait
            case "reroot_within": c.tracker.rerootWithin = seconds(v, p) ?? c.tracker.rerootWithin
            case "requester_contacts_per_opd_per_day": c.contactsPerSitePerDay = reader.int(v, p, range: 0...1000) ?? c.contactsPerSitePerDay
            case "requester_reports_per_contact_per_day": c.reportsPerContactPerDay = reader.int(v, p, range: 1...1000) ?? c.reportsPerContactPerDay
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
        return escalationNode
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
                                 "smtp", "from", "to", "security", "username", "password", "ca_file", "broadcast"]
        let expander = CredentialsParser(reader: reader, environment: environment, requireSecrets: requireSecrets)
        for (i, item) in (reader.sequence(node, "notify") ?? []).enumerated() {
            let p = "notify[\(i)]"
            guard let m = reader.mapping(item, p, allowed: keys) else { continue }
            var values: [String: (String, Int)] = [:]
            var priorities = Set(Priority.allCases), notices = false, to: [String] = [], headers: [String: String] = [:]
            var broadcast = true
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
                case "broadcast": broadcast = reader.string(v, "\(p).broadcast") != "false"
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
                if let token = need("bot_token"), let chat = broadcast ? need("chat_id") : (values["chat_id"]?.0 ?? "") {
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
                    if to.isEmpty && broadcast {
                        reader.sink.add(file, reader.line(item), "\(p).to", "at least one recipient (or broadcast: false for a relay to requesters only)")
                    }
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
            channel.broadcast = broadcast
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

    /// `incidents.escalation`: levels (who, which channels) and rules (per priority and level,
    /// working time without acknowledgement or resolution).
    func escalation(_ node: Node, channels: [NotifyChannel]) -> EscalationPolicy {
        var policy = EscalationPolicy()
        let names = Set(channels.map(\.name))
        for (key, _, v) in reader.mapping(node, "incidents.escalation", allowed: ["levels", "rules"]) ?? [] {
            for (i, item) in (reader.sequence(v, "incidents.escalation.\(key)") ?? []).enumerated() {
                let p = "incidents.escalation.\(key)[\(i)]"
                if key == "levels" {
                    guard let m = reader.mapping(item, p, allowed: ["level", "name", "people", "notify"]) else { continue }
                    var level: Int?, name: String?, people: [String] = [], notify: [String] = []
                    for (k, _, x) in m {
                        switch k {
                        case "level": level = reader.int(x, "\(p).level", range: 1...9)
                        case "name": name = reader.nonEmptyString(x, "\(p).name")
                        case "people": people = (reader.stringList(x, "\(p).people") ?? []).map(\.0)
                        default:
                            for (c, l) in reader.stringList(x, "\(p).notify") ?? [] {
                                if names.contains(c) { notify.append(c) } else {
                                    reader.sink.add(file, l, "\(p).notify", "no channel named '\(c)' under notify (names: \(names.sorted().joined(separator: ", ")))")
                                }
                            }
                        }
                    }
                    guard let level else { reader.sink.add(file, reader.line(item), "\(p).level", "required key is missing"); continue }
                    if policy.levels.contains(where: { $0.level == level }) {
                        reader.sink.add(file, reader.line(item), "\(p).level", "level \(level) is defined twice")
                    }
                    policy.levels.append(.init(level: level, name: name ?? "Level \(level)", people: people, channels: notify))
                } else {
                    guard let m = reader.mapping(item, p, allowed: ["priority", "level", "unacknowledged", "unresolved"]) else { continue }
                    var pr: Priority?, level: Int?, unack: Int64?, unres: Int64?
                    for (k, _, x) in m {
                        switch k {
                        case "priority":
                            if let t = reader.string(x, "\(p).priority") {
                                pr = Priority(rawValue: t.uppercased())
                                if pr == nil { reader.sink.add(file, reader.line(x), "\(p).priority", "unknown priority '\(t)' (P1, P2, P3, P4)") }
                            }
                        case "level": level = reader.int(x, "\(p).level", range: 2...9)
                        case "unacknowledged": unack = seconds(x, "\(p).unacknowledged")
                        default: unres = seconds(x, "\(p).unresolved")
                        }
                    }
                    guard let pr, let level else {
                        reader.sink.add(file, reader.line(item), p, "a rule needs priority and level (2 or more)")
                        continue
                    }
                    if unack == nil && unres == nil {
                        reader.sink.add(file, reader.line(item), p, "a rule needs unacknowledged, unresolved or both (working time, e.g. 30m)")
                    }
                    policy.rules.append(.init(priority: pr, level: level, unacknowledgedSeconds: unack, unresolvedSeconds: unres))
                }
            }
        }
        for r in policy.rules where policy.level(r.level) == nil {
            reader.sink.add(file, reader.line(node), "incidents.escalation.rules", "level \(r.level) is used by a rule but not defined under levels")
        }
        return policy
    }

    /// `requesters:` which channel carries messages to requesters per kind of contact.
    func requesterChannels(_ node: Node, channels: [NotifyChannel]) -> [Contact.Kind: String] {
        var out: [Contact.Kind: String] = [:]
        for (k, line, v) in reader.mapping(node, "requesters", allowed: Set(Contact.Kind.allCases.map(\.rawValue))) ?? [] {
            guard let kind = Contact.Kind(rawValue: k), let name = reader.nonEmptyString(v, "requesters.\(k)") else { continue }
            guard let c = channels.first(where: { $0.name == name }) else {
                reader.sink.add(file, line, "requesters.\(k)", "no channel named '\(name)' under notify")
                continue
            }
            let want = switch kind { case .email: "email"; case .telegram: "telegram"; case .whatsapp: "webhook" }
            if c.typeName != want {
                reader.sink.add(file, line, "requesters.\(k)", "'\(name)' is a \(c.typeName) channel; \(k) contacts need a \(want) channel")
                continue
            }
            out[kind] = name
        }
        return out
    }
}
