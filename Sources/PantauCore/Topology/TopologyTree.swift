/// The topology drawn as a tree for people (DC → POP → OPD): each site under the first site that
/// reaches it on a shortest path from the core (breadth-first over the uplink graph), so a ring
/// or a redundant uplink never repeats a site or loops. Sites the core cannot reach come last, as
/// roots of their own. The redundancy itself stays visible through each site's `uplinks`.
public struct TopologyTree: Sendable {
    public struct Node: Sendable {
        public var site: Site
        public var children: [Node]

        public init(site: Site, children: [Node] = []) {
            self.site = site
            self.children = children
        }
    }

    public let roots: [Node]

    public init(inventory: Inventory) {
        let topology = Topology(inventory)
        let byID = Dictionary(inventory.sites.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let order = Dictionary(inventory.sites.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var parent: [String: String] = [:]
        var seen = Set(topology.coreSites)
        var queue = topology.coreSites
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            let next = (topology.adjacency[s] ?? []).map(\.site).sorted { (order[$0] ?? 0) < (order[$1] ?? 0) }
            for n in next where seen.insert(n).inserted {
                parent[n] = s
                queue.append(n)
            }
        }
        var children: [String: [String]] = [:]
        for site in inventory.sites { if let p = parent[site.id] { children[p, default: []].append(site.id) } }
        func build(_ id: String) -> Node {
            Node(site: byID[id]!, children: (children[id] ?? []).map(build))
        }
        let unreached = inventory.sites.filter { !seen.contains($0.id) }.map(\.id)
        roots = (topology.coreSites + unreached).map(build)
    }
}
