import Foundation
import PantauCore

/// Cross-element checks over a parsed `network.yaml`: ids, references, topology, overlaps.
struct NetworkValidator {
    let parsed: ParsedNetwork
    let sink: DiagnosticSink
    var file: String { parsed.file }

    func validate() {
        checkTimezone()
        checkIds()
        checkLinks()
        checkUplinks()
        checkTopology()
        checkSpecialPeriods()
        checkMaintenance()
        checkDevices()
    }

    func checkTimezone() {
        guard let tz = parsed.timezone else { return }
        if TimeZone(identifier: tz) == nil || !tz.contains("/") && tz != "UTC" {
            sink.add(file, parsed.timezoneLine, "timezone", "'\(tz)' is not an IANA time zone (e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura)")
        }
    }

    func checkIds() {
        var seen: [String: Int] = [:]
        for s in parsed.sites {
            if let first = seen[s.site.id] {
                sink.add(file, s.line, "sites[\(s.index)].id", "duplicate id '\(s.site.id)' (first defined at line \(first))")
            } else { seen[s.site.id] = s.line }
        }
        for l in parsed.links {
            if let first = seen[l.link.id] {
                sink.add(file, l.line, "links[\(l.index)].id", "duplicate id '\(l.link.id)' (first defined at line \(first))")
            } else { seen[l.link.id] = l.line }
        }
        for d in parsed.devices {
            if let first = seen[d.device.id] {
                sink.add(file, d.line, "devices[\(d.index)].id", "duplicate id '\(d.device.id)' (first defined at line \(first))")
            } else { seen[d.device.id] = d.line }
        }
        // A subnet belongs to one site (nested ones are fine: the longest prefix wins).
        var subnetOwner: [IPv4Subnet: String] = [:]
        for s in parsed.sites {
            for n in s.site.subnets {
                if let other = subnetOwner[n], other != s.site.id {
                    sink.add(file, s.line, "sites[\(s.index)].subnets", "subnet \(n) is also a subnet of site '\(other)'")
                } else { subnetOwner[n] = s.site.id }
            }
        }
        var addresses: [String: String] = [:]
        for s in parsed.sites {
            guard let text = s.site.address else { continue }
            // The same address written two ways (2001:db8::1 and 2001:DB8:0::1, BKD.example and bkd.example) is still the same.
            let a: String = switch SiteAddress(text) {
            case .literal(let b)?: IPAddressText.format(b)
            case .hostName(let n)?: n
            case nil: text
            }
            if let other = addresses[a] {
                sink.add(file, s.line, "sites[\(s.index)].address", "address \(a) is also the address of site '\(other)'")
            } else { addresses[a] = s.site.id }
        }
        if !parsed.sites.isEmpty && !parsed.sites.contains(where: { $0.site.role == .core }) {
            sink.add(file, 1, "sites", "no site has role: core (the data centre every uplink path leads to)")
        }
    }

    var siteIds: Set<String> { Set(parsed.sites.map(\.site.id)) }

    func checkLinks() {
        let ids = siteIds
        for l in parsed.links {
            let p = "links[\(l.index)]"
            if !ids.contains(l.link.from) { sink.add(file, l.fromLine, "\(p).from", "no site with id '\(l.link.from)'") }
            if !ids.contains(l.link.to) { sink.add(file, l.toLine, "\(p).to", "no site with id '\(l.link.to)'") }
            if l.link.from == l.link.to { sink.add(file, l.toLine, "\(p).to", "a link cannot join a site to itself") }
        }
    }

    func checkUplinks() {
        let links = Dictionary(parsed.links.map { ($0.link.id, $0.link) }, uniquingKeysWith: { a, _ in a })
        var listedBy: [String: Set<String>] = [:]
        for s in parsed.sites { for u in s.site.uplinks { listedBy[u, default: []].insert(s.site.id) } }
        for s in parsed.sites {
            var seen: Set<String> = []
            for (j, u) in s.site.uplinks.enumerated() {
                let p = "sites[\(s.index)].uplinks[\(j)]"
                let line = j < s.uplinkLines.count ? s.uplinkLines[j] : s.line
                guard let link = links[u] else {
                    sink.add(file, line, p, "no link with id '\(u)'")
                    continue
                }
                if !seen.insert(u).inserted { sink.add(file, line, p, "uplink '\(u)' listed twice") }
                // A ring segment is an uplink of both its ends (traffic may take it either way).
                let ringSegment = link.from == s.site.id && listedBy[u]?.contains(link.to) == true
                if link.to != s.site.id && !ringSegment {
                    sink.add(file, line, p, "link '\(u)' goes from '\(link.from)' to '\(link.to)'; an uplink of '\(s.site.id)' must have to: \(s.site.id) "
                             + "(a ring segment is listed as an uplink by both of its ends)")
                }
            }
        }
    }

