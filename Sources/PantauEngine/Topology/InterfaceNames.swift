/// Interface and system names as devices write them: "Gi0/1" is "GigabitEthernet0/1",
/// "Eth1/21" is "Ethernet1/21", "KOTA-SW1.diskominfo.go.id" is "kota-sw1".
public enum InterfaceNames {
    /// True when two port names denote the same port: equal ignoring case and spaces, or the
    /// same number part with one alphabetic prefix an abbreviation of the other.
    public static func same(_ x: String, _ y: String) -> Bool {
        let a = fold(x), b = fold(y)
        if a.isEmpty || b.isEmpty { return false }
        if a == b { return true }
        let (pa, ra) = split(a), (pb, rb) = split(b)
        guard !ra.isEmpty, ra == rb, !pa.isEmpty, !pb.isEmpty else { return false }
        return pa.hasPrefix(pb) || pb.hasPrefix(pa)
    }

    /// A system name folded for comparison: lower case, domain dropped (unless it is an address).
    public static func system(_ s: String) -> String {
        let f = fold(s)
        if f.allSatisfy({ $0.isNumber || $0 == "." }) { return f }
        return f.split(separator: ".").first.map(String.init) ?? f
    }

    static func fold(_ s: String) -> String { s.lowercased().filter { $0 != " " } }

    static func split(_ s: String) -> (String, String) {
        let prefix = s.prefix { $0.isLetter || $0 == "-" }
        return (String(prefix), String(s.dropFirst(prefix.count)))
    }
}
