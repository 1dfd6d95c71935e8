import PantauCore
import PantauReports

/// The overview's topology tree as markup, written directly rather than through the template
/// engine: the tree holds every site (thousands in a province), and the generic engine spends
/// ~50 ms on 1,000 nodes where this takes ~1 ms (docs/performance.md, `scripts/bench-web.sh`).
/// The markup is the one the template had; every text is escaped.
struct TreeMarkup {
    let sites: [String: StatusReport.SiteLine]
    let links: [String: StatusReport.LinkLine]
    let linkNames: [String: String]
    let words: [String: String]
    /// The since cell's text and its tooltip, from the ISO timestamp of the status report.
    let since: (String?) -> (text: String, title: String)

    func render(_ nodes: [TopologyTree.Node]) -> String {
        var out = ""
        out.reserveCapacity(nodes.count * 256)
        for n in nodes { node(n, into: &out) }
        return out
    }

    /// The sites of an OPD user: the same items, without nesting.
    func render(flat: [Site]) -> String { render(flat.map { TopologyTree.Node(site: $0, children: []) }) }

    func node(_ n: TopologyTree.Node, into out: inout String) {
        let s = sites[n.site.id]
        let state = s?.state.rawValue ?? "unknown"
        let id = Self.escape(n.site.id)
        out += "<li data-target=\"\(id)\" class=\"s-\(state)\"><a href=\"/sites/\(id)\">\(Self.escape(n.site.name))</a> "
        out += "<span class=\"state\">\(Self.escape(words["state.\(state)"] ?? state))</span> "
        let when = since(s?.since)
        out += "<span class=\"since\" title=\"\(Self.escape(when.title))\">\(Self.escape(when.text))</span>"
        if let rtt = s?.rttMs { out += " <span class=\"muted\">\(String(format: "%.1f", rtt)) ms</span>" }
        for l in n.site.uplinks {
            guard let line = links[l] else { continue }
            let ls = line.state.rawValue
            out += " <a class=\"link s-\(ls)\" href=\"/links/\(Self.escape(l))\" data-target=\"\(Self.escape(l))\" title=\"\(Self.escape(linkNames[l] ?? l)): "
                + "\(Self.escape(words["state.\(ls)"] ?? ls))\">⇡\(Self.escape(l))</a>"
        }
        if !n.children.isEmpty {
            out += "<ul>"
            for c in n.children { node(c, into: &out) }
            out += "</ul>"
        }
        out += "</li>\n"
    }

    /// `<`, `>`, `&`, `"` and `'` as entities (as the template engine escapes).
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var r = ""
        r.reserveCapacity(s.utf8.count + 16)
        for c in s {
            switch c {
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "&": r += "&amp;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default: r.append(c)
            }
        }
        return r
    }
}
