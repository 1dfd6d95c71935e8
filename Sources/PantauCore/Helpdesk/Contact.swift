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
        let a = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        address = kind == .whatsapp ? Self.phone(a) : a
    }

    /// A phone number as WhatsApp gateways take it: digits with a leading "+", written forms
    /// people use folded in ("0812-3456-7890", "62 812 3456 7890", "+62 (812) 3456.7890" →
    /// "+6281234567890"); a number starting with a single 0 is Indonesian (+62).
    public static func phone(_ text: String) -> String {
        let kept = text.filter { !" -.()".contains($0) }
        if kept.hasPrefix("+") { return kept }
        if kept.hasPrefix("00") { return "+" + kept.dropFirst(2) }
        if kept.hasPrefix("0") { return "+62" + kept.dropFirst() }
        return "+" + kept
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
            let digits = phone(a).dropFirst()
            if digits.count < 8 || digits.count > 15 || !digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                return "'\(a)' is not a phone number (+6281234567890 or 081234567890)"
            }
            if digits.hasPrefix("62"), !(digits.dropFirst(2).hasPrefix("8") && (10...13).contains(digits.count)) {
                return "'\(a)' is not an Indonesian mobile number (+62 8xx, 10 to 13 digits)"
            }
        }
        return nil
    }

    public var description: String { "\(kind.rawValue):\(address)" }
}
