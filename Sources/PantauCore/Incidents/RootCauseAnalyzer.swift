import Foundation

/// Finds the root causes in a snapshot over the uplink topology. A site is cut off only when
/// every uplink path is down; a down site behind a failed link or site is a consequence, not a
/// root (its outage time is still recorded for it, only the alarm is folded in).
public struct RootCauseAnalyzer: Sendable {
    public let inventory: Inventory
    let topology: Topology
    let timeZone: TimeZone
    let sitesByID: [String: Site]
    let linksByID: [String: Link]

    public init(inventory: Inventory) {
        self.inventory = inventory
        topology = Topology(inventory)
        timeZone = TimeZone(identifier: inventory.timezone) ?? TimeZone(secondsFromGMT: 0)!
        sitesByID = Dictionary(inventory.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        linksByID = Dictionary(inventory.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `at` and `settleSeconds`: a down site whose uplink port came back less than
    /// `settleSeconds` ago is still catching up (ICMP needs a few rounds to confirm it up, and
    /// an agent's interface cache can lag the port): it is not a root of its own until the
    /// settle time has passed.
    /// Seconds after a link went down within which an ICMP reply may still be the round that
    /// started before the cut.
    static let answerMargin: EpochSeconds = 2

    public func analyze(_ s: NetworkSnapshot, at: EpochSeconds? = nil, settleSeconds: Int64 = 180) -> [RootCause] {
        let reportedDown = Set(s.links.filter { $0.value.state == .down }.map(\.key))
        let downSites = Set(s.sites.filter { $0.value.state == .down }.map(\.key))
        // A root must be confirmed by what it explains: a link reported down (by a trap or a
        // poll) while a site that only it could connect still answers ICMP after it went down is
        // contradicted. It stays a root (a notice: someone should look at that port) but cuts
        // nobody off.
        var contradicted: [String: [String]] = [:]
        let isolatedByAll = reportedDown.isEmpty ? []
            : Set(inventory.sites.map(\.id)).subtracting(topology.reachable(inventory: inventory, failedSites: [], failedLinks: reportedDown))
        // A site is isolated only from when the last of the links that isolate it went down (a
        // ring cut in two places: the site answered over the second until it too was cut).
        var withoutEach: [String: Set<String>] = [:]
        for l in reportedDown where !isolatedByAll.isEmpty {
            withoutEach[l] = topology.reachable(inventory: inventory, failedSites: [], failedLinks: reportedDown.subtracting([l]))
        }
        for l in reportedDown.sorted() {
            guard s.links[l]?.since != nil, let withoutIt = withoutEach[l] else { continue }
            let answering = isolatedByAll.intersection(withoutIt).filter { site in
                let isolatedSince = reportedDown.filter { withoutEach[$0]?.contains(site) ?? false }.compactMap { s.links[$0]?.since }.max() ?? .min
                return (s.answeredAt[site] ?? .min) > isolatedSince + Self.answerMargin
            }
            if !answering.isEmpty { contradicted[l] = answering.sorted() }
        }
        let downLinks = reportedDown.subtracting(contradicted.keys)
        // A down site is a root when it would still have a path with itself healthy.
        var rootSites: Set<String> = []
        var settling: Set<String> = []
        for site in downSites {
            let r = topology.reachable(inventory: inventory, failedSites: downSites.subtracting([site]), failedLinks: downLinks)
            guard r.contains(site) else { continue }
            if let at, s.sites[site] != nil, isSettling(site, s, at: at, settle: settleSeconds) {
                settling.insert(site)
                continue
            }
            rootSites.insert(site)
        }
        let reachable = topology.reachable(inventory: inventory, failedSites: rootSites.union(settling), failedLinks: downLinks)
        let cutOff = Set(inventory.sites.map(\.id)).subtracting(reachable).subtracting(settling)

        // Attribute the cut-off sites: group them into islands (connected over healthy links);
        // an island's roots are the failed elements on its edge whose far side still reaches the
        // core (else every failed element on its edge, e.g. a cut behind another cut). When
        // several do — a ring cut in two places — the island goes to the cut that completed
        // the isolation (the latest), whose evidence names the others.
        var affected: [String: Set<String>] = [:]
        var alsoCut: [String: [String]] = [:]
        var partOf: [String: String] = [:]
        for site in cutOff where rootSites.contains(site) { affected["site:\(site)", default: []].insert(site) }
        let islandSites = cutOff.subtracting(rootSites)
        var placed: Set<String> = []
        for seed in islandSites.sorted() where !placed.contains(seed) {
            var island: [String] = [seed]
            placed.insert(seed)
            var k = 0
            while k < island.count {
                for n in topology.neighbors[island[k]] ?? [] where !downLinks.contains(n.link) && islandSites.contains(n.site) && !placed.contains(n.site) {
                    placed.insert(n.site)
                    island.append(n.site)
                }
                k += 1
            }
            var edge: [(key: String, farReaches: Bool, since: EpochSeconds)] = []
            for site in island {
                for n in topology.neighbors[site] ?? [] {
                    if downLinks.contains(n.link) {
                        edge.append(("link:\(n.link)", reachable.contains(n.site) || rootSites.contains(n.site), s.links[n.link]?.since ?? 0))
                    } else if rootSites.contains(n.site) {
                        edge.append(("site:\(n.site)", true, s.sites[n.site]?.since ?? 0))
                    }
                }
            }
            var keys: [String: EpochSeconds] = [:]
            for e in edge where e.farReaches { keys[e.key] = e.since }
            if keys.isEmpty { for e in edge { keys[e.key] = e.since } }
            guard let primary = keys.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { continue }
            affected[primary, default: []].formUnion(island)
            let others = keys.keys.filter { $0 != primary }.sorted()
            if !others.isEmpty { alsoCut[primary, default: []] += others }
            for o in others { partOf[o] = primary }
        }

        var out: [RootCause] = []
        for l in reportedDown.sorted() {
            guard let link = linksByID[l], let st = s.links[l] else { continue }
            if let answering = contradicted[l] {
                let evidence = ["\(link.id) (\(link.kind.rawValue)\(link.name.map { ", \($0)" } ?? "")): \(st.detail.isEmpty ? "port down" : st.detail)",
                                "contradicted: \(answering.joined(separator: ", ")) behind it still answer ICMP since it was reported down; no site cut off (check the port)"]
                out.append(RootCause(element: .link(l), cause: link.kind.isFiber ? .foCut : .uplinkDown, affectedSites: [], startedAt: st.since,
                                     evidence: evidence))
                continue
            }
            let fo = link.kind.isFiber
            var evidence = ["\(link.id) (\(link.kind.rawValue)\(link.name.map { ", \($0)" } ?? "")): \(st.detail.isEmpty ? "port down" : st.detail)"]
            let cut = affected["link:\(l)"].map { $0.sorted() } ?? []
            if let others = alsoCut["link:\(l)"] {
                let names = others.map { $0.split(separator: ":", maxSplits: 1).last.map(String.init) ?? $0 }
                evidence.append("together with \(names.joined(separator: ", ")) (already down): no path left to \(cut.joined(separator: ", "))")
            } else if let primary = partOf["link:\(l)"] {
                let name = primary.split(separator: ":", maxSplits: 1).last.map(String.init) ?? primary
                evidence.append("together with \(name): the sites left without a path are on the ticket of \(name)")
            } else if cut.isEmpty {
                evidence.append("\(link.to) still has another path: redundancy lost, no site cut off")
            }
            out.append(RootCause(element: .link(l), cause: fo ? .foCut : .uplinkDown, affectedSites: cut, startedAt: st.since,
                                 evidence: evidence))
        }
        for site in rootSites.sorted() {
            guard let st = s.sites[site], let info = inventory.site(site) else { continue }
            let (cause, evidence) = siteCause(site, info, st, s)
            out.append(RootCause(element: .site(site), cause: cause, affectedSites: affected["site:\(site)"].map { $0.sorted() } ?? [site],
                                 startedAt: st.since, evidence: evidence))
        }
        // Degradations of elements that are not down (and not cut off).
        for (id, d) in s.degraded.sorted(by: { $0.key < $1.key }) {
            if downLinks.contains(id) || downSites.contains(id) || cutOff.contains(id) { continue }
            let element: RootCause.Element = linksByID[id] != nil ? .link(id) : .site(id)
            out.append(RootCause(element: element, cause: .degraded, affectedSites: [], startedAt: d.since, evidence: ["\(id): \(d.reason)"]))
        }
        return out
    }
}
