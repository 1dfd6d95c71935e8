import Foundation
import PantauCore
import Yams

/// Parses the `calendar:` block and the holiday CSV files it names.
struct CalendarParser {
    let reader: YAMLReader
    let directory: String
    var file: String { reader.file }
    var sink: DiagnosticSink { reader.sink }

    static let keys: Set<String> = ["workweek", "hours", "hours_by_day", "holidays", "special_periods"]
    static let periodKeys: Set<String> = ["name", "from", "to", "hours", "hours_by_day"]

    func parse(_ node: Node, into net: inout ParsedNetwork) {
        let r = reader
        guard let m = r.mapping(node, "calendar", allowed: Self.keys) else { return }
        defer { checkOvernight(net.calendar, line: net.calendarLine) }
        for (key, _, v) in m {
            let kp = "calendar.\(key)"
            switch key {
            case "workweek":
                guard let items = r.sequence(v, kp) else { continue }
                var days: Set<Weekday> = []
                for (i, item) in items.enumerated() {
                    if let d = r.enumValue(item, "\(kp)[\(i)]", Weekday.self) { days.insert(d) }
                }
                if days.isEmpty { sink.add(file, r.line(v), kp, "at least one working day is needed") }
                net.calendar.workweek = days
            case "hours":
                if let h = hours(v, kp) { net.calendar.hours = h }
            case "hours_by_day":
                net.calendar.hoursByDay = hoursByDay(v, kp)
            case "holidays":
                for (path, line) in r.stringList(v, kp) ?? [] {
                    HolidayFile(file: path, line: line, directory: directory, sink: sink, yamlFile: file)
                        .read(into: &net.calendar.holidays, sources: &net.calendar.holidaySources)
                }
            case "special_periods":
                guard let items = r.sequence(v, kp) else { continue }
                for (i, item) in items.enumerated() {
                    if let sp = specialPeriod(item, "\(kp)[\(i)]") {
                        net.calendar.specialPeriods.append(sp)
                        net.specialPeriodLines.append(r.line(item))
                    }
                }
            default: break
            }
        }
    }

    /// Hours that cross midnight must end before the next working day's hours begin: a second
    /// belongs to one day's working time only.
    func checkOvernight(_ c: CalendarSpec, line: Int) {
        let order = Weekday.allCases
        var clashes: [String: [String]] = [:]   // key path -> "mon 16:00-09:00 runs into tue 08:00-16:00"
        for (i, day) in order.enumerated() where c.workweek.contains(day) {
            let h = c.hoursByDay[day] ?? c.hours
            let next = order[(i + 1) % order.count]
            guard h.crossesMidnight, c.workweek.contains(next) else { continue }
            let n = c.hoursByDay[next] ?? c.hours
            if n.startSecond < h.endSecond - 86_400 {
                let path = c.hoursByDay[day] != nil ? "calendar.hours_by_day.\(day.rawValue)" : "calendar.hours"
                clashes[path, default: []].append("\(day.rawValue) \(h) runs into \(next.rawValue) \(n)")
            }
        }
        for (path, list) in clashes.sorted(by: { $0.key < $1.key }) {
            sink.add(file, line, path, list.joined(separator: "; ")
                     + ": hours that cross midnight belong to the day they start and must end before the next day's hours begin")
        }
    }

    func hours(_ node: Node, _ path: String) -> DailyHours? {
        guard let s = reader.string(node, path) else { return nil }
        switch DailyHours.parse(s) {
        case .success(let h): return h
        case .failure(let e):
            sink.add(file, reader.line(node), path, e.description)
            return nil
        }
    }

    func hoursByDay(_ node: Node, _ path: String) -> [Weekday: DailyHours] {
        var out: [Weekday: DailyHours] = [:]
        guard let m = reader.mapping(node, path, allowed: Set(Weekday.allCases.map(\.rawValue))) else { return out }
        for (key, _, v) in m {
            if let d = Weekday(rawValue: key), let h = hours(v, "\(path).\(key)") { out[d] = h }
        }
        return out
    }

    func specialPeriod(_ node: Node, _ path: String) -> SpecialPeriod? {
        let r = reader
        guard let m = r.mapping(node, path, allowed: Self.periodKeys) else { return nil }
        var name: String?, from: LocalDate?, to: LocalDate?, h: DailyHours?, byDay: [Weekday: DailyHours] = [:]
        var toLine = r.line(node)
        for (key, _, v) in m {
            let kp = "\(path).\(key)"
            switch key {
            case "name": name = r.nonEmptyString(v, kp)
            case "from", "to":
                guard let s = r.string(v, kp) else { continue }
                guard let d = LocalDate(iso: s) else {
                    sink.add(file, r.line(v), kp, "'\(s)' is not a date (YYYY-MM-DD)")
                    continue
                }
                if key == "from" { from = d } else { to = d; toLine = r.line(v) }
            case "hours": h = hours(v, kp)
            case "hours_by_day": byDay = hoursByDay(v, kp)
            default: break
            }
        }
        for req in ["name", "from", "to"] where !m.contains(where: { $0.key == req }) {
            sink.add(file, r.line(node), "\(path).\(req)", "required key is missing")
        }
        if !m.contains(where: { $0.key == "hours" || $0.key == "hours_by_day" }) {
            sink.add(file, r.line(node), "\(path).hours", "a special period needs hours or hours_by_day")
        }
        guard let name, let from, let to else { return nil }
        guard to >= from else {
            sink.add(file, toLine, "\(path).to", "period ends (\(to)) before it starts (\(from))")
            return nil
        }
        return SpecialPeriod(name: name, from: from, to: to, hours: h, hoursByDay: byDay)
    }
}
