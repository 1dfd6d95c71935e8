/// Finds the root causes in a snapshot over the uplink topology. A site is cut off only when
/// every uplink path is down; a down site behind a failed link or site is a consequence, not a
/// root (its outage time is still recorded for it, only the alarm is folded in).
public struct RootCauseAnalyzer: Sendable {
    public let inventory: Inventory
    let topology: Topology
    let linksByID: [String: Link]

    public init(inventory: Inventory) {
        self.inventory = inventory
        topology = Topology(inventory)
        linksByID = Dictionary(inventory.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `at` and `settleSeconds`: a down site whose uplink port came back less than
    /// `settleSeconds` ago is still catching up (ICMP needs a few rounds to confirm it up, and
    /// an agent's interface cache can lag the port): it is not a root of its own until the
    /// settle time has passed.
    public func analyze(_ s: NetworkSnapshot, at: EpochSeconds? = nil, settleSeconds: Int64 = 180) -> [RootCause] {
        let downLinks = Set(s.links.filter { $0.value.state == .down }.map(\.key))
        let downSites = Set(s.sites.filter { $0.value.state == .down }.map(\.key))
        // A down site is a root when it would still have a path with itself healthy.
        var rootSites: Set<String> = []
        var settling: Set<String> = []
        for site in downSites {
            let r = topology.reachable(inventory: inventory, failedSites: downSites.subtracting([site]), failedLinks: downLinks)
            guard r.contains(site) else { continue }
            if let at, s.sites[site] != nil, let info = inventory.site(site),
               info.uplinks.contains(where: { l in s.links[l].map { $0.state == .up && at - $0.since < settleSeconds } ?? false }) {
                settling.insert(site)
                continue
            }
            rootSites.insert(site)
        }
        let reachable = topology.reachable(inventory: inventory, failedSites: rootSites.union(settling), failedLinks: downLinks)
        let cutOff = Set(inventory.sites.map(\.id)).subtracting(reachable).subtracting(settling)

        // Attribute every cut-off site to the failed elements on its uplink paths.
        var memo: [String: Set<String>] = [:]
        func roots(of site: String, depth: Int = 0) -> Set<String> {
            if let m = memo[site] { return m }
            guard depth < 64, let st = inventory.site(site) else { return [] }
            var out: Set<String> = []
            for l in st.uplinks {
                guard let link = linksByID[l] else { continue }
                if downLinks.contains(l) { out.insert("link:\(l)"); continue }
                let parent = link.from == site ? link.to : link.from
                if rootSites.contains(parent) { out.insert("site:\(parent)") }
                else if cutOff.contains(parent) { out.formUnion(roots(of: parent, depth: depth + 1)) }
            }
            memo[site] = out
            return out
        }
        var affected: [String: Set<String>] = [:]
        for site in cutOff {
            if rootSites.contains(site) { affected["site:\(site)", default: []].insert(site); continue }
            for r in roots(of: site) { affected[r, default: []].insert(site) }
        }

        var out: [RootCause] = []
        for l in downLinks.sorted() {
            guard let link = linksByID[l], let st = s.links[l] else { continue }
            let fo = link.kind.isFiber
            var evidence = ["\(link.id) (\(link.kind.rawValue)\(link.name.map { ", \($0)" } ?? "")): \(st.detail.isEmpty ? "port down" : st.detail)"]
            let cut = affected["link:\(l)"].map { $0.sorted() } ?? []
            if cut.isEmpty { evidence.append("\(link.to) still has another path: redundancy lost, no site cut off") }
            out.append(RootCause(element: .link(l), cause: fo ? .foCut : .uplinkDown, affectedSites: cut, startedAt: st.since,
                                 evidence: evidence))
        }
        for site in rootSites.sorted() {
            guard let st = s.sites[site], let info = inventory.site(site) else { continue }
            // The port toward the site still up while the site is silent: its own device or power.
            let upPorts = info.uplinks.filter { s.links[$0]?.state == .up }
            var evidence = ["\(site) (\(info.name)): \(st.detail.isEmpty ? "no ICMP reply" : st.detail)"]
            let cause: SuspectedCause
            if !upPorts.isEmpty {
                cause = .opdDeviceOrPower
                evidence += upPorts.map { "\($0): port up (\(s.links[$0]!.detail))" }
            } else {
                cause = .siteDown
                evidence.append("no SNMP port data on \(info.uplinks.isEmpty ? "its uplinks" : info.uplinks.joined(separator: ", ")) to tell a cut from a power failure")
            }
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
