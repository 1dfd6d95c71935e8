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
