import Foundation
import XCTest
import PantauCore

final class WorkingCalendarTests: XCTestCase {
    let wib = TimeZone(identifier: "Asia/Jakarta")!

    func spec() -> CalendarSpec {
        var s = CalendarSpec()
        s.hoursByDay[.fri] = DailyHours(startSecond: 8 * 3600, endSecond: 16 * 3600 + 1800)
        s.holidays[LocalDate(iso: "2026-03-19")!] = "Hari Suci Nyepi"
        s.specialPeriods = [SpecialPeriod(name: "Ramadan 1447 H", from: LocalDate(iso: "2026-02-18")!, to: LocalDate(iso: "2026-03-19")!,
                                          hours: DailyHours(startSecond: 8 * 3600, endSecond: 15 * 3600),
                                          hoursByDay: [.fri: DailyHours(startSecond: 8 * 3600, endSecond: 15 * 3600 + 1800)])]
        return s
    }

    func testDayRulesAndPrecedence() {
        let cal = WorkingCalendar(spec: spec(), timeZone: wib)
        XCTAssertEqual(cal.day(LocalDate(iso: "2026-03-14")!), .weekend)  // Saturday
        XCTAssertEqual(cal.day(LocalDate(iso: "2026-03-19")!), .holiday("Hari Suci Nyepi"))
        guard case .working(let ramadanFri, _) = cal.day(LocalDate(iso: "2026-03-13")!) else { return XCTFail() }
        XCTAssertEqual(ramadanFri.description, "08:00-15:30")
        guard case .working(let ramadanMon, _) = cal.day(LocalDate(iso: "2026-03-16")!) else { return XCTFail() }
        XCTAssertEqual(ramadanMon.description, "08:00-15:00")
        guard case .working(let fri, _) = cal.day(LocalDate(iso: "2026-04-10")!) else { return XCTFail() }
        XCTAssertEqual(fri.description, "08:00-16:30")
        guard case .working(let mon, _) = cal.day(LocalDate(iso: "2026-04-13")!) else { return XCTFail() }
        XCTAssertEqual(mon.description, "08:00-16:00")
    }

    func testWindowIsLocalTime() {
        let cal = WorkingCalendar(spec: spec(), timeZone: wib)
        let w = cal.windows(on: LocalDate(iso: "2026-04-13")!)!
        XCTAssertEqual(w.start, ISO8601.parse("2026-04-13T01:00:00Z"))  // 08:00 WIB
        XCTAssertEqual(w.duration, 8 * 3600)
        let wit = WorkingCalendar(spec: spec(), timeZone: TimeZone(identifier: "Asia/Jayapura")!)
        XCTAssertEqual(wit.windows(on: LocalDate(iso: "2026-04-13")!)!.start, ISO8601.parse("2026-04-12T23:00:00Z"))
    }

    func testMonthTotalsByHand() {
        // April 2026 in WIB: 22 weekdays; 3 Apr (Good Friday) is a holiday here; Fridays 8.5 h.
        var s = spec()
        s.holidays[LocalDate(iso: "2026-04-03")!] = "Wafat Yesus Kristus"
        let cal = WorkingCalendar(spec: s, timeZone: wib)
        let fridays = 3  // 10, 17, 24 (3 Apr is a holiday)
        let others = 22 - 4
        XCTAssertEqual(cal.scheduled(in: YearMonth("2026-04")!).total, Int64(fridays * 30_600 + others * 28_800))
    }

    func testHoursParsing() {
        XCTAssertEqual(try DailyHours.parse("08:00-16:00").get().seconds, 8 * 3600)
        XCTAssertEqual(try DailyHours.parse("00:00-24:00").get().seconds, 86_400)
        // Crossing midnight: ends the next day.
        let night = try? DailyHours.parse("22:00-06:00").get()
        XCTAssertEqual(night?.seconds, 8 * 3600)
        XCTAssertEqual(night?.crossesMidnight, true)
        XCTAssertEqual(night?.description, "22:00-06:00")
        XCTAssertEqual(DailyHours.parse("08:00-08:00"), .failure(.endNotAfterStart("08:00-08:00")))
        XCTAssertEqual(DailyHours.parse("8-16"), .failure(.malformed("8-16")))
        XCTAssertEqual(DailyHours.parse("08:60-16:00"), .failure(.malformed("08:60-16:00")))
    }
}

