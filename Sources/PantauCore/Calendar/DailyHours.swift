/// Working hours of one day, `HH:MM-HH:MM` in local time; the end may be `24:00`. Hours that end
/// before they start cross midnight (`22:00-06:00`, a night shift or a 24-hour unit): the shift
/// belongs to the day it **starts** on, whose workweek, holidays and special periods decide it,
/// and it ends on the next morning.
public struct DailyHours: Hashable, Sendable, CustomStringConvertible {
    /// Seconds after the start day's local midnight.
    public let startSecond: Int
    /// Seconds after the start day's local midnight: above 86 400 when the hours cross midnight.
    public let endSecond: Int

    public init(startSecond: Int, endSecond: Int) {
        self.startSecond = startSecond
        self.endSecond = endSecond
    }

    /// Why a string is not valid working hours.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case endNotAfterStart(String)
        public var description: String {
            switch self {
            case .malformed(let s): "'\(s)' is not working hours of the form HH:MM-HH:MM"
            case .endNotAfterStart(let s): "hours '\(s)' end when they start (for a whole day write 00:00-24:00)"
            }
        }
    }

    /// Parses `08:00-16:00`, or `22:00-06:00` (crossing midnight: ends the next day).
    public static func parse(_ text: String) -> Result<DailyHours, ParseError> {
        let halves = text.split(separator: "-", omittingEmptySubsequences: false)
        guard halves.count == 2,
              let s = parseClock(halves[0].trimmingSpaces(), allow24: false),
              let e = parseClock(halves[1].trimmingSpaces(), allow24: true) else {
            return .failure(.malformed(text))
        }
        guard e != s else { return .failure(.endNotAfterStart(text)) }
        return .success(DailyHours(startSecond: s, endSecond: e > s ? e : e + 86_400))
    }

    /// `HH:MM` as seconds after midnight, or nil.
    public static func timeOfDay(_ s: String) -> Int? { parseClock(Substring(s).trimmingSpaces(), allow24: false) }

    static func parseClock(_ s: Substring, allow24: Bool) -> Int? {
        let p = s.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 2, p[1].count == 2,
              let h = Int(p[0]), let m = Int(p[1]), (0...59).contains(m) else { return nil }
        if h == 24 && m == 0 && allow24 { return 86_400 }
        guard (0...23).contains(h) else { return nil }
        return h * 3600 + m * 60
    }

    public var seconds: Int { endSecond - startSecond }

    /// The hours end on the next day.
    public var crossesMidnight: Bool { endSecond > 86_400 }

    public var description: String { "\(Self.clock(startSecond))-\(Self.clock(crossesMidnight ? endSecond - 86_400 : endSecond))" }

    static func clock(_ s: Int) -> String {
        let h = s / 3600, m = (s % 3600) / 60
        return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    public func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
