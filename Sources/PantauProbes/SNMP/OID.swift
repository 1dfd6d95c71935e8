import PantauCore
/// An SNMP object identifier as numeric arcs, e.g. `1.3.6.1.2.1.1.3.0`. Pantau uses numeric
/// OIDs only (Debian ships no MIB files); names live in `SNMPObjects`.
public struct OID: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var arcs: [UInt32]

    public init(_ arcs: [UInt32]) { self.arcs = arcs }

    /// Parses dotted numeric text (a leading dot is allowed); nil on anything else.
    public init?(parsing text: some StringProtocol) {
        var t = Substring(text)
        if t.hasPrefix(".") { t = t.dropFirst() }
        var arcs: [UInt32] = []
        for part in t.split(separator: ".", omittingEmptySubsequences: false) {
            guard let v = UInt32(part) else { return nil }
            arcs.append(v)
        }
        guard arcs.count >= 2 else { return nil }
        self.arcs = arcs
    }

    public init(stringLiteral value: String) {
        guard let oid = OID(parsing: value) else { preconditionFailure("bad OID literal \(value)") }
        self = oid
    }

    public var description: String { arcs.map(String.init).joined(separator: ".") }

    /// True when `self` is `other` or one of its descendants.
    public func isPrefix(of other: OID) -> Bool {
        other.arcs.count >= arcs.count && other.arcs.starts(with: arcs)
    }

    /// The arcs after `prefix` (the table index), or nil when `prefix` is not a prefix.
    public func index(after prefix: OID) -> [UInt32]? {
        prefix.isPrefix(of: self) ? Array(arcs[prefix.arcs.count...]) : nil
    }

    public func appending(_ more: UInt32...) -> OID { OID(arcs + more) }

    public static func < (a: OID, b: OID) -> Bool { a.arcs.lexicographicallyPrecedes(b.arcs) }
}

/// A value in a variable binding, in the SNMP data types Pantau reads.
public enum SNMPValue: Sendable, Hashable {
    case integer(Int64)
    case octets([UInt8])
    case oid(OID)
    case ipAddress([UInt8])
    case counter32(UInt32)
    case gauge32(UInt32)
    case timeticks(UInt32)
    case counter64(UInt64)
    case null
    case noSuchObject, noSuchInstance, endOfMibView
    case other(type: Int)

    /// Signed view of every numeric type.
    public var int: Int64? {
        switch self {
        case .integer(let v): v
        case .counter32(let v), .gauge32(let v), .timeticks(let v): Int64(v)
        case .counter64(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        default: nil
        }
    }

    /// Unsigned view of counters and gauges (negative integers give nil).
    public var uint64: UInt64? {
        switch self {
        case .counter64(let v): v
        case .integer(let v): v >= 0 ? UInt64(v) : nil
        case .counter32(let v), .gauge32(let v), .timeticks(let v): UInt64(v)
        default: nil
        }
    }

    /// Text of an octet string (UTF-8, invalid bytes replaced; trailing NULs dropped).
    public var text: String? {
        guard case .octets(let b) = self else { return nil }
        var bytes = b[...]
        while bytes.last == 0 { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True for the v2 exception values (no such object/instance, end of MIB view).
    public var isException: Bool {
        switch self {
        case .noSuchObject, .noSuchInstance, .endOfMibView: true
        default: false
        }
    }
}

/// One variable binding of a response.
public struct VarBind: Sendable, Hashable {
    public var oid: OID
    public var value: SNMPValue
    public init(_ oid: OID, _ value: SNMPValue) {
        self.oid = oid
        self.value = value
    }
}
