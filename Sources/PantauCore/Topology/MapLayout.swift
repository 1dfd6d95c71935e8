import Foundation

/// Where each site sits on the NOC map: a radial tree around the data centre (the topology
/// tree's DC → POP → OPD), each subtree given an arc in proportion to the sites it holds, so a
/// POP and the OPDs behind it stay together and a cut reads as one coloured sector. Dense outer
/// rings are staggered onto sub-rings. A site an admin pinned (`map:` in the inventory) keeps its
/// place. Coordinates are on a 0-1000 canvas; the layout is computed once per inventory.
public struct MapLayout: Sendable {
    /// Each site's place on the canvas.
    public let positions: [String: MapPosition]
    /// Each site's parent in the drawn tree (the first site that reaches it from the core).
    public let parent: [String: String]
    /// Sites with children (the data centre, POPs): labelled on every map.
    public let hubs: Set<String>
    /// Every site of the drawn tree, parents before their children (breadth-first).
    public let order: [String]

    public static let size = 1000.0

    public init(inventory: Inventory, tree: TopologyTree? = nil) {
        let tree = tree ?? TopologyTree(inventory: inventory)
        var positions: [String: MapPosition] = [:], parent: [String: String] = [:], hubs: Set<String> = []
        func leaves(_ n: TopologyTree.Node) -> Int { n.children.isEmpty ? 1 : n.children.reduce(0) { $0 + leaves($1) } }
        func depth(_ n: TopologyTree.Node) -> Int { 1 + (n.children.map(depth).max() ?? 0) }
        let centre = Self.size / 2
        // Several roots (a second data centre, sites the core cannot reach): one ring of roots.
        let roots = tree.roots
        let total = max(1, roots.reduce(0) { $0 + leaves($1) })
        let maxDepth = max(1, roots.map(depth).max() ?? 1)
        let single = roots.count == 1
        // Rings: the root at the centre (or on a small ring of roots), then one ring per level.
        let outer = centre - 40
        let step = outer / Double(single ? max(1, maxDepth - 1) : maxDepth)
        func place(_ n: TopologyTree.Node, level: Int, from: Double, to: Double, ringOffset: Double) {
            let angle = (from + to) / 2
            var radius = single ? Double(level) * step : Double(level + 1) * step
            // Leaves of a crowded ring alternate between sub-rings so neighbours do not overlap.
            if n.children.isEmpty, level > 0 {
                let arcPerLeaf = 2 * Double.pi * radius / Double(total)
                if arcPerLeaf < 14 { radius -= ringOffset * min(step * 0.45, 12) }
            }
            positions[n.site.id] = MapPosition(x: centre + radius * Self.cos(angle), y: centre + radius * Self.sin(angle))
            if !n.children.isEmpty { hubs.insert(n.site.id) }
            var start = from
            let span = to - from, count = Double(max(1, leaves(n)))
            for (i, c) in n.children.enumerated() {
                parent[c.site.id] = n.site.id
                let share = span * Double(leaves(c)) / count
                place(c, level: level + 1, from: start, to: start + share, ringOffset: Double(i % 3))
                start += share
            }
        }
        var start = -Double.pi / 2
        for r in roots {
            let share = 2 * Double.pi * Double(leaves(r)) / Double(total)
            place(r, level: 0, from: start, to: start + share, ringOffset: 0)
            start += share
        }
        for s in inventory.sites { if let pin = s.map { positions[s.id] = pin } }
        self.positions = positions
        self.parent = parent
        self.hubs = hubs
        var order: [String] = [], queue = roots, head = 0
        while head < queue.count {
            order.append(queue[head].site.id)
            queue += queue[head].children
            head += 1
        }
        self.order = order
    }

    static func cos(_ a: Double) -> Double { Foundation.cos(a) }
    static func sin(_ a: Double) -> Double { Foundation.sin(a) }
}
