import Foundation
import XCTest
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

/// Generated months (WIB/WITA/WIT, Ramadan hours, holidays, maintenance, parents, tickets closed
/// with causes on either side): the report's figures equal `pantau availability`'s query and an
/// independent sweep over the instants where anything changes.
final class MonthlyReportPropertyTests: XCTestCase {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testReportFiguresEqualAvailabilityAndAnIndependentSweep() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["PANTAU_PROPERTY_SEED"] ?? "") ?? 20_261_130
        let cases = Int(ProcessInfo.processInfo.environment["PANTAU_REPORT_CASES"] ?? "") ?? 8
        var rng = SplitMix(state: seed)
        for n in 0..<cases { try await runCase(&rng, "case \(n) seed \(seed)") }
    }

    func runCase(_ rng: inout SplitMix, _ label: String) async throws {
        let zone = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"].randomElement(using: &rng)!
        let tz = TimeZone(identifier: zone)!
        let ym = YearMonth(year: Int.random(in: 2025...2027, using: &rng), month: Int.random(in: 1...12, using: &rng))!
        var spec = CalendarSpec(hoursByDay: [.fri: DailyHours(startSecond: 8 * 3600, endSecond: 16 * 3600 + 1800)])
        let days = LocalDate.daysIn(year: ym.year, month: ym.month)
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            spec.holidays[LocalDate(year: ym.year, month: ym.month, day: Int.random(in: 1...days, using: &rng))!] = "Libur"
        }
        if Bool.random(using: &rng) {
            let a = Int.random(in: 1...days, using: &rng)
            spec.specialPeriods = [SpecialPeriod(name: "Ramadan", from: LocalDate(year: ym.year, month: ym.month, day: a)!,
                                                 to: LocalDate(year: ym.year, month: ym.month, day: min(days, a + 12))!,
                                                 hours: DailyHours(startSecond: 8 * 3600, endSecond: 15 * 3600),
                                                 hoursByDay: [.fri: DailyHours(startSecond: 8 * 3600, endSecond: 15 * 3600 + 1800)])]
        }
        if Bool.random(using: &rng) {  // a Sunday night shift (22:00-06:00: ends Monday morning, before Monday's hours)
            spec.workweek.insert(.sun)
            spec.hoursByDay[.sun] = DailyHours(startSecond: 22 * 3600, endSecond: 30 * 3600)
        }
        let cal = WorkingCalendar(spec: spec, timeZone: tz)
        let span = cal.range(of: ym)
        func instant() -> EpochSeconds { Int64.random(in: (span.start - 86_400)...(span.end + 86_400), using: &rng) }
        var maintenance: [MaintenanceWindow] = []
        for target in ["a", "c"] where Bool.random(using: &rng) {
            let s = instant()
            maintenance.append(MaintenanceWindow(target: target, range: TimeRange(s, s + Int64.random(in: 60...40_000, using: &rng)), reason: "uji"))
        }
        let inv = Inventory(organization: "Uji", timezone: zone, calendar: spec, sla: SLA(), sites: [
            Site(id: "dc", name: "DC", role: .core, address: "10.0.0.1"),
            Site(id: "pop", name: "POP", role: .distribution, address: "10.0.0.2", uplinks: ["l-pop"]),
            Site(id: "a", name: "OPD A", address: "10.0.0.3", uplinks: ["l-a"]),
            Site(id: "b", name: "OPD B", address: "10.0.0.4", uplinks: ["l-b"]),
            Site(id: "c", name: "OPD C", address: "10.0.0.5", uplinks: ["l-c1", "l-c2"]),
        ], links: [
            Link(id: "l-pop", kind: .foUnderground, from: "dc", to: "pop"), Link(id: "l-a", kind: .foAerial, from: "dc", to: "a"),
            Link(id: "l-b", kind: .foAerial, from: "pop", to: "b"), Link(id: "l-c1", kind: .foAerial, from: "dc", to: "c"),
            Link(id: "l-c2", kind: .wireless, from: "pop", to: "c"),
        ], maintenance: maintenance)

        // History: a random partition per site, with gaps (no data).
        var history: [String: [StateInterval]] = [:]
        var rows: [HistoryRow] = []
        for site in ["dc", "pop", "a", "b", "c"] {
            var pts = (0..<Int.random(in: 2...16, using: &rng)).map { _ in instant() }
            pts.sort()
            for (x, y) in zip(pts, pts.dropFirst()) where y > x {
                let r = Int.random(in: 0..<10, using: &rng)
                guard r < 8 else { continue }
                let st: TargetState = r < 5 ? .up : r < 7 ? .down : .unknown
                history[site, default: []].append(StateInterval(target: site, state: st, range: TimeRange(x, y)))
                rows.append(HistoryRow(line: rows.count + 2, target: site, state: st, range: TimeRange(x, y)))
            }
        }
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-rp-\(UUID().uuidString).sqlite").path)
        _ = try await store.importHistory(rows, file: "gen.csv", at: span.end + 10 * 86_400)

        // Tickets: outages of random sites, closed with a cause on Diskominfo's side or not.
        var excused: [String: [TimeRange]] = [:]
        let policy = AccountabilityPolicy()
        for (i, site) in ["a", "b", "c", "pop"].enumerated() where Int.random(in: 0..<3, using: &rng) > 0 {
            let s = instant(), e = s + Int64.random(in: 60...200_000, using: &rng)
            let affected = site == "pop" ? ["b", "pop"] : [site]
            let root = RootCause(element: .site(site), cause: .opdDeviceOrPower, affectedSites: affected, startedAt: s, evidence: ["uji"])
            let d = PriorityDecision(priority: .p3, impact: .medium, urgency: .medium, score: 3, reason: "uji")
            let (t, _) = try await store.openTicket(root, decision: d, at: s + 30, month: "\(ym)", reopenWithin: 0)
            _ = try await store.resolveTicket(rootKey: root.key, recoveredAt: e, at: e + 5, detail: "pulih")
            let cause = ["opd-power", "fo-cut", "pln-outage", "opd-equipment"][(i + Int.random(in: 0...3, using: &rng)) % 4]
            _ = try await store.closeTicket(t.number, beritaAcara: BeritaAcara(officers: ["Uji"], problemSummary: "-", workSummary: "-",
                                                                              alternativeSolution: "-", location: "-", cause: cause), at: e + 60)
            if policy.party(of: cause) != .diskominfo { for x in affected { excused[x, default: []].append(TimeRange(s, e)) } }
        }

        let builder = try MonthlyReportBuilder(inventory: inv, priority: PriorityPolicy(), report: ReportConfig())
        let figures = try await builder.figures(month: ym, store: store, now: span.end + 11 * 86_400)
        let availability = try await builder.query.compute(store: store, span: span, sites: ["a", "b", "c"])
        XCTAssertEqual(figures.opds.map(\.site), ["a", "b", "c"], label)
        let parents = ["a": ["dc"], "b": ["pop"], "c": ["dc", "pop"]]
        var sum = MonthlyFigures.Totals()
        for (o, r) in zip(figures.opds, availability) {
            // What `pantau availability` prints, to the second and to the 4th decimal.
            let line = AvailabilityReport.Line(r)
            XCTAssertEqual([o.totals.scheduledS, o.totals.upS, o.totals.downS, o.totals.unreachableS, o.totals.unknownS, o.totals.maintenanceS],
                           [line.scheduledS, line.upS, line.downS, line.unreachableS, line.unknownS, line.maintenanceS], "\(label) \(o.site)")
            XCTAssertEqual(o.totals.availabilityPct, line.availabilityPct, "\(label) \(o.site)")
            XCTAssertEqual(o.totals.knownAvailabilityPct, line.knownAvailabilityPct, "\(label) \(o.site)")
            XCTAssertEqual(o.meetsTarget, line.meetsTarget, "\(label) \(o.site)")
            // The independent sweep.
            let ref = Sweep(calendar: Sweep.Calendar(spec: spec, tz: tz), span: span,
                            maintenance: maintenance.filter { $0.target == o.site }.map(\.range), history: history[o.site] ?? [],
                            parents: parents[o.site]!.map { history[$0] ?? [] }, excused: excused[o.site] ?? []).counts()
            XCTAssertEqual(ref, [o.totals.scheduledS, o.totals.maintenanceS, o.totals.upS, o.totals.downS, o.totals.unreachableS,
                                 o.totals.unknownS, o.totals.excusedS], "\(label) \(o.site) [sched, maint, up, down, unreach, unknown, excused]")
            let den = ref[0] - ref[1] - ref[5] - ref[6]
            XCTAssertEqual(o.totals.accountableKnownPct, den > 0 ? Double(Ratio(ref[2], den)!.percentString()) : nil, "\(label) \(o.site)")
            // Days add up to the month.
            XCTAssertEqual(o.days.reduce(0) { $0 + $1.totals.upS }, o.totals.upS, label)
            XCTAssertEqual(o.days.reduce(0) { $0 + $1.totals.excusedS }, o.totals.excusedS, label)
            sum = sum + o.totals
        }
        XCTAssertEqual(figures.summary.network, sum, "the network is the sum of its OPDs: \(label)")
        XCTAssertEqual(figures.calendar.scheduledS, figures.opds[0].totals.scheduledS, label)
        XCTAssertEqual(figures.calendar.days.reduce(0) { $0 + $1.scheduledS }, figures.calendar.scheduledS, label)
        XCTAssertEqual(figures.summary.met + figures.summary.missed + figures.summary.noData, 3, label)
    }
}

