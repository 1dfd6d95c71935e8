import Foundation
import PantauCore
import Yams

/// Parses `network.yaml` into a `ParsedNetwork`, reporting shape errors as it goes.
struct NetworkParser {
    let file: String
    let directory: String
    let sink: DiagnosticSink
    var reader: YAMLReader { YAMLReader(file: file, sink: sink) }

    static let topKeys: Set<String> = ["organization", "timezone", "calendar", "sla", "sites", "links", "devices", "maintenance"]
    static let siteKeys: Set<String> = ["id", "name", "role", "criticality", "users", "address", "uplinks",
                                        "bandwidth_mbps", "location", "notes", "subnets", "contacts", "map"]
    static let linkKeys: Set<String> = ["id", "kind", "from", "to", "name", "length_km", "notes", "a", "b", "bandwidth_mbps"]
    static let deviceKeys: Set<String> = ["id", "site", "address", "port", "vendor", "role", "snmp", "model", "notes"]
    static let maintenanceKeys: Set<String> = ["target", "from", "to", "reason"]

    func parse(_ text: String) -> ParsedNetwork? {
        let r = reader
        let problemsBefore = sink.diagnostics.count
        guard let root = r.compose(text) else {
            // No syntax error reported: the file holds no document at all (empty or comments only).
            if sink.diagnostics.count == problemsBefore { sink.add(file, 1, "(yaml)", "empty document") }
            return nil
        }
        guard let top = r.mapping(root, "", allowed: Self.topKeys) else { return nil }
        var net = ParsedNetwork(file: file)
        var seen: Set<String> = []
        for (key, line, value) in top {
            seen.insert(key)
            switch key {
            case "organization": net.organization = r.nonEmptyString(value, key)
            case "timezone":
                net.timezone = r.nonEmptyString(value, key)
                net.timezoneLine = r.line(value)
            case "calendar":
                net.calendarLine = line
                CalendarParser(reader: r, directory: directory).parse(value, into: &net)
            case "sla": parseSLA(value, into: &net)
            case "sites": parseSites(value, into: &net)
            case "links": parseLinks(value, into: &net)
            case "devices": parseDevices(value, into: &net)
            case "maintenance": parseMaintenance(value, into: &net)
            default: _ = line
            }
        }
        for required in ["organization", "timezone", "sites"] where !seen.contains(required) {
            sink.add(file, 1, required, "required key is missing")
        }
        return net
    }

    func parseSLA(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let m = r.mapping(node, "sla", allowed: ["availability_target_pct", "repair_working_days"]) else { return }
        for (key, _, v) in m {
            switch key {
            case "availability_target_pct":
                if let d = r.double(v, "sla.\(key)") {
                    if d > 0 && d <= 100 { net.sla.availabilityTargetPct = d } else {
                        sink.add(file, r.line(v), "sla.\(key)", "must be above 0 and at most 100")
                    }
                }
            default:
                if let d = r.int(v, "sla.\(key)", range: 1...365) { net.sla.repairWorkingDays = d }
            }
        }
    }

