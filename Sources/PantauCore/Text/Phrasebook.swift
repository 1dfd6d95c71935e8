import Foundation

/// The lines Pantau writes into tickets (priority reasons, evidence, ledger) are stored once, in
/// the English the engine writes them in, so that every store, export and old ticket keeps one
/// spelling. The phrasebook renders such a line for a reader: in Bahasa Indonesia by the
/// templates of `Phrasebook.entries`, in either language with timestamps and durations as people
/// write them ("8 Des 2026 08.22 WIB", "14 menit 00 detik"). What it does not recognise (a note a
/// person typed, a requester's words, an old line) is shown as it was written, never guessed.
///
/// A template's placeholders: `{id}` an identifier kept as is, `{w}` a word translated by the
/// word table (`high` → `tinggi`), `{*}` free text rendered again (it may itself be a phrase or a
/// list of them), `{=}` free text kept verbatim (names, what a person typed), `{n}` a number
/// (decimal comma in Indonesian), `{iso}` an ISO 8601 timestamp, `{dur}` a duration like
/// `2h 05m 09s`, `{hms}` a clock time like `08:35:06`, `{epoch}` epoch seconds, `{cause}` a suspected cause's code. The Indonesian side refers to them as
/// `$1`, `$2`, … in order.
public struct Phrasebook: Sendable {
    public typealias Language = LocalText.Language

    struct Entry: Sendable {
        let regex: NSRegularExpression
        let kinds: [Slot]
        let en: String
        let id: String
    }

    enum Slot: String, Sendable { case id, w, any = "*", verbatim = "=", n, iso, dur, hms, epoch, cause }

    let entries: [Entry]
    let words: [String: String]

    /// The book of every line the engine, correlator and helpdesk write.
    public static let standard = Phrasebook(pairs: Phrasebook.lines, words: Phrasebook.wordTable)

    /// A book of `lines` (English template, Indonesian with `$1`, `$2`, …) and single `words`.
    public init(lines: [(String, String)], words: [String: String] = [:]) { self.init(pairs: lines, words: words) }

    init(pairs: [(String, String)], words: [String: String]) {
        self.words = words
        self.entries = pairs.map { Self.compile($0.0, $0.1) }
    }

    static let slotPattern: [Slot: String] = [
        .id: #"(\S+?)"#, .w: #"(\S+)"#, .any: "(.+?)", .verbatim: "(.+?)", .n: #"(-?[0-9]+(?:\.[0-9]+)?)"#,
        .iso: #"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:?[0-9]{2}))"#,
        .dur: #"((?:[0-9]+h )?[0-9]+m [0-9]{2}s)"#, .hms: #"([0-9]{2}:[0-9]{2}(?::[0-9]{2})?)"#,
        .epoch: "([0-9]{9,11})", .cause: #"(\S+?)"#,
    ]

    static func compile(_ en: String, _ id: String) -> Entry {
        var pattern = "^", kinds: [Slot] = [], rest = Substring(en)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}"),
              let slot = Slot(rawValue: String(rest[rest.index(after: open)..<close])) {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open])) + slotPattern[slot]!
            kinds.append(slot)
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        // The templates are constants of this file: a bad one is a programming error.
        let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return Entry(regex: regex, kinds: kinds, en: en, id: id)
    }

    /// `text` as a reader of `lang` reads it, times in `timeZone`.
    public func render(_ text: String, _ lang: Language, timeZone: TimeZone) -> String {
        render(text, lang, timeZone, depth: 0)
    }

    func render(_ text: String, _ lang: Language, _ tz: TimeZone, depth: Int) -> String {
        if text.isEmpty || depth > 8 { return text }
        let ns = text as NSString
        for e in entries {
            guard let m = e.regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else { continue }
            let args = e.kinds.enumerated().map { i, kind in slot(kind, ns.substring(with: m.range(at: i + 1)), lang, tz, depth) }
            return fill(lang == .id ? e.id : e.en, args: args, positional: lang == .id)
        }
        if let w = words[text] { return lang == .id ? w : text }
        // A list: each item on its own ("a, b", "a; b").
        for sep in ["; ", ", "] where text.contains(sep) {
            let parts = text.components(separatedBy: sep)
            let rendered = parts.map { render($0, lang, tz, depth: depth + 1) }
            if rendered != parts { return rendered.joined(separator: sep) }
        }
        return text
    }

    func slot(_ kind: Slot, _ v: String, _ lang: Language, _ tz: TimeZone, _ depth: Int) -> String {
        switch kind {
        case .id, .verbatim: return v
        case .w: return lang == .id ? (words[v] ?? v) : v
        case .any: return render(v, lang, tz, depth: depth + 1)
        case .n: return LocalText.number(v, lang)
        case .iso: return ISO8601.parse(v).map { LocalText.short($0, in: tz, lang) } ?? v
        case .dur: return Self.duration(v, lang)
        case .hms: return lang == .id ? v.replacingOccurrences(of: ":", with: ".") : v
        case .epoch: return EpochSeconds(v).map { LocalText.short($0, in: tz, lang) } ?? v
        case .cause: return SuspectedCause(rawValue: v).map { lang == .id ? $0.textID : $0.textEN } ?? v
        }
    }

    /// "2h 05m 09s" → "2 jam 05 menit 09 detik" / "2 h 05 min 09 s".
    static func duration(_ v: String, _ lang: Language) -> String {
        let units = lang == .id ? ["h": "jam", "m": "menit", "s": "detik"] : ["h": "h", "m": "min", "s": "s"]
        return v.split(separator: " ").map { part in
            guard let u = part.last, let name = units[String(u)] else { return String(part) }
            return "\(part.dropLast()) \(name)"
        }.joined(separator: " ")
    }

    func fill(_ template: String, args: [String], positional: Bool) -> String {
        if positional {
            var out = template
            for (i, a) in args.enumerated().reversed() { out = out.replacingOccurrences(of: "$\(i + 1)", with: a) }
            return out
        }
        var out = "", rest = Substring(template), i = 0
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}"),
              Slot(rawValue: String(rest[rest.index(after: open)..<close])) != nil, i < args.count {
            out += rest[..<open] + args[i]
            i += 1
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
