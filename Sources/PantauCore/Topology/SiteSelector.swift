/// Which sites one probe engine watches (`pantau run --engine ID --sites SELECTOR`): a
/// comma-separated union of terms over the inventory.
///
/// - `all`: every site;
/// - `role:core`, `role:distribution`, `role:opd`: by role;
/// - `behind:ID`: the site `ID` and every site cut off when it fails (a POP and its OPDs; an
///   island behind an undersea cable);
/// - `ID` or `site:ID`: one site.
///
/// Two engines may select the same site (watched from both sides).
public struct SiteSelector: Sendable, Hashable, CustomStringConvertible {
    public enum Term: Sendable, Hashable {
        case all
        case role(SiteRole)
        case behind(String)
        case site(String)
    }

    public var terms: [Term]
    public let text: String

    /// Parses `text`, naming the first term it does not understand or a site the inventory lacks.
    public init(_ text: String, inventory: Inventory) throws(SelectorError) {
        self.text = text
        var terms: [Term] = []
        for raw in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !raw.isEmpty {
            let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
            let term: Term
            switch (parts.count == 2 ? parts[0] : "site", parts.last!) {
            case ("site", "all") where parts.count == 1: term = .all
            case ("role", let r):
                guard let role = SiteRole(rawValue: r) else {
                    throw SelectorError(message: "'\(raw)': roles are \(SiteRole.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                term = .role(role)
            case ("behind", let id), ("site", let id):
                guard inventory.site(id) != nil else { throw SelectorError(message: "'\(raw)': no site '\(id)' in the inventory") }
                term = parts[0] == "behind" ? .behind(id) : .site(id)
            default:
                throw SelectorError(message: "'\(raw)' is not all, role:ROLE, behind:SITE or a site id")
            }
            terms.append(term)
        }
        guard !terms.isEmpty else { throw SelectorError(message: "an empty selector selects nothing") }
        self.terms = terms
    }

    /// The selected site ids.
    public func sites(in inventory: Inventory) -> Set<String> {
        let topology = Topology(inventory)
        var out = Set<String>()
        for t in terms {
            switch t {
            case .all: out.formUnion(inventory.sites.map(\.id))
            case .role(let r): out.formUnion(inventory.sites.filter { $0.role == r }.map(\.id))
            case .behind(let id): out.insert(id); out.formUnion(topology.cutOffBy([id]))
            case .site(let id): out.insert(id)
            }
        }
        return out
    }

    public var description: String { text }
}

public struct SelectorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "--sites \(message)" }
}

extension Inventory {
    /// The inventory as one engine probes it: every site, link and calendar kept (the topology
    /// stays whole), but only `sites` are pinged and only devices at them are polled.
    public func probing(_ sites: Set<String>) -> Inventory {
        var inv = self
        inv.sites = self.sites.map { s in
            var s = s
            if !sites.contains(s.id) { s.address = nil }
            return s
        }
        inv.devices = devices.filter { sites.contains($0.site) }
        return inv
    }
}