    func parseSites(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let items = r.sequence(node, "sites") else { return }
        for (i, item) in items.enumerated() {
            let p = "sites[\(i)]"
            guard let m = r.mapping(item, p, allowed: Self.siteKeys) else { continue }
            var id: String?, name: String?, role = SiteRole.opd, crit = Criticality.medium
            var users: Int?, address: String?, uplinks: [String] = [], uplinkLines: [Int] = [], bw: Double?, subnets: [IPv4Subnet] = []
            var contacts: [Contact] = [], map: MapPosition?
            for (key, _, v) in m {
                let kp = "\(p).\(key)"
                switch key {
                case "id": id = identifier(v, kp)
                case "name": name = r.nonEmptyString(v, kp)
                case "role": role = r.enumValue(v, kp, SiteRole.self) ?? role
                case "criticality": crit = r.enumValue(v, kp, Criticality.self) ?? crit
                case "users": users = r.int(v, kp, range: 0...1_000_000)
                case "address":
                    if let a = r.string(v, kp) {
                        if SiteAddress(a) != nil { address = a } else {
                            sink.add(file, r.line(v), kp, "'\(a)' is not an IPv4 address (a.b.c.d), an IPv6 address (2001:db8::1) or a host name")
                        }
                    }
                case "uplinks":
                    for (u, l) in r.stringList(v, kp) ?? [] {
                        uplinks.append(u)
                        uplinkLines.append(l)
                    }
                case "bandwidth_mbps": bw = r.double(v, kp, range: 0.001...1_000_000)
                case "subnets":
                    for (j, (text, line)) in (r.stringList(v, kp) ?? []).enumerated() {
                        if let n = IPv4Subnet(text) { subnets.append(n) } else {
                            sink.add(file, line, "\(kp)[\(j)]", "'\(text)' is not an IPv4 subnet a.b.c.d/n with the host bits zero (e.g. 10.10.1.0/24)")
                        }
                    }
                case "map":
                    // A pinned place on the NOC map: both coordinates, each 0-1000.
                    guard let xy = r.mapping(v, kp, allowed: ["x", "y"]) else { break }
                    let x = xy.first { $0.key == "x" }.flatMap { r.double($0.value, "\(kp).x", range: 0...1000) }
                    let y = xy.first { $0.key == "y" }.flatMap { r.double($0.value, "\(kp).y", range: 0...1000) }
                    for k in ["x", "y"] where !xy.contains(where: { $0.key == k }) { sink.add(file, r.line(v), "\(kp).\(k)", "required key is missing (map: {x: 0-1000, y: 0-1000})") }
                    if let x, let y { map = MapPosition(x: x, y: y) }
                case "contacts":
                    for (j, (text, line)) in (r.stringList(v, kp) ?? []).enumerated() {
                        if let c = Contact(text) { contacts.append(c) } else { sink.add(file, line, "\(kp)[\(j)]", Contact.problem(in: text) ?? "not a contact") }
                    }
                default: break
                }
            }
            guard let id else {
                if !m.contains(where: { $0.key == "id" }) { sink.add(file, r.line(item), "\(p).id", "required key is missing") }
                continue
            }
            if name == nil && !m.contains(where: { $0.key == "name" }) {
                sink.add(file, r.line(item), "\(p).name", "required key is missing")
            }
            var site = Site(id: id, name: name ?? id, role: role, criticality: crit, users: users, address: address,
                            uplinks: uplinks, bandwidthMbps: bw, subnets: subnets)
            site.contacts = contacts
            site.map = map
            net.sites.append(.init(site: site, line: r.line(item), index: i, uplinkLines: uplinkLines))
        }
    }

    func parseLinks(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let items = r.sequence(node, "links") else { return }
        for (i, item) in items.enumerated() {
            let p = "links[\(i)]"
            guard let m = r.mapping(item, p, allowed: Self.linkKeys) else { continue }
            var id: String?, kind: LinkKind?, from: String?, to: String?, name: String?
            var fromLine = r.line(item), toLine = r.line(item)
            var ends: [String: (LinkEnd, Int)] = [:], bw: Double?
            for (key, _, v) in m {
                let kp = "\(p).\(key)"
                switch key {
                case "id": id = identifier(v, kp)
                case "kind": kind = r.enumValue(v, kp, LinkKind.self)
                case "from": from = r.nonEmptyString(v, kp); fromLine = r.line(v)
                case "to": to = r.nonEmptyString(v, kp); toLine = r.line(v)
                case "name": name = r.string(v, kp)
                case "length_km": _ = r.double(v, kp, range: 0...100_000)
                case "bandwidth_mbps": bw = r.double(v, kp, range: 0.001...1_000_000)
                case "a", "b": if let e = linkEnd(v, kp) { ends[key] = (e, r.line(v)) }
                default: break
                }
            }
            for req in ["id", "kind", "from", "to"] where !m.contains(where: { $0.key == req }) {
                sink.add(file, r.line(item), "\(p).\(req)", "required key is missing")
            }
            guard let id, let kind, let from, let to else { continue }
            let link = Link(id: id, kind: kind, from: from, to: to, name: name, a: ends["a"]?.0, b: ends["b"]?.0, bandwidthMbps: bw)
            net.links.append(.init(link: link, line: r.line(item), index: i, fromLine: fromLine, toLine: toLine,
                                   endLines: ends.mapValues(\.1)))
        }
    }

