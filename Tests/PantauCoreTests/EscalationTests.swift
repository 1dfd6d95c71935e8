import Foundation
import XCTest
import PantauCore

/// Escalation thresholds are working time: a ticket opened late on Friday waits over the
/// weekend and a holiday without moving up, checked against a minute-by-minute reference.
final class EscalationTests: XCTestCase {
    let wib = TimeZone(identifier: "Asia/Jakarta")!

    func calendar() -> WorkingCalendar {
        var s = CalendarSpec()
        s.holidays[LocalDate(iso: "2026-12-07")!] = "Libur uji (Senin)"
        s.holidays[LocalDate(iso: "2026-12-24")!] = "Cuti bersama Natal"
        s.holidays[LocalDate(iso: "2026-12-25")!] = "Natal"
        return WorkingCalendar(spec: s, timeZone: wib)
    }

    let policy = EscalationPolicy(
        levels: [.init(level: 1, name: "Petugas piket"), .init(level: 2, name: "Pranata Komputer", channels: ["teknisi"]),
                 .init(level: 3, name: "Kabid", channels: ["kabid"])],
        rules: [.init(priority: .p1, level: 2, unacknowledgedSeconds: 1800, unresolvedSeconds: 4 * 3600),
                .init(priority: .p1, level: 3, unacknowledgedSeconds: 2 * 3600, unresolvedSeconds: 8 * 3600),
                .init(priority: .p3, level: 2, unresolvedSeconds: 8 * 3600)])

    func t(_ iso: String) -> EpochSeconds { ISO8601.parse(iso)! }

    func testAFridayEveningTicketWaitsOverTheWeekendAndTheHoliday() {
        let cal = calendar()
        let opened = t("2026-12-04T15:30:00+07:00")   // Friday, 30 min before closing
        func due(_ now: String, reached: Int, ack: EpochSeconds? = nil) -> EscalationPolicy.Step? {
            policy.due(priority: .p1, openedAt: opened, acknowledgedAt: ack, resolvedAt: nil, reachedLevel: reached, now: t(now),
                       workingSeconds: cal.workingSeconds(from:to:))
        }
        XCTAssertNil(due("2026-12-04T15:59:59+07:00", reached: 1))
        XCTAssertEqual(due("2026-12-04T16:00:00+07:00", reached: 1)?.level, 2)
        XCTAssertEqual(due("2026-12-04T16:00:00+07:00", reached: 1)?.ground, .unacknowledged)
        // Saturday, Sunday and the Monday holiday add no working time: still 30 minutes waited.
        XCTAssertNil(due("2026-12-07T12:00:00+07:00", reached: 2))
        // Tuesday 08:00 + the remaining 1 h 30 m.
        XCTAssertNil(due("2026-12-08T09:29:59+07:00", reached: 2))
        XCTAssertEqual(due("2026-12-08T09:30:00+07:00", reached: 2)?.level, 3)
        // Both thresholds passed (nobody looked all weekend): level 2 first, then 3; each once.
        XCTAssertEqual(due("2026-12-08T10:00:00+07:00", reached: 1)?.level, 2)
        XCTAssertEqual(due("2026-12-08T10:00:00+07:00", reached: 2)?.level, 3)
        XCTAssertNil(due("2026-12-08T10:00:00+07:00", reached: 3))
        // Acknowledged on Friday: the unacknowledged ground stops; unresolved (4 h) still applies.
        let ack = t("2026-12-04T15:45:00+07:00")
        XCTAssertNil(due("2026-12-08T10:00:00+07:00", reached: 1, ack: ack))
        XCTAssertNil(due("2026-12-08T11:29:59+07:00", reached: 1, ack: ack))
        XCTAssertEqual(due("2026-12-08T11:30:00+07:00", reached: 1, ack: ack)?.ground, .unresolved)
        // Resolved: nothing moves.
        XCTAssertNil(policy.due(priority: .p1, openedAt: opened, acknowledgedAt: nil, resolvedAt: t("2026-12-04T15:50:00+07:00"), reachedLevel: 1,
                                now: t("2026-12-09T10:00:00+07:00"), workingSeconds: cal.workingSeconds(from:to:)))
    }