final class TimeTests: XCTestCase {
    func testISO8601() {
        XCTAssertEqual(ISO8601.parse("2026-03-10T09:00:00+07:00"), ISO8601.parse("2026-03-10T02:00:00Z"))
        XCTAssertEqual(ISO8601.parse("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(ISO8601.parse("2026-03-10T09:00+0800"), ISO8601.parse("2026-03-10T01:00:00Z"))
        XCTAssertNil(ISO8601.parse("2026-03-10T09:00:00"))  // no offset: ambiguous, refused
        XCTAssertNil(ISO8601.parse("2026-02-30T09:00:00Z"))
        XCTAssertNil(ISO8601.parse("2026-03-10T24:00:00Z"))
        let t = ISO8601.parse("2026-03-10T09:00:05+07:00")!
        XCTAssertEqual(ISO8601.format(t, in: TimeZone(identifier: "Asia/Makassar")!), "2026-03-10T10:00:05+08:00")
    }

    func testLocalDateArithmetic() {
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            let d = LocalDate(daysSinceEpoch: days)
            XCTAssertEqual(d.daysSinceEpoch, days)
            XCTAssertEqual(LocalDate(year: d.year, month: d.month, day: d.day), d)
        }
        XCTAssertEqual(LocalDate(iso: "2026-11-22")!.weekday, .sun)
        XCTAssertEqual(LocalDate(iso: "2024-02-29")!.adding(days: 1).description, "2024-03-01")
        XCTAssertNil(LocalDate(iso: "2025-02-29"))
    }

    func testIntervalSetAlgebra() {
        let a = IntervalSet([TimeRange(0, 10), TimeRange(5, 20), TimeRange(30, 40)])
        XCTAssertEqual(a.ranges, [TimeRange(0, 20), TimeRange(30, 40)])
        let b = IntervalSet([TimeRange(15, 35)])
        XCTAssertEqual(a.intersection(b).ranges, [TimeRange(15, 20), TimeRange(30, 35)])
        XCTAssertEqual(a.subtracting(b).ranges, [TimeRange(0, 15), TimeRange(35, 40)])
        XCTAssertEqual(a.union(b).ranges, [TimeRange(0, 40)])
        XCTAssertEqual(IntervalSet([TimeRange(0, 5), TimeRange(5, 9)]).ranges, [TimeRange(0, 9)])
        XCTAssertTrue(a.contains(0) && !a.contains(20) && a.contains(39))
        // Random cross-check against a boolean array.
        var seed: UInt64 = 42
        func r(_ n: Int64) -> Int64 { seed = seed &* 6364136223846793005 &+ 1; return Int64((seed >> 33) % UInt64(n)) }
        for _ in 0..<300 {
            func set() -> IntervalSet { IntervalSet((0..<r(6)).map { _ in let s = r(100); return TimeRange(s, s + r(30)) }) }
            let x = set(), y = set()
            for t in Int64(0)..<130 {
                XCTAssertEqual(x.intersection(y).contains(t), x.contains(t) && y.contains(t))
                XCTAssertEqual(x.subtracting(y).contains(t), x.contains(t) && !y.contains(t))
                XCTAssertEqual(x.union(y).contains(t), x.contains(t) || y.contains(t))
            }
        }
    }

    func testRatioFormattingIsExact() {
        XCTAssertEqual(Ratio(1, 3)!.percentString(), "33.3333")
        XCTAssertEqual(Ratio(2, 3)!.percentString(), "66.6667")
        XCTAssertEqual(Ratio(9, 10)!.percentString(), "90.0000")
        XCTAssertEqual(Ratio(1, 1)!.percentString(), "100.0000")
        XCTAssertEqual(Ratio(1, 16)!.percentString(), "6.2500")
        XCTAssertNil(Ratio(0, 0))
        XCTAssertTrue(Ratio(9, 10)!.percentAtLeast(90))
        XCTAssertFalse(Ratio(899_999, 1_000_000)!.percentAtLeast(90))
    }
}

/// Site addresses: IPv4, IPv6 (RFC 4291 text, RFC 5952 output) and host names (RFC 1123).
final class SiteAddressTests: XCTestCase {
    func testIPv6LiteralsParseAndPrintCanonically() {
        for (text, canonical) in [("::1", "::1"), ("::", "::"), ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
                                  ("[fe80::1:2]", "fe80::1:2"), ("::ffff:10.0.0.1", "::ffff:a00:1"),
                                  ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7")] {
            let b = IPAddressText.parse(text)
            XCTAssertEqual(b?.count, 16, text)
            XCTAssertEqual(b.map(IPAddressText.format), canonical, text)
        }
        for bad in ["1::2::3", "12345::", "gggg::1", "1:2:3:4:5:6:7:8:9", "1:2:3", ":::"] {
            XCTAssertNil(IPAddressText.parse(bad), bad)
        }
        XCTAssertEqual(IPAddressText.parse("10.1.20.1"), [10, 1, 20, 1])
    }

    func testHostNamesAndWhatIsNeither() {
        XCTAssertEqual(SiteAddress("opd-bkd.intra.pesisirtimur.go.id"), .hostName("opd-bkd.intra.pesisirtimur.go.id"))
        XCTAssertEqual(SiteAddress("BKD.Example"), .hostName("bkd.example"))
        XCTAssertEqual(SiteAddress("localhost"), .hostName("localhost"))
        XCTAssertEqual(SiteAddress("2001:db8::20"), .literal(IPAddressText.parse("2001:db8::20")!))
        for bad in ["10.0.0.300", "-bkd.example", "bkd_1.example", "bkd..example", "", "a b", String(repeating: "a", count: 64) + ".x"] {
            XCTAssertNil(SiteAddress(bad), bad)
        }
    }
}
