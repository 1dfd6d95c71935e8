import Foundation
import XCTest
@testable import PantauCore

/// Randomized scenarios: Pantau's availability must equal the naive reference to the second.
final class AvailabilityPropertyTests: XCTestCase {
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

    static let zones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Asia/Pontianak", "Europe/Berlin",
                        "America/New_York", "Australia/Adelaide", "Pacific/Chatham", "UTC"]
    static let weekdays: [(Weekday, Int)] = [(.sun, 1), (.mon, 2), (.tue, 3), (.wed, 4), (.thu, 5), (.fri, 6), (.sat, 7)]

    func randomHours(_ rng: inout SplitMix) -> (Int, Int) {
        let a = Int.random(in: 0...20, using: &rng) * 3600 + [0, 30 * 60, 15 * 60, 17][Int.random(in: 0...3, using: &rng)] * (Bool.random(using: &rng) ? 1 : 0)
        // One in four crosses midnight (a night shift: ends the next morning).
        let b = Int.random(in: 0..<4, using: &rng) == 0 ? max(86_460, a + Int.random(in: 1...(14 * 3600), using: &rng) / 60 * 60 + 60)
            : min(86_400, a + Int.random(in: 1...(10 * 3600), using: &rng) / 60 * 60 + 60)
        return (a, b)
    }

    func testMatchesReferenceOnRandomScenarios() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["PANTAU_PROPERTY_SEED"] ?? "") ?? 20_261_122
        let count = Int(ProcessInfo.processInfo.environment["PANTAU_PROPERTY_CASES"] ?? "") ?? 40
        var rng = SplitMix(state: seed)
        for caseNo in 0..<count {
            try runOne(&rng, caseNo: caseNo, seed: seed)
        }
    }

    func runOne(_ rng: inout SplitMix, caseNo: Int, seed: UInt64) throws {
        let zone = TimeZone(identifier: Self.zones.randomElement(using: &rng)!)!
        let year = Int.random(in: 2024...2027, using: &rng), month = Int.random(in: 1...12, using: &rng)
        // Calendar spec, both as Pantau's model and as the reference's plain values.
        var spec = CalendarSpec()
        var ref = ReferenceScenario(timeZone: zone, year: year, month: month, workweek: [], hours: (0, 0), hoursByWeekday: [:],
                                    holidays: [], special: nil)
        spec.workweek = []
        for (wd, n) in Self.weekdays where Int.random(in: 0..<10, using: &rng) < 7 {
            spec.workweek.insert(wd)
            ref.workweek.insert(n)
        }
        let h = randomHours(&rng)
        spec.hours = DailyHours(startSecond: h.0, endSecond: h.1)
        ref.hours = h
        for (wd, n) in Self.weekdays where Int.random(in: 0..<5, using: &rng) == 0 {
            let x = randomHours(&rng)
            spec.hoursByDay[wd] = DailyHours(startSecond: x.0, endSecond: x.1)
            ref.hoursByWeekday[n] = x
        }
        let days = LocalDate.daysIn(year: year, month: month)
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let d = LocalDate(year: year, month: month, day: Int.random(in: 1...days, using: &rng))!
            spec.holidays[d] = "libur"
            ref.holidays.insert(d.description)
        }
        if Bool.random(using: &rng) {
            let a = Int.random(in: 1...days, using: &rng), b = min(days, a + Int.random(in: 0...12, using: &rng))
            let x = randomHours(&rng)
            var byDay: [Weekday: DailyHours] = [:], refBy: [Int: (Int, Int)] = [:]
            if Bool.random(using: &rng) {
                let y = randomHours(&rng)
                byDay[.fri] = DailyHours(startSecond: y.0, endSecond: y.1)
                refBy[6] = y
            }
            let withHours = Bool.random(using: &rng) || byDay.isEmpty
            let from = LocalDate(year: year, month: month, day: a)!, to = LocalDate(year: year, month: month, day: b)!
            spec.specialPeriods = [SpecialPeriod(name: "sp", from: from, to: to,
                                                 hours: withHours ? DailyHours(startSecond: x.0, endSecond: x.1) : nil, hoursByDay: byDay)]
            ref.special = (from.description, to.description, withHours ? x : nil, refBy)
        }
        let cal = WorkingCalendar(spec: spec, timeZone: zone)
        let ym = YearMonth(year: year, month: month)!
        let span = cal.range(of: ym)
        let (rs, re) = ref.monthSpan()
        XCTAssertEqual(span, TimeRange(rs, re), "case \(caseNo) seed \(seed): month span")
        let scheduled = cal.scheduled(in: ym)
        let mask = ref.workingMask()
        XCTAssertEqual(scheduled.total, Int64(mask.reduce(0) { $0 + Int($1) }), "case \(caseNo) seed \(seed): scheduled \(zone.identifier) \(ym)")

        // Interesting instants: working-window edges, plus arbitrary seconds around the month.
        var marks: [Int64] = scheduled.ranges.flatMap { [$0.start, $0.end] }
        for _ in 0..<40 { marks.append(Int64.random(in: (span.start - 86_400)...(span.end + 86_400), using: &rng)) }
        func randomInstant() -> Int64 {
            let m = marks.randomElement(using: &rng)!
            return m + [0, 0, 1, -1, Int64.random(in: -7200...7200, using: &rng)][Int.random(in: 0...4, using: &rng)]
        }
        func randomHistory(_ target: String) -> [StateInterval] {
            var pts = (0..<Int.random(in: 0...14, using: &rng)).map { _ in randomInstant() }
            pts.sort()
            var out: [StateInterval] = []
            for (a, b) in zip(pts, pts.dropFirst()) where b > a {
                let r = Int.random(in: 0..<10, using: &rng)
                guard r < 8 else { continue }  // leave a gap: no data
                let st: TargetState = r < 4 ? .up : r < 7 ? .down : .unknown
                out.append(StateInterval(target: target, state: st, range: TimeRange(a, b)))
            }
            return out
        }
        let history = randomHistory("s")
        let parents = (0..<Int.random(in: 0...2, using: &rng)).map { randomHistory("p\($0)") }
        var maintenance: [TimeRange] = []
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let a = randomInstant()
            maintenance.append(TimeRange(a, a + Int64.random(in: 1...30_000, using: &rng)))
        }
        var excusedWindows: [TimeRange] = []
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let a = randomInstant()
            excusedWindows.append(TimeRange(a, a + Int64.random(in: 1...200_000, using: &rng)))
        }
        let result = AvailabilityCalculator().compute(
            target: "s", span: span, scheduled: scheduled, maintenance: maintenance, history: history,
            parentsDown: parents.map(AvailabilityCalculator.downSet), targetPct: 90)
        let expected = ref.counts(mask: mask, maintenance: maintenance, history: history, parents: parents, excused: excusedWindows)
        let accountable = result.accountable(excusedWindows: excusedWindows)
        let got = ReferenceScenario.Counts(scheduled: Int(result.scheduledSeconds), maintenance: Int(result.maintenanceSeconds),
                                           up: Int(result.upSeconds), down: Int(result.downSeconds),
                                           unreachable: Int(result.unreachableSeconds), unknown: Int(result.unknownSeconds),
                                           excused: Int(accountable.excusedSeconds))
        XCTAssertEqual(got, expected, "case \(caseNo) seed \(seed): \(zone.identifier) \(ym)")
        // The categories partition the scheduled time.
        XCTAssertEqual(got.maintenance + got.up + got.down + got.unreachable + got.unknown, got.scheduled)
        // Percentages follow from the counts.
        let denom = expected.scheduled - expected.maintenance
        if denom > 0 {
            XCTAssertEqual(result.availability!.percent, Double(expected.up) * 100 / Double(denom), accuracy: 1e-9)
        } else {
            XCTAssertNil(result.availability)
        }
        // Diskominfo's accountable figure: excused outage leaves the denominator like maintenance.
        let accDenom = expected.scheduled - expected.maintenance - expected.excused
        if accDenom > 0 {
            XCTAssertEqual(accountable.availability!.percent, Double(expected.up) * 100 / Double(accDenom), accuracy: 1e-9)
        } else {
            XCTAssertNil(accountable.availability)
        }
        let accKnown = accDenom - expected.unknown
        XCTAssertEqual(accountable.knownAvailability.map { $0.numerator * 1_000_000 / $0.denominator },
                       accKnown > 0 ? Int64(expected.up) * 1_000_000 / Int64(accKnown) : nil)
        // A day's slice of the result adds up to the month.
        var daySum: Int64 = 0
        var day = ym.firstDay
        while YearMonth(day) == ym {
            let next = day.adding(days: 1)
            let w = TimeRange(cal.instant(day, secondOfDay: 0), cal.instant(next, secondOfDay: 0))
            daySum += result.clamped(to: w).upSeconds
            day = next
        }
        XCTAssertEqual(daySum, result.upSeconds, "case \(caseNo) seed \(seed): days add up")
    }
}
