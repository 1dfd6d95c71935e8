import Foundation

/// Dates, times and numbers the way a letter in Bahasa Indonesia (or English) writes them:
/// "30 November 2026 pukul 08.08 WIB", "12,5%".
public enum LocalText {
    public enum Language: String, Sendable, Hashable, CaseIterable { case id, en }

    public static let monthsID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                           "November", "Desember"]
    public static let monthsEN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                           "November", "December"]

    /// WIB, WITA or WIT for Indonesian zones; the zone's own abbreviation elsewhere.
    public static func zoneName(_ tz: TimeZone, at t: EpochSeconds) -> String {
        switch tz.identifier {
        case "Asia/Jakarta", "Asia/Pontianak": return "WIB"
        case "Asia/Makassar": return "WITA"
        case "Asia/Jayapura": return "WIT"
        default: return tz.abbreviation(for: Date(timeIntervalSince1970: TimeInterval(t))) ?? tz.identifier
        }
    }

    static func parts(_ t: EpochSeconds, _ tz: TimeZone) -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        return cal.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(t)))
    }

    /// "30 November 2026".
    public static func date(_ t: EpochSeconds, in tz: TimeZone, _ lang: Language = .id) -> String {
        let c = parts(t, tz)
        return "\(c.day!) \((lang == .id ? monthsID : monthsEN)[c.month! - 1]) \(c.year!)"
    }

    /// "30 November 2026 pukul 08.08 WIB" / "30 November 2026 at 08:08 WIB".
    public static func dateTime(_ t: EpochSeconds, in tz: TimeZone, _ lang: Language = .id) -> String {
        let c = parts(t, tz)
        let hh = c.hour! < 10 ? "0\(c.hour!)" : "\(c.hour!)", mm = c.minute! < 10 ? "0\(c.minute!)" : "\(c.minute!)"
        return date(t, in: tz, lang) + (lang == .id ? " pukul \(hh).\(mm) " : " at \(hh):\(mm) ") + zoneName(tz, at: t)
    }

    static let monthsShortID = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    static let monthsShortEN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "7 Des 2026 08.08 WIB" / "7 Dec 2026 08:08 WIB": how a screen shows an instant.
    public static func short(_ t: EpochSeconds, in tz: TimeZone, _ lang: Language = .id) -> String {
        let c = parts(t, tz)
        let hh = c.hour! < 10 ? "0\(c.hour!)" : "\(c.hour!)", mm = c.minute! < 10 ? "0\(c.minute!)" : "\(c.minute!)"
        let month = (lang == .id ? monthsShortID : monthsShortEN)[c.month! - 1]
        return "\(c.day!) \(month) \(c.year!) \(hh)\(lang == .id ? "." : ":")\(mm) \(zoneName(tz, at: t))"
    }

    /// As short as a table cell allows: "08.50" today, "1 Des 08.50" this year, else "1 Des 2025 08.50"
    /// (English with a colon); the zone is the page's, said once in its full form.
    public static func compact(_ t: EpochSeconds, now: EpochSeconds, in tz: TimeZone, _ lang: Language = .id) -> String {
        let c = parts(t, tz), n = parts(now, tz)
        let hh = c.hour! < 10 ? "0\(c.hour!)" : "\(c.hour!)", mm = c.minute! < 10 ? "0\(c.minute!)" : "\(c.minute!)"
        let clock = hh + (lang == .id ? "." : ":") + mm
        if (c.year, c.month, c.day) == (n.year, n.month, n.day) { return clock }
        let day = "\(c.day!) \((lang == .id ? monthsShortID : monthsShortEN)[c.month! - 1])"
        return c.year == n.year ? "\(day) \(clock)" : "\(day) \(c.year!) \(clock)"
    }

    /// "12 menit lalu" / "12 min ago", "3 jam lalu", "2 hari lalu"; "baru saja" under a minute;
    /// "dalam 5 menit" / "in 5 min" for an instant ahead.
    public static func relative(_ t: EpochSeconds, now: EpochSeconds, _ lang: Language = .id) -> String {
        let d = now - t, a = abs(d)
        if a < 60 { return lang == .id ? "baru saja" : "just now" }
        let (n, unit): (Int64, String) = a < 3600 ? (a / 60, lang == .id ? "menit" : "min")
            : a < 86_400 ? (a / 3600, lang == .id ? "jam" : (a < 7200 ? "hour" : "hours"))
            : (a / 86_400, lang == .id ? "hari" : (a < 172_800 ? "day" : "days"))
        if d >= 0 { return lang == .id ? "\(n) \(unit) lalu" : "\(n) \(unit) ago" }
        return lang == .id ? "dalam \(n) \(unit)" : "in \(n) \(unit)"
    }

    /// "2 jam 05 menit" / "2 h 05 min" (seconds dropped).
    public static func duration(_ s: Int64, _ lang: Language = .id) -> String {
        let h = s / 3600, m = s % 3600 / 60
        let mm = m < 10 ? "0\(m)" : "\(m)"
        if lang == .id { return h > 0 ? "\(h) jam \(mm) menit" : "\(m) menit" }
        return h > 0 ? "\(h) h \(mm) min" : "\(m) min"
    }

    /// A decimal with a comma in Indonesian: "12,5".
    public static func number(_ text: String, _ lang: Language = .id) -> String {
        lang == .id ? text.replacingOccurrences(of: ".", with: ",") : text
    }
}
