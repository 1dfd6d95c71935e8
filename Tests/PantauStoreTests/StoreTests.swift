import Foundation
import XCTest
import PantauCore
import PantauStore

final class StoreTests: XCTestCase {
    func tempDB() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).sqlite").path
    }

    func testOpenIntervalEndsAtHeartbeatAndCrashIsRecovered() throws {
        let path = tempDB()
        let store = try Store(path: path)
        // A session that "crashed": a different, dead pid on this host.
        let (s1, _) = try store.beginEngineSession(at: 1000, detail: EngineDetail(pid: 999_999))
        try store.recordRound(s1, at: 1010, changes: [StateChange(target: "bkd", state: .up, since: 1000)], samples: [])
        try store.recordRound(s1, at: 1040, changes: [], samples: [])
        // While the engine is "running", readers see up to the last heartbeat only.
        XCTAssertEqual(try store.history(overlapping: TimeRange(0, 5000))["bkd"],
                       [StateInterval(target: "bkd", state: .up, range: TimeRange(1000, 1040))])
        // Next start closes the crashed session at its heartbeat; the gap stays unknown.
        let (s2, report) = try Store(path: path).beginEngineSession(at: 2000, detail: EngineDetail())
        XCTAssertEqual(report.sessions, [s1.id])
        try store.recordRound(s2, at: 2030, changes: [StateChange(target: "bkd", state: .down, since: 2000)], samples: [])
        try store.endEngineSession(s2, at: 2100)
        XCTAssertEqual(try store.history(overlapping: TimeRange(0, 5000))["bkd"], [
            StateInterval(target: "bkd", state: .up, range: TimeRange(1000, 1040)),
            StateInterval(target: "bkd", state: .down, range: TimeRange(2000, 2100)),
        ])
        XCTAssertEqual(try store.currentStatus()["bkd"]?.state, .unknown)
    }

    func testSecondLiveEngineIsRefused() throws {
        let store = try Store(path: tempDB())
        _ = try store.beginEngineSession(at: 10, detail: EngineDetail(pid: getppid()))  // alive, not us
        XCTAssertThrowsError(try store.beginEngineSession(at: 20, detail: EngineDetail())) { e in
            XCTAssertTrue("\(e)".contains("another engine"), "\(e)")
        }
    }

    func testRetroactiveChangeAndRollups() throws {
        let store = try Store(path: tempDB())
        let (s, _) = try store.beginEngineSession(at: 0, detail: EngineDetail())
        let sample = ProbeSample(target: "a", at: 0, sent: 3, received: 2, rttsMs: [1, 3], jitterMs: 2)
        try store.recordRound(s, at: 1, changes: [StateChange(target: "a", state: .up, since: 0)], samples: [sample])
        try store.recordRound(s, at: 91, changes: [StateChange(target: "a", state: .down, since: 30)], samples: [sample])
        try store.endEngineSession(s, at: 100)
        XCTAssertEqual(try store.history(overlapping: TimeRange(0, 100))["a"]?.map(\.range), [TimeRange(0, 30), TimeRange(30, 100)])
        XCTAssertEqual(try store.rollupCounts(), [300: 1, 3600: 1])
        let st = try store.currentStatus()["a"]
        XCTAssertEqual(st?.lossPct ?? -1, 100.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(st?.rttMs, 2)
    }

    func testImportIsAtomicIdempotentAndRejectsOverlap() throws {
        let store = try Store(path: tempDB())
        let rows = [HistoryRow(line: 2, target: "bkd", state: .up, range: TimeRange(0, 100)),
                    HistoryRow(line: 3, target: "bkd", state: .down, range: TimeRange(100, 160))]
        XCTAssertEqual(try store.importHistory(rows, file: "log.csv", at: 1), ImportOutcome(added: 2, alreadyPresent: 0))
        XCTAssertEqual(try store.importHistory(rows, file: "log.csv", at: 2), ImportOutcome(added: 0, alreadyPresent: 2))
        let bad = rows + [HistoryRow(line: 4, target: "bkd", state: .up, range: TimeRange(150, 200)),
                          HistoryRow(line: 5, target: "dc", state: .up, range: TimeRange(0, 10))]
        XCTAssertThrowsError(try store.importHistory(bad, file: "log.csv", at: 3)) { e in
            XCTAssertEqual("\(e)", "log.csv:4: from: overlaps line 3 for target 'bkd'")
        }
        let overlapsStored = [HistoryRow(line: 7, target: "bkd", state: .up, range: TimeRange(150, 200)),
                              HistoryRow(line: 8, target: "dc", state: .up, range: TimeRange(0, 10))]
        XCTAssertThrowsError(try store.importHistory(overlapsStored, file: "log2.csv", at: 3))
        XCTAssertNil(try store.history(overlapping: TimeRange(0, 1000))["dc"], "nothing of a refused import is written")
    }
}
