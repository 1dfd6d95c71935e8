/// The uplink graph of an inventory: who is behind whom.
///
/// Edges go from a site to the `from` site of each of its uplinks (its parents).
public struct Topology: Sendable {
    public let parents: [String: [String]]
    public let children: [String: [String]]
    public let coreSites: [String]

    public init(_ inventory: Inventory) {
        var parents: [String: [String]] = [:]
        var children: [String: [String]] = [:]
        let links = Dictionary(inventory.links.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for site in inventory.sites {
            var ps: [String] = []
            for l in site.uplinks {
                guard let link = links[l] else { continue }
                let parent = link.from == site.id ? link.to : link.from
                if !ps.contains(parent) { ps.append(parent) }
                children[parent, default: []].append(site.id)
            }
            parents[site.id] = ps
        }
        self.parents = parents
        self.children = children
        self.coreSites = inventory.sites.filter { $0.role == .core }.map(\.id)
        // Traffic flows from the far end of an uplink to the site that names it. A ring segment
        // is named by both of its ends, so it carries traffic either way: rings and meshes are
        // paths like any other, while an OPD never transits traffic for the POP above it.
        var adjacency: [String: [Neighbor]] = [:]
        var neighbors: [String: [Neighbor]] = [:]
        for site in inventory.sites {
            for l in site.uplinks {
                guard let link = links[l], link.from != link.to else { continue }
                let far = link.from == site.id ? link.to : link.from
                adjacency[far, default: []].append(Neighbor(site: site.id, link: l))
                if !(neighbors[site.id] ?? []).contains(Neighbor(site: far, link: l)) {
                    neighbors[site.id, default: []].append(Neighbor(site: far, link: l))
                    neighbors[far, default: []].append(Neighbor(site: site.id, link: l))
                }
            }
        }
        self.adjacency = adjacency
        self.neighbors = neighbors
    }

    /// A site across an uplink.
    public struct Neighbor: Sendable, Hashable {
        public var site: String
        public var link: String
    }

    /// The uplink graph as traffic flows: for each site, the sites it feeds and over which link.
    public let adjacency: [String: [Neighbor]]
    /// The same links without direction: each site's neighbours (for grouping sites cut off together).
    public let neighbors: [String: [Neighbor]]

    /// The parents of a site (the far ends of its uplinks).
    public func parents(of site: String) -> [String] { parents[site] ?? [] }

    /// One uplink cycle if there is any, as the list of sites around it.
    public func firstCycle() -> [String]? {
        var color: [String: Int] = [:]  // 0 white, 1 grey, 2 black
        var stack: [String] = []
        func visit(_ s: String) -> [String]? {
            color[s] = 1
            stack.append(s)
            for p in parents(of: s) {
                if color[p] == 1, let i = stack.firstIndex(of: p) { return Array(stack[i...]) + [p] }
                if color[p, default: 0] == 0, let c = visit(p) { return c }
            }
            stack.removeLast()
            color[s] = 2
            return nil
        }
        for s in parents.keys.sorted() where color[s, default: 0] == 0 {
            if let c = visit(s) { return c }
        }
        return nil
    }

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