    /// Property: for random opening times over December (weekends, a holiday, cuti bersama),
    /// the first minute a level is due equals a minute-by-minute reference count of working time.
    func testFirstDueMinuteMatchesAReferenceCount() {
        let cal = calendar()
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = wib
        let holidays: Set<String> = ["2026-12-07", "2026-12-24", "2026-12-25"]
        // Independent of WorkingCalendar: weekday and hour from Foundation, holidays by string.
        func working(_ minuteStart: EpochSeconds) -> Bool {
            let d = Date(timeIntervalSince1970: Double(minuteStart))
            let c = gregorian.dateComponents([.weekday, .hour, .year, .month, .day], from: d)
            let iso = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            return (2...6).contains(c.weekday!) && !holidays.contains(iso) && (8..<16).contains(c.hour!)
        }
        var rng = SystemRandomNumberGenerator()
        let base = t("2026-12-01T00:00:00+07:00")
        for _ in 0..<40 {
            let opened = base + EpochSeconds.random(in: 0..<(20 * 86400), using: &rng) / 60 * 60
            let threshold = Int64([15, 30, 60, 120, 240, 480, 600].randomElement(using: &rng)!) * 60
            let rule = EscalationPolicy(levels: [], rules: [.init(priority: .p2, level: 2, unacknowledgedSeconds: threshold)])
            // Reference: walk minutes until the working minutes reach the threshold.
            var m = opened, worked: Int64 = 0
            while worked < threshold { if working(m) { worked += 60 }; m += 60 }
            let expected = m   // the end of the minute that completed the threshold
            let before = rule.due(priority: .p2, openedAt: opened, acknowledgedAt: nil, resolvedAt: nil, reachedLevel: 1, now: expected - 1,
                                  workingSeconds: cal.workingSeconds(from:to:))
            let at = rule.due(priority: .p2, openedAt: opened, acknowledgedAt: nil, resolvedAt: nil, reachedLevel: 1, now: expected,
                              workingSeconds: cal.workingSeconds(from:to:))
            XCTAssertNil(before, "opened \(ISO8601.format(opened, in: wib)), threshold \(threshold) s: due before \(ISO8601.format(expected, in: wib))")
            XCTAssertEqual(at?.level, 2, "opened \(ISO8601.format(opened, in: wib)), threshold \(threshold) s: not due at \(ISO8601.format(expected, in: wib))")
        }
    }

    func testContactsParseAndExplainMistakes() {
        XCTAssertEqual(Contact("whatsapp:+6281234567890")?.address, "+6281234567890")
        XCTAssertEqual(Contact("email:umum@bkd.go.id")?.kind, .email)
        XCTAssertEqual(Contact("telegram:-1001234567")?.kind, .telegram)
        XCTAssertNil(Contact("sms:+62812"))
        XCTAssertTrue(Contact.problem(in: "whatsapp:0812")!.contains("not a phone number"))
        // Issue 27: numbers as people write them, normalised; an Indonesian number must be a mobile one.
        for written in ["0812-3456-7890", "62 812 3456 7890", "+62 (812) 3456.7890", "0062 81234567890"] {
            XCTAssertEqual(Contact("whatsapp:\(written)")?.address, "+6281234567890", written)
        }
        XCTAssertTrue(Contact.problem(in: "whatsapp:021-1234567")!.contains("not an Indonesian mobile number"), "a landline gets no WhatsApp")
        XCTAssertTrue(Contact.problem(in: "whatsapp:+62812")!.contains("not"), "too short")
        XCTAssertNil(Contact.problem(in: "whatsapp:+31612345678"), "a foreign mobile in international form")
        XCTAssertTrue(Contact.problem(in: "email:umum")!.contains("not an e-mail address"))
        XCTAssertTrue(Contact.problem(in: "umum@bkd.go.id")!.contains("email:ADDRESS"))
    }
}
