import Foundation

/// Strict ISO 8601 timestamps with an explicit offset, e.g. `2026-03-10T09:00:00+07:00`.
///
/// Inventory and history files must say which offset they mean: a bare local time is
/// ambiguous across WIB/WITA/WIT, so it is rejected rather than guessed.
public enum ISO8601 {
    /// Parses `YYYY-MM-DDTHH:MM[:SS]` followed by `Z` or `±HH:MM`; fractions of a second are not allowed.
    public static func parse(_ text: String) -> EpochSeconds? {
        let s = Array(text.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= s.count else { return nil }
            var v = 0
            for i in a..<(a + n) {
                guard s[i] >= 48 && s[i] <= 57 else { return nil }
                v = v * 10 + Int(s[i] - 48)
            }
            return v
        }
        guard s.count >= 17, let y = num(0, 4), s[4] == 45, let mo = num(5, 2), s[7] == 45, let d = num(8, 2),
              s[10] == 84 || s[10] == 116 || s[10] == 32, let h = num(11, 2), s[13] == 58, let mi = num(14, 2),
              let date = LocalDate(year: y, month: mo, day: d), h < 24, mi < 60 else { return nil }
        var i = 16
        var sec = 0
        if i < s.count && s[i] == 58 {
            guard let v = num(i + 1, 2), v < 60 else { return nil }
            sec = v
            i += 3
        }
        guard i < s.count else { return nil }
        var offset = 0
        if s[i] == 90 || s[i] == 122 {  // Z
            guard i + 1 == s.count else { return nil }
        } else if s[i] == 43 || s[i] == 45 {  // + -
            guard let oh = num(i + 1, 2), oh <= 14 else { return nil }
            var om = 0
            if i + 3 < s.count && s[i + 3] == 58 {
                guard let v = num(i + 4, 2), i + 6 == s.count, v < 60 else { return nil }
                om = v
            } else if i + 3 < s.count {
                guard let v = num(i + 3, 2), i + 5 == s.count, v < 60 else { return nil }
                om = v
            } else {
                guard i + 3 == s.count else { return nil }
            }
            offset = (oh * 3600 + om * 60) * (s[i] == 45 ? -1 : 1)
        } else {
            return nil
        }
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + sec)
        return local - Int64(offset)
    }

    /// Formats an instant in a zone, e.g. `2026-03-10T09:00:00+07:00`.
    public static func format(_ t: EpochSeconds, in zone: TimeZone) -> String {
        let off = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
        let local = t + Int64(off)
        let day = floorDiv(local, 86_400)
        let sod = Int(local - day * 86_400)
        let date = LocalDate(daysSinceEpoch: Int(day))
        let sign = off < 0 ? "-" : "+"
        let a = abs(off)
        return "\(date)T\(two(sod / 3600)):\(two(sod % 3600 / 60)):\(two(sod % 60))\(sign)\(two(a / 3600)):\(two(a % 3600 / 60))"
    }

    /// Local `HH:MM:SS` of an instant in a zone.
    public static func clock(_ t: EpochSeconds, in zone: TimeZone) -> String {
        String(format(t, in: zone).dropFirst(11).prefix(8))
    }

    @inline(__always) static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