/// A reference that shares nothing with Pantau's interval algebra or calendar: it finds the
/// working windows with Foundation's Calendar, collects every instant where anything changes,
/// and classifies each elementary segment by looking its first second up in plain lists.
struct Sweep {
    struct Calendar {
        var spec: CalendarSpec
        var tz: TimeZone
        /// Working windows of every day touching the span, by Foundation's calendar arithmetic.
        func windows(_ span: TimeRange) -> [TimeRange] {
            var g = Foundation.Calendar(identifier: .gregorian)
            g.timeZone = tz
            var out: [TimeRange] = []
            // From the day before: its night shift may run into the span.
            var day = g.date(byAdding: .day, value: -1, to: g.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(span.start))))!
            while Int64(day.timeIntervalSince1970) < span.end {
                let c = g.dateComponents([.year, .month, .day, .weekday], from: day)
                let date = LocalDate(year: c.year!, month: c.month!, day: c.day!)!
                let wd: Weekday = [.sun, .mon, .tue, .wed, .thu, .fri, .sat][c.weekday! - 1]
                if spec.workweek.contains(wd) && spec.holidays[date] == nil {
                    var h = spec.hoursByDay[wd] ?? spec.hours
                    if let p = spec.specialPeriods.first(where: { $0.contains(date) }) { h = p.hoursByDay[wd] ?? p.hours ?? h }
                    let a = g.date(bySettingHour: h.startSecond / 3600, minute: h.startSecond % 3600 / 60, second: 0, of: day)!
                    let next = g.date(byAdding: .day, value: 1, to: day)!
                    let b = h.endSecond == 86_400 ? next
                        : h.endSecond > 86_400 ? g.date(bySettingHour: (h.endSecond - 86_400) / 3600, minute: h.endSecond % 3600 / 60, second: 0, of: next)!
                        : g.date(bySettingHour: h.endSecond / 3600, minute: h.endSecond % 3600 / 60, second: 0, of: day)!
                    out.append(TimeRange(Int64(a.timeIntervalSince1970), Int64(b.timeIntervalSince1970)))
                }
                day = g.date(byAdding: .day, value: 1, to: day)!
            }
            return out
        }
    }

    var calendar: Calendar
    var span: TimeRange
    var maintenance: [TimeRange]
    var history: [StateInterval]
    var parents: [[StateInterval]]
    var excused: [TimeRange]

    /// [scheduled, maintenance, up, down, unreachable, unknown, excused] in seconds.
    func counts() -> [Int64] {
        let work = calendar.windows(span)
        var cuts = Set([span.start, span.end])
        for r in work + maintenance + excused + history.map(\.range) + parents.flatMap({ $0.map(\.range) }) { cuts.insert(r.start); cuts.insert(r.end) }
        let points = cuts.filter { $0 >= span.start && $0 <= span.end }.sorted()
        func inAny(_ t: Int64, _ rs: [TimeRange]) -> Bool { rs.contains { t >= $0.start && t < $0.end } }
        func state(_ t: Int64, _ h: [StateInterval]) -> TargetState? {
            if h.contains(where: { $0.state == .up && t >= $0.range.start && t < $0.range.end }) { return .up }
            if h.contains(where: { $0.state == .down && t >= $0.range.start && t < $0.range.end }) { return .down }
            return nil
        }
        var c = [Int64](repeating: 0, count: 7)
        for (a, b) in zip(points, points.dropFirst()) where b > a && inAny(a, work) {
            let n = b - a
            c[0] += n
            if inAny(a, maintenance) { c[1] += n; continue }
            switch state(a, history) {
            case .up?: c[2] += n
            case .down?:
                if !parents.isEmpty && parents.allSatisfy({ state(a, $0) == .down }) { c[4] += n } else { c[3] += n }
                if inAny(a, excused) { c[6] += n }
            default: c[5] += n
            }
        }
        return c
    }
}