    /// `{device: core-sw1, interface: sfp-sfpplus3}`
    func linkEnd(_ node: Node, _ path: String) -> LinkEnd? {
        let r = reader
        guard let m = r.mapping(node, path, allowed: ["device", "interface"]) else { return nil }
        var device: String?, interface: String?
        for (key, _, v) in m {
            if key == "device" { device = r.nonEmptyString(v, "\(path).device") } else { interface = r.nonEmptyString(v, "\(path).interface") }
        }
        for req in ["device", "interface"] where !m.contains(where: { $0.key == req }) {
            sink.add(file, r.line(node), "\(path).\(req)", "required key is missing")
        }
        guard let device, let interface else { return nil }
        return LinkEnd(device: device, interface: interface)
    }

    func parseDevices(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let items = r.sequence(node, "devices") else { return }
        for (i, item) in items.enumerated() {
            let p = "devices[\(i)]"
            guard let m = r.mapping(item, p, allowed: Self.deviceKeys) else { continue }
            var id: String?, site: String?, address: String?, port: UInt16 = 161, vendor = DeviceVendor.generic
            var role = DeviceRole.access, profile: String?, lines: [String: Int] = [:]
            for (key, _, v) in m {
                let kp = "\(p).\(key)"
                lines[key] = r.line(v)
                switch key {
                case "id": id = identifier(v, kp)
                case "site": site = r.nonEmptyString(v, kp)
                case "address":
                    if let a = r.string(v, kp) {
                        if IPv4Literal.isValid(a) { address = a } else {
                            sink.add(file, r.line(v), kp, "'\(a)' is not an IPv4 address (a.b.c.d)")
                        }
                    }
                case "port": if let n = r.int(v, kp, range: 1...65535) { port = UInt16(n) }
                case "vendor": vendor = r.enumValue(v, kp, DeviceVendor.self) ?? vendor
                case "role": role = r.enumValue(v, kp, DeviceRole.self) ?? role
                case "snmp": profile = r.nonEmptyString(v, kp)
                default: _ = r.string(v, kp)
                }
            }
            for req in ["id", "site", "address", "snmp"] where !m.contains(where: { $0.key == req }) {
                sink.add(file, r.line(item), "\(p).\(req)", "required key is missing")
            }
            guard let id, let site, let address, let profile else { continue }
            net.devices.append(.init(device: Device(id: id, site: site, address: address, port: port, vendor: vendor,
                                                    role: role, snmpProfile: profile),
                                     line: r.line(item), index: i, lines: lines))
        }
    }

    func parseMaintenance(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let items = r.sequence(node, "maintenance") else { return }
        for (i, item) in items.enumerated() {
            let p = "maintenance[\(i)]"
            guard let m = r.mapping(item, p, allowed: Self.maintenanceKeys) else { continue }
            var target: String?, from: EpochSeconds?, to: EpochSeconds?, reason = "", targetLine = r.line(item)
            var toLine = r.line(item)
            for (key, _, v) in m {
                let kp = "\(p).\(key)"
                switch key {
                case "target": target = r.nonEmptyString(v, kp); targetLine = r.line(v)
                case "from", "to":
                    guard let s = r.string(v, kp) else { continue }
                    guard let t = ISO8601.parse(s) else {
                        sink.add(file, r.line(v), kp, "'\(s)' is not an ISO 8601 time with offset (e.g. 2026-03-10T09:00:00+07:00)")
                        continue
                    }
                    if key == "from" { from = t } else { to = t; toLine = r.line(v) }
                case "reason": reason = r.string(v, kp) ?? ""
                default: break
                }
            }
            for req in ["target", "from", "to"] where !m.contains(where: { $0.key == req }) {
                sink.add(file, r.line(item), "\(p).\(req)", "required key is missing")
            }
            guard let target, let from, let to else { continue }
            guard to > from else {
                sink.add(file, toLine, "\(p).to", "maintenance ends before (or when) it starts")
                continue
            }
            net.maintenance.append(.init(window: MaintenanceWindow(target: target, range: TimeRange(from, to), reason: reason),
                                         line: r.line(item), index: i, targetLine: targetLine))
        }
    }

    /// Ids are short slugs: letters, digits, `-`, `_`, `.`.
    func identifier(_ node: Node, _ path: String) -> String? {
        guard let s = reader.nonEmptyString(node, path) else { return nil }
        let ok = s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
        guard ok, s.count <= 64 else {
            sink.add(file, reader.line(node), path, "'\(s)' is not a valid id (letters, digits, '-', '_', '.'; at most 64)")
            return nil
        }
        return s
    }
}