    func checkTopology() {
        guard let inv = parsed.inventory() else { return }
        let topo = Topology(inv)
        let bySite = Dictionary(parsed.sites.map { ($0.site.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Rings and meshes are fine (a site is cut off only when every path is down); what is
        // refused is a site that no path of uplinks connects to a core site at all.
        guard !topo.coreSites.isEmpty else { return }
        // A site whose uplink names an unknown link, or a link with an unknown end, is already
        // reported at its root; the sites behind it would only repeat that as "unreachable".
        let siteIds = Set(inv.sites.map(\.id))
        let broken = Set(parsed.links.filter { !siteIds.contains($0.link.from) || !siteIds.contains($0.link.to) }.map(\.link.id))
        let linkIds = Set(parsed.links.map(\.link.id))
        var reached = Set(topo.coreSites)
        reached.formUnion(inv.sites.filter { s in s.uplinks.contains { !linkIds.contains($0) || broken.contains($0) } }.map(\.id))
        var queue = Array(reached)
        while let s = queue.popLast() {
            for n in topo.adjacency[s] ?? [] where reached.insert(n.site).inserted { queue.append(n.site) }
        }
        for id in topo.unreachableFromCore() where !reached.contains(id) {
            guard let loc = bySite[id] else { continue }
            let why = loc.site.uplinks.isEmpty ? "it has no uplinks" : "no path of uplinks leads to a core site"
            sink.add(file, loc.line, "sites[\(loc.index)].uplinks", "site '\(id)' is unreachable from the core: \(why)")
        }
    }

    func checkSpecialPeriods() {
        let periods = parsed.calendar.specialPeriods
        for i in periods.indices {
            for j in periods.indices where j > i {
                let a = periods[i], b = periods[j]
                if a.from <= b.to && b.from <= a.to {
                    sink.add(file, parsed.specialPeriodLines[j], "calendar.special_periods[\(j)]",
                             "overlaps special period '\(a.name)' (\(a.from)..\(a.to))")
                }
            }
        }
    }

    func checkMaintenance() {
        let targets = siteIds.union(parsed.links.map(\.link.id))
        for m in parsed.maintenance where !targets.contains(m.window.target) {
            sink.add(file, m.targetLine, "maintenance[\(m.index)].target", "no site or link with id '\(m.window.target)'")
        }
        let byTarget = Dictionary(grouping: parsed.maintenance, by: \.window.target)
        for (_, windows) in byTarget {
            let sorted = windows.sorted { $0.window.range < $1.window.range }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.window.range.overlaps(b.window.range) {
                sink.add(file, b.line, "maintenance[\(b.index)]",
                         "overlaps maintenance[\(a.index)] (line \(a.line)) for '\(b.window.target)'")
            }
        }
    }

    func checkDevices() {
        let sites = siteIds
        var endpoints: [String: String] = [:]
        for d in parsed.devices {
            let p = "devices[\(d.index)]"
            if !sites.contains(d.device.site) {
                sink.add(file, d.lines["site"] ?? d.line, "\(p).site", "no site with id '\(d.device.site)'")
            }
            let key = "\(d.device.address):\(d.device.port)"
            if let other = endpoints[key] {
                sink.add(file, d.lines["address"] ?? d.line, "\(p).address", "\(key) is also the SNMP address of device '\(other)'")
            } else { endpoints[key] = d.device.id }
        }
        let devices = Dictionary(parsed.devices.map { ($0.device.id, $0.device) }, uniquingKeysWith: { a, _ in a })
        var ports: [LinkEnd: String] = [:]
        for l in parsed.links {
            for (side, end) in [("a", l.link.a), ("b", l.link.b)] {
                guard let end else { continue }
                let p = "links[\(l.index)].\(side)"
                let line = l.endLines[side] ?? l.line
                guard let dev = devices[end.device] else {
                    sink.add(file, line, "\(p).device", "no device with id '\(end.device)'")
                    continue
                }
                let site = side == "a" ? l.link.from : l.link.to
                if dev.site != site {
                    sink.add(file, line, "\(p).device", "device '\(dev.id)' is at site '\(dev.site)'; the \(side) side of this link is '\(site)' (a: the from side, b: the to side)")
                }
                if let other = ports[end] {
                    sink.add(file, line, "\(p).interface", "port \(end.device)/\(end.interface) is also an end of link '\(other)'")
                } else { ports[end] = l.link.id }
            }
        }
    }
}
