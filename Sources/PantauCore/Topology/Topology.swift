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
    }

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
        var reached = Set(coreSites)
        var queue = coreSites
        while let s = queue.popLast() {
            for c in children[s] ?? [] where !reached.contains(c) {
                reached.insert(c)
                queue.append(c)
            }
        }
        return parents.keys.filter { !reached.contains($0) }.sorted()
    }

    /// The sites cut off when the `failed` sites are down: every non-core site all of whose
    /// parents are failed or cut off themselves. The failed sites are not included.
    public func cutOffBy(_ failed: Set<String>) -> Set<String> {
        // A site is cut off when it is not core and all of its parents are failed or cut off.
        var down = failed
        var changed = true
        while changed {
            changed = false
            for (s, ps) in parents where !down.contains(s) && !ps.isEmpty && !coreSites.contains(s) {
                if ps.allSatisfy({ down.contains($0) }) {
                    down.insert(s)
                    changed = true
                }
            }
        }
        return down.subtracting(failed)
    }
}

extension Topology {
    /// Sites that still have a working path to a core site when the given sites (devices)
    /// and links are down. A failed site is itself unreachable.
    public func reachable(inventory: Inventory, failedSites: Set<String>, failedLinks: Set<String>) -> Set<String> {
        var reached = Set(coreSites.filter { !failedSites.contains($0) })
        var byParent: [String: [(child: String, link: String)]] = [:]
        for site in inventory.sites {
            for l in site.uplinks {
                guard let link = inventory.link(l) else { continue }
                byParent[link.from, default: []].append((site.id, l))
            }
        }
        var queue = Array(reached)
        while let s = queue.popLast() {
            for (child, link) in byParent[s] ?? [] where !reached.contains(child) {
                guard !failedLinks.contains(link), !failedSites.contains(child) else { continue }
                reached.insert(child)
                queue.append(child)
            }
        }
        return reached
    }
}
