/// How a requester is reached: the OPD's registered contact or the person who reported a
/// disruption. Written `email:kasubag@bkd.pesisirtimur.go.id`, `telegram:123456789` (a chat id)
/// or `whatsapp:+6281234567890` (sent through the WhatsApp gateway's webhook).
public struct Contact: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case email, telegram, whatsapp
    }

    public var kind: Kind
    /// The address, chat id or phone number.
    public var address: String

    public init(kind: Kind, address: String) {
        self.kind = kind
        self.address = address
    }

    /// Parses `kind:address`; nil with `problem(in:)` telling why.
    public init?(_ text: String) {
        guard Self.problem(in: text) == nil, let colon = text.firstIndex(of: ":"),
              let kind = Kind(rawValue: String(text[..<colon]).lowercased()) else { return nil }
        self.kind = kind
        address = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
    }

    /// Why `text` is not a contact, or nil.
    public static func problem(in text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let colon = t.firstIndex(of: ":"), let kind = Kind(rawValue: String(t[..<colon]).lowercased()) else {
            return "'\(text)' is not a contact: write email:ADDRESS, telegram:CHAT_ID or whatsapp:+62NUMBER"
        }
        let a = String(t[t.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        switch kind {
        case .email:
            let parts = a.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || a.contains(where: { $0 == " " || $0 == "," || $0 == "<" || $0 == ">" }) {
                return "'\(a)' is not an e-mail address"
            }
        case .telegram:
            if a.isEmpty || !(a.hasPrefix("@") || a.drop(while: { $0 == "-" }).allSatisfy(\.isNumber)) {
                return "'\(a)' is not a Telegram chat id (digits, or @channel)"
            }
        case .whatsapp:
            let digits = a.hasPrefix("+") ? a.dropFirst() : Substring(a)
            if digits.count < 8 || digits.count > 15 || !digits.allSatisfy(\.isNumber) {
                return "'\(a)' is not a phone number in international form (+6281234567890)"
            }
        }
        return nil
    }

    public var description: String { "\(kind.rawValue):\(address)" }
}
