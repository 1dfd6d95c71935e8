import XCTest
import PantauCore

/// The ledger behind `status`'s "read/all": every target counts, whatever answered.
final class ReadLedgerTests: XCTestCase {
    func testNeverPolledFailingAndStaleAreUnreadFreshIsNot() {
        var l = ReadLedger(since: 1000)
        for id in ["fresh", "never", "failing", "stale", "recovered"] { l.add(id, window: 100) }
        l.record("fresh", at: 1150, failure: nil)
        l.record("failing", at: 1050, failure: nil)
        l.record("failing", at: 1150, failure: "timeout")
        l.record("stale", at: 1080, failure: nil)
        l.record("recovered", at: 1100, failure: "timeout")
        l.record("recovered", at: 1160, failure: nil)
        // Within the first window nothing is unread yet (the poller has had no chance).
        XCTAssertEqual(l.unread(now: 1090).map(\.id), [])
        let u = l.unread(now: 1190)
        XCTAssertEqual(u.map(\.id), ["never", "failing", "stale"], "never read first, then the oldest good read")
        XCTAssertEqual(u.first { $0.id == "never" }?.why, "never polled")
        XCTAssertEqual(u.first { $0.id == "failing" }?.why, "timeout")
        XCTAssertEqual(u.first { $0.id == "failing" }?.lastRead, 1050)
        XCTAssertEqual(u.first { $0.id == "stale" }?.why, "not polled since its last read")
        var c = CycleReport(startedAt: 1190, durationMs: 1, done: 1, answered: 1, late: 0)
        c.account(l, now: 1190)
        XCTAssertEqual(c.total, 5)
        XCTAssertEqual(c.unreadCount, 3)
    }

    func testTheCountIsWholeWhenOnlyTheFirstAreNamed() {
        var l = ReadLedger(since: 0)
        for i in 0..<100 { l.add("d\(i)", window: 10) }
        var c = CycleReport(startedAt: 100, durationMs: 1, done: 0, answered: 0, late: 0)
        c.account(l, now: 100)
        XCTAssertEqual(c.unreadCount, 100)
        XCTAssertEqual(c.unread?.count, CycleReport.unreadNamed)
    }
}
