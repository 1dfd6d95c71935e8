/// The links a bandwidth test's traffic crosses: the tested link (or the site's uplinks) and
/// every uplink above it to the core, all of a redundant site's uplinks included (the traffic
/// may take either). Two tests whose paths share a link would measure each other.
public enum BandwidthPath {
    public static func links(of target: String, in inventory: Inventory) -> Set<String> {
        var out: Set<String> = [], seen: Set<String> = []
        func up(_ siteID: String) {
            guard seen.insert(siteID).inserted, let site = inventory.site(siteID) else { return }
            for u in site.uplinks {
                out.insert(u)
                guard let link = inventory.link(u) else { continue }
                up(link.from == siteID ? link.to : link.from)
            }
        }
        if let link = inventory.link(target) {
            out.insert(link.id)
            // The end nearer the core carries the traffic on: the one that is not the site this link is an uplink of.
            let upper = inventory.site(link.to)?.uplinks.contains(link.id) == true ? link.from : link.to
            up(upper)
        } else {
            up(target)
        }
        return out
    }
}
