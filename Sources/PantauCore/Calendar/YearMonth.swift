/// A calendar month such as `2026-03`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let p = text.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public init(_ date: LocalDate) {
        year = date.year
        month = date.month
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var next: YearMonth { month == 12 ? YearMonth(year: year + 1, month: 1)! : YearMonth(year: year, month: month + 1)! }
    public var days: [LocalDate] {
        (1...LocalDate.daysIn(year: year, month: month)).map { LocalDate(year: year, month: month, day: $0)! }
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }
}
