import Foundation
import PantauCore
import PantauStoreKit

/// Finds edits to the calendar or maintenance windows of months already closed: the closed
/// report keeps its frozen figures, so such an edit is either a mistake or a correction that
/// needs a new revision (`pantau month reopen`). `pantau check` refuses or warns.
public struct ClosedMonthGuard: Sendable {
    /// Where the configuration was written, to point at the edited line.
    public struct Lines: Sendable {
        public var networkFile: String
        public var calendarLine: Int
        public var maintenanceLines: [Int]
        public var specialPeriodLines: [Int]
        public init(networkFile: String, calendarLine: Int, maintenanceLines: [Int], specialPeriodLines: [Int]) {
            self.networkFile = networkFile
            self.calendarLine = calendarLine
            self.maintenanceLines = maintenanceLines
            self.specialPeriodLines = specialPeriodLines
        }
    }

    public let builder: MonthlyReportBuilder
    public let lines: Lines

    public init(builder: MonthlyReportBuilder, lines: Lines) {
        self.builder = builder
        self.lines = lines
    }

    /// One diagnostic per difference, for every month in force.
    public func check(store: any ReportStore) async throws -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in try await store.latestMonthClosures() where c.isInForce {
            guard let month = YearMonth(c.month) else { continue }
            let frozen = try MonthSnapshot.figures(of: c)
            out += diff(month: month, closure: c, frozen: frozen)
        }
        return out.sorted()
    }

    func diff(month: YearMonth, closure c: MonthClosure, frozen: MonthlyFigures) -> [Diagnostic] {
        let tail = "\(month) was closed (revision \(c.revision) by \(c.closedBy), SHA-256 \(c.hash.prefix(12))) and its report keeps "
            + "the closed figures; to correct them: pantau month reopen \(month) --reason TEXT, then close it again"
        var out: [Diagnostic] = []
        let inv = builder.inventory
        let span = builder.calendar.range(of: month)
        let tz = builder.calendar.timeZone
        // Maintenance: windows added or changed point at their line; removed ones at the first window.
        let frozenWindows = Set(frozen.maintenance.map { "\($0.target)|\($0.from)|\($0.to)|\($0.reason)" })
        var current: Set<String> = []
        for (i, m) in inv.maintenance.enumerated() where m.range.overlaps(span) {
            let key = "\(m.target)|\(ISO8601.format(m.range.start, in: tz))|\(ISO8601.format(m.range.end, in: tz))|\(m.reason)"
            current.insert(key)
            if !frozenWindows.contains(key) {
                out.append(Diagnostic(file: lines.networkFile, line: i < lines.maintenanceLines.count ? lines.maintenanceLines[i] : 1,
                                      path: "maintenance[\(i)]", message: "this window overlaps \(month), which differs from the closed figures: \(tail)"))
            }
        }
        for w in frozen.maintenance where !current.contains("\(w.target)|\(w.from)|\(w.to)|\(w.reason)") {
            out.append(Diagnostic(file: lines.networkFile, line: lines.maintenanceLines.first ?? lines.calendarLine, path: "maintenance",
                                  message: "the window for \(w.target) \(w.from) - \(w.to) was removed or changed: \(tail)"))
        }
        // Calendar: holidays point at their CSV line; hours and periods at the calendar.
        let now = builder.calendarUsed(month)
        let was = frozen.calendar
        let wasHolidays = Dictionary(was.holidays.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
        let nowHolidays = Dictionary(now.holidays.map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
        for h in now.holidays where wasHolidays[h.date]?.name != h.name {
            let (file, line) = Self.split(h.source)
            out.append(Diagnostic(file: file ?? lines.networkFile, line: line ?? lines.calendarLine, path: "holiday \(h.date)",
                                  message: "'\(h.name)' \(wasHolidays[h.date] == nil ? "added" : "renamed") in a closed month: \(tail)"))
        }
        for h in was.holidays where nowHolidays[h.date] == nil {
            out.append(Diagnostic(file: lines.networkFile, line: lines.calendarLine, path: "calendar.holidays",
                                  message: "holiday \(h.date) '\(h.name)' (was \(h.source)) removed in a closed month: \(tail)"))
        }
        let changedDays = zip(was.days, now.days).filter { $0.kind != "holiday" && $1.kind != "holiday" && $0 != $1 }.map(\.1.date)
        if !changedDays.isEmpty || was.days.count != now.days.count {
            let line = lines.specialPeriodLines.first(where: { _ in !now.specialPeriods.isEmpty || !was.specialPeriods.isEmpty }) ?? lines.calendarLine
            out.append(Diagnostic(file: lines.networkFile, line: line, path: "calendar",
                                  message: "working hours changed on \(changedDays.prefix(5).joined(separator: ", "))"
                                    + (changedDays.count > 5 ? " and \(changedDays.count - 5) more days" : "") + ": \(tail)"))
        }
        if inv.timezone != frozen.timezone {
            out.append(Diagnostic(file: lines.networkFile, line: 1, path: "timezone",
                                  message: "was \(frozen.timezone) when \(month) was closed: \(tail)"))
        }
        return out
    }

    /// "holidays/2026.csv:14" → ("…/holidays/2026.csv", 14), relative to the inventory folder.
    static func split(_ source: String) -> (String?, Int?) {
        let first = source.split(separator: ",").first.map(String.init) ?? source
        guard let colon = first.lastIndex(of: ":"), let n = Int(first[first.index(after: colon)...]) else { return (nil, nil) }
        return (String(first[..<colon]).trimmingCharacters(in: .whitespaces), n)
    }
}
