import Foundation

/// Turns a `CalendarSpec` and a time zone into the scheduled (working) seconds of any span.
///
/// A day is a working day when its weekday is in the workweek and it is not a holiday.
/// Its hours are, in order of precedence: the special period's `hours_by_day`, the special
/// period's `hours`, the spec's `hours_by_day`, the spec's `hours`.
public struct WorkingCalendar: Sendable {
    public let spec: CalendarSpec
    public let timeZone: TimeZone

    public init(spec: CalendarSpec, timeZone: TimeZone) {
        self.spec = spec
        self.timeZone = timeZone
    }

    /// What the calendar says about one local date, with the reason.
    public enum Day: Hashable, Sendable {
        case working(DailyHours, rule: String)
        case weekend
        case holiday(String)
    }

    public func day(_ date: LocalDate) -> Day {
        let wd = date.weekday
        guard spec.workweek.contains(wd) else { return .weekend }
        if let name = spec.holidays[date] { return .holiday(name) }
        if let period = spec.specialPeriods.first(where: { $0.contains(date) }) {
            if let h = period.hoursByDay[wd] { return .working(h, rule: "\(period.name) (\(wd.rawValue))") }
            if let h = period.hours { return .working(h, rule: period.name) }
        }
        if let h = spec.hoursByDay[wd] { return .working(h, rule: "hours_by_day.\(wd.rawValue)") }
        return .working(spec.hours, rule: "hours")
    }

    /// The epoch second of a local wall-clock time on a date in this calendar's zone.
    public func instant(_ date: LocalDate, secondOfDay: Int) -> EpochSeconds {
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(secondOfDay)
        let off1 = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        let guess = local - Int64(off1)
        let off2 = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess)))
        return local - Int64(off2)
    }

    /// The local date an instant falls on.
    public func localDate(of t: EpochSeconds) -> LocalDate {
        let off = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))))
        let local = t + off
        return LocalDate(daysSinceEpoch: Int(floorDiv(local, 86_400)))
    }

    /// The span of a local month, `[first day 00:00, next month's first day 00:00)`.
    public func range(of month: YearMonth) -> TimeRange {
        TimeRange(instant(month.firstDay, secondOfDay: 0), instant(month.next.firstDay, secondOfDay: 0))
    }

    /// The working windows of one date (empty or one range).
    public func windows(on date: LocalDate) -> TimeRange? {
        guard case .working(let h, _) = day(date) else { return nil }
        return TimeRange(instant(date, secondOfDay: h.startSecond), instant(date, secondOfDay: h.endSecond))
    }

    /// All scheduled seconds that fall inside `span`: exactly the seconds whose local
    /// wall-clock time lies inside their local day's working hours. The span is cut into
    /// pieces of constant UTC offset, so days with a clock change (outside Indonesia) are
    /// counted second by second too: a repeated hour counts twice, a skipped one not at all.
    public func scheduled(in span: TimeRange) -> IntervalSet {
        guard !span.isEmpty else { return IntervalSet() }
        var out: [TimeRange] = []
        for (segment, offset) in offsetSegments(span) {
            // A day's hours may run past midnight into the next day: start one day earlier.
            let firstDay = Int(floorDiv(segment.start + offset, 86_400)) - 1
            let lastDay = Int(floorDiv(segment.end - 1 + offset, 86_400))
            for dayIndex in firstDay...lastDay {
                let date = LocalDate(daysSinceEpoch: dayIndex)
                guard case .working(let h, _) = day(date) else { continue }
                let base = Int64(dayIndex) * 86_400 - offset
                let w = TimeRange(base + Int64(h.startSecond), base + Int64(h.endSecond)).clamped(to: segment)
                if !w.isEmpty { out.append(w) }
            }
        }
        return IntervalSet(out)
    }

    /// Pieces of `span` over which the zone's UTC offset does not change.
    func offsetSegments(_ span: TimeRange) -> [(TimeRange, Int64)] {
        var out: [(TimeRange, Int64)] = []
        var t = span.start
        while t < span.end {
            let date = Date(timeIntervalSince1970: TimeInterval(t))
            let offset = Int64(timeZone.secondsFromGMT(for: date))
            var end = span.end
            if let next = timeZone.nextDaylightSavingTimeTransition(after: date) {
                end = min(end, max(t + 1, Int64(next.timeIntervalSince1970.rounded(.up))))
            }
            out.append((TimeRange(t, end), offset))
            t = end
        }
        return out
    }

    /// The scheduled seconds of a local month.
    public func scheduled(in month: YearMonth) -> IntervalSet { scheduled(in: range(of: month)) }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
