/// Dotted-quad IPv4 literals.
public enum IPv4Literal {
    public static func isValid(_ s: String) -> Bool { parse(s) != nil }

    /// The address as four octets, or nil.
    public static func parse(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let v = UInt8(p) else { return nil }
            if p.count > 1 && p.first == "0" { return nil }
            out.append(v)
        }
        return out
    }
}
