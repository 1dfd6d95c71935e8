/// The uplink graph of an inventory: who is behind whom.
///
/// Traffic flows from the far end of an uplink to the site that names it. A ring segment is
/// named by both of its ends, so it carries traffic either way: rings and meshes are paths like
/// any other, while an OPD never transits traffic for the POP above it.
public struct Topology: Sendable {
    /// For each site, the far ends of its uplinks.
    public let parents: [String: [String]]
    public let coreSites: [String]
    /// The uplink graph as traffic flows: for each site, the sites it feeds and over which link.
    public let adjacency: [String: [Neighbor]]
    /// The same links without direction: each site's neighbours (for grouping sites cut off together).
    public let neighbors: [String: [Neighbor]]

    /// A site across an uplink.
    public struct Neighbor: Sendable, Hashable {
        public var site: String
        public var link: String
    }

    public init(_ inventory: Inventory) {
        var parents: [String: [String]] = [:]
        var adjacency: [String: [Neighbor]] = [:]
        var neighbors: [String: [Neighbor]] = [:]
        let links = Dictionary(inventory.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for site in inventory.sites {
            var ps: [String] = []
            for l in site.uplinks {
                guard let link = links[l], link.from != link.to else { continue }
                let far = link.from == site.id ? link.to : link.from
                if !ps.contains(far) { ps.append(far) }
                adjacency[far, default: []].append(Neighbor(site: site.id, link: l))
                if !(neighbors[site.id] ?? []).contains(Neighbor(site: far, link: l)) {  // a ring segment is named twice
                    neighbors[site.id, default: []].append(Neighbor(site: far, link: l))
                    neighbors[far, default: []].append(Neighbor(site: site.id, link: l))
                }
            }
            parents[site.id] = ps
        }
        self.parents = parents
        self.adjacency = adjacency
        self.neighbors = neighbors
        coreSites = inventory.sites.filter { $0.role == .core }.map(\.id)
    }

    /// The parents of a site (the far ends of its uplinks).
    public func parents(of site: String) -> [String] { parents[site] ?? [] }

    /// Sites with no uplink path to any core site.
    public func unreachableFromCore() -> [String] {
        let reached = reach(failedSites: [], failedLinks: [])
        return parents.keys.filter { !reached.contains($0) }.sorted()
    }

    /// The sites cut off when the `failed` sites are down: every non-core site left with no
    /// path to a core site. The failed sites are not included.
    public func cutOffBy(_ failed: Set<String>) -> Set<String> {
        let reached = reach(failedSites: failed, failedLinks: [])
        return Set(parents.keys).subtracting(reached).subtracting(failed)
    }

    /// Breadth-first over the undirected uplink graph from the healthy core sites.
    func reach(failedSites: Set<String>, failedLinks: Set<String>) -> Set<String> {
        var reached = Set(coreSites.filter { !failedSites.contains($0) })
        var queue = Array(reached)
        while let s = queue.popLast() {
            for n in adjacency[s] ?? [] where !reached.contains(n.site) {
                guard !failedLinks.contains(n.link), !failedSites.contains(n.site) else { continue }
                reached.insert(n.site)
                queue.append(n.site)
            }
        }
        return reached
    }
}

extension Topology {
    /// Sites that still have a working path to a core site when the given sites (devices)
    /// and links are down, over any path of uplinks (rings included). A failed site is itself
    /// unreachable.
    public func reachable(inventory: Inventory, failedSites: Set<String>, failedLinks: Set<String>) -> Set<String> {
        reach(failedSites: failedSites, failedLinks: failedLinks)
    }
}

extension Topology {
    /// The sites whose traffic crosses `link` toward the core: its far end and every site fed
    /// through it (the subtree below it), in breadth-first order.
    public func downstream(of link: Link) -> [String] {
        var out = [link.to]
        var seen: Set<String> = [link.to, link.from]
        var i = 0
        while i < out.count {
            for n in adjacency[out[i]] ?? [] where seen.insert(n.site).inserted { out.append(n.site) }
            i += 1
        }
        return out
    }
}
