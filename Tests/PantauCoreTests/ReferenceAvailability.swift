import Foundation
import PantauCore

/// An independent, deliberately naive availability computation: it walks every second of
/// the month, finds its local wall-clock time with Foundation's Calendar (not Pantau's
/// day arithmetic), decides whether it is working time, and classifies it by looking the
/// second up in painted arrays. Slow and simple, so it can be trusted as a reference.
struct ReferenceScenario {
    var timeZone: TimeZone
    var year: Int
    var month: Int
    var workweek: Set<Int>            // Calendar weekday numbers, 1 = Sunday ... 7 = Saturday
    var hours: (Int, Int)             // seconds of day
    var hoursByWeekday: [Int: (Int, Int)]
    var holidays: Set<String>         // "YYYY-MM-DD"
    var special: (from: String, to: String, hours: (Int, Int)?, byWeekday: [Int: (Int, Int)])?

    struct Counts: Equatable { var scheduled = 0, maintenance = 0, up = 0, down = 0, unreachable = 0, unknown = 0, excused = 0 }

    /// Month span in epoch seconds via Foundation.
    func monthSpan() -> (Int64, Int64) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let a = cal.date(from: DateComponents(year: year, month: month, day: 1))!
        let b = cal.date(byAdding: .month, value: 1, to: a)!
        return (Int64(a.timeIntervalSince1970), Int64(b.timeIntervalSince1970))
    }

    /// 1 for each working second of the month, by walking local days with Foundation's Calendar.
    /// A second is working time when it lies in its own day's hours, or in yesterday's hours
    /// that run past midnight (a night shift belongs to the day it starts on).
    func workingMask() -> [UInt8] {
        let (s, e) = monthSpan()
        var mask = [UInt8](repeating: 0, count: Int(e - s))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        var dayCache: [Int64: (Int, Int)?] = [:]
        func windowOf(_ dayIndex: Int64) -> (Int, Int)? {
            if let w = dayCache[dayIndex] { return w }
            let c = utc.dateComponents([.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: TimeInterval(dayIndex * 86400)))
            let key = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            var w: (Int, Int)? = nil
            if workweek.contains(c.weekday!) && !holidays.contains(key) {
                w = hoursByWeekday[c.weekday!] ?? hours
                if let sp = special, key >= sp.from && key <= sp.to {
                    w = sp.byWeekday[c.weekday!] ?? sp.hours ?? w
                }
            }
            dayCache[dayIndex] = w
            return w
        }
        var t = s
        while t < e {
            let blockEnd = min(e, (t / 900 + 1) * 900)
            let off = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
            var u = t
            while u < blockEnd {
                let local = u + off
                let dayIndex = local >= 0 ? local / 86400 : (local - 86399) / 86400
                let sod = Int(local - dayIndex * 86400)
                if let w = windowOf(dayIndex), sod >= w.0, sod < w.1 { mask[Int(u - s)] = 1 }
                if let y = windowOf(dayIndex - 1), y.1 > 86_400, sod < y.1 - 86_400 { mask[Int(u - s)] = 1 }
                u += 1
            }
            t = blockEnd
        }
        return mask
    }

    static func paint(_ arr: inout [UInt8], _ ranges: [TimeRange], base: Int64, value: UInt8) {
        for r in ranges {
            let a = max(0, r.start - base), b = min(Int64(arr.count), r.end - base)
            if a < b { for i in Int(a)..<Int(b) { arr[i] = value } }
        }
    }

    /// Classifies every second by the rules in the README, one second at a time.
    /// `excused`: outage windows of tickets closed with a cause that is not Diskominfo's; a down or
    /// unreachable second inside one is counted as excused as well.
    func counts(mask: [UInt8], maintenance: [TimeRange], history: [StateInterval], parents: [[StateInterval]],
                excused: [TimeRange] = []) -> Counts {
        let (s, _) = monthSpan()
        let n = mask.count
        var maint = [UInt8](repeating: 0, count: n)
        Self.paint(&maint, maintenance, base: s, value: 1)
        var state = [UInt8](repeating: 0, count: n)  // 0 none/unknown, 1 up, 2 down
        Self.paint(&state, history.filter { $0.state == .down }.map(\.range), base: s, value: 2)
        Self.paint(&state, history.filter { $0.state == .up }.map(\.range), base: s, value: 1)
        var parentDown = [UInt8](repeating: parents.isEmpty ? 0 : 1, count: n)
        for p in parents {
            var pd = [UInt8](repeating: 0, count: n)
            Self.paint(&pd, p.filter { $0.state == .down }.map(\.range), base: s, value: 1)
            for i in 0..<n { parentDown[i] &= pd[i] }
        }
        var exc = [UInt8](repeating: 0, count: n)
        Self.paint(&exc, excused, base: s, value: 1)
        var c = Counts()
        for i in 0..<n where mask[i] == 1 {
            c.scheduled += 1
            if maint[i] == 1 { c.maintenance += 1 }
            else if state[i] == 0 { c.unknown += 1 }
            else if state[i] == 1 { c.up += 1 }
            else if parentDown[i] == 1 { c.unreachable += 1; c.excused += Int(exc[i]) }
            else { c.down += 1; c.excused += Int(exc[i]) }
        }
        return c
    }
}
