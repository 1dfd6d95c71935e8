/// A secret (SNMP community, v3 passphrase, bot token, SMTP password). Its description, debug
/// description and reflection are redacted, so a secret interpolated into a log line, an error
/// or a page prints `<redacted>`; only `reveal()` — called where the secret is handed to the
/// protocol — gives the value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral {
    private let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    /// The secret itself: only for the wire (net-snmp, HTTP, SMTP), never for text people read.
    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
