/// How a site's `address` is written: an IPv4 literal (`10.1.20.1`), an IPv6 literal
/// (`2001:db8::20`), or a host name (`opd-bkd.intra.example.go.id`) resolved by the engine.
public enum SiteAddress: Sendable, Hashable {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    case literal([UInt8])
    case hostName(String)

    /// Parses the inventory's text; nil when it is none of the three.
    public init?(_ text: String) {
        if let b = IPAddressText.parse(text) { self = .literal(b); return }
        guard IPAddressText.isHostName(text) else { return nil }
        self = .hostName(text.lowercased())
    }
}

/// IPv4 and IPv6 literals as bytes and back (RFC 4291 text, RFC 5952 canonical output).
public enum IPAddressText {
    /// 4 or 16 bytes, or nil. IPv6 may be written in brackets (`[::1]`).
    public static func parse(_ s: String) -> [UInt8]? {
        if let v4 = IPv4Literal.parse(s) { return v4 }
        var t = Substring(s)
        if t.first == "[" && t.last == "]" { t = t.dropFirst().dropLast() }
        return parseIPv6(t)
    }

    static func parseIPv6(_ s: Substring) -> [UInt8]? {
        guard s.contains(":"), s.count <= 45, s.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, f) in fields.enumerated() {
                if i == fields.count - 1, f.contains("."), let v4 = IPv4Literal.parse(String(f)) {  // ::ffff:10.0.0.1
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(f.count), let v = UInt16(f, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    /// Dotted IPv4, or IPv6 in RFC 5952 form (lowercase, the longest run of zero groups as `::`).
    public static func format(_ b: [UInt8]) -> String {
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        guard b.count == 16 else { return b.map(String.init).joined(separator: ".") }
        let g = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
        var best = (start: -1, len: 0), i = 0
        while i < 8 {
            guard g[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && g[j] == 0 { j += 1 }
            if j - i > best.len && j - i >= 2 { best = (i, j - i) }
            i = j
        }
        let hex = g.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.len)...].joined(separator: ":")
    }

    /// A DNS host name (RFC 1123): dot-separated labels of letters, digits and hyphens, 1-63
    /// characters each, not starting or ending with a hyphen, 253 characters at most, and not
    /// all digits (that would be a mistyped IPv4 address).
    public static func isHostName(_ s: String) -> Bool {
        let name = s.hasSuffix(".") ? String(s.dropLast()) : s
        guard !name.isEmpty, name.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for l in labels {
            guard (1...63).contains(l.count), l.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                  l.first != "-", l.last != "-" else { return false }
        }
        return !labels.last!.allSatisfy(\.isNumber)
    }
}
