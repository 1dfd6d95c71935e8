/// The working-time rules of the organization, as written in the inventory.
public struct CalendarSpec: Sendable, Hashable {
    public var workweek: Set<Weekday>
    /// Default working hours of every working day.
    public var hours: DailyHours
    /// Per-weekday exceptions (e.g. Friday until 16:30).
    public var hoursByDay: [Weekday: DailyHours]
    /// Non-working dates: national holidays, cuti bersama, regional holidays.
    public var holidays: [LocalDate: String]
    /// Date ranges with other hours (e.g. Ramadan).
    public var specialPeriods: [SpecialPeriod]
    /// Where each holiday was read ("holidays/2026.csv:14"), for reports and diagnostics.
    public var holidaySources: [LocalDate: String] = [:]

    public init(workweek: Set<Weekday> = [.mon, .tue, .wed, .thu, .fri],
                hours: DailyHours = DailyHours(startSecond: 8 * 3600, endSecond: 16 * 3600),
                hoursByDay: [Weekday: DailyHours] = [:], holidays: [LocalDate: String] = [:],
                specialPeriods: [SpecialPeriod] = []) {
        self.workweek = workweek
        self.hours = hours
        self.hoursByDay = hoursByDay
        self.holidays = holidays
        self.specialPeriods = specialPeriods
    }
}

/// A date range (inclusive) whose working hours override the defaults.
public struct SpecialPeriod: Sendable, Hashable {
    public var name: String
    public var from: LocalDate
    public var to: LocalDate
    public var hours: DailyHours?
    public var hoursByDay: [Weekday: DailyHours]

    public init(name: String, from: LocalDate, to: LocalDate, hours: DailyHours?, hoursByDay: [Weekday: DailyHours] = [:]) {
        self.name = name
        self.from = from
        self.to = to
        self.hours = hours
        self.hoursByDay = hoursByDay
    }

    public func contains(_ date: LocalDate) -> Bool { date >= from && date <= to }
}

extension CalendarSpec {
    /// A warning when `month`'s year has no holiday at all in the calendar: its working-time
    /// figures would count national holidays and cuti bersama as working days.
    public func holidayWarning(for month: YearMonth) -> String? {
        guard !holidays.keys.contains(where: { $0.year == month.year }) else { return nil }
        return "the calendar has no holidays for \(month.year): figures for \(month) would count national holidays and cuti bersama "
            + "as working days (add holidays/\(month.year).csv to calendar.holidays)"
    }
}
