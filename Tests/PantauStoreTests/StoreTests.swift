import Foundation
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

final class StoreTests: XCTestCase {
    func tempDB() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).sqlite").path
    }

    func batch(_ at: EpochSeconds, _ changes: [StateChange] = [], samples: [ProbeSample] = [], ended: Bool = false) -> ObservationBatch {
        ObservationBatch(source: ObservationSource(.icmp), at: at, observations: changes.map {
            Observation(kind: .site, element: $0.target, source: ObservationSource(.icmp), what: .state(from: .unknown, to: $0.state), since: $0.since)
        }, icmpSamples: samples, ended: ended)
    }

    func testOpenIntervalEndsAtHeartbeatAndCrashIsRecovered() async throws {
        let path = tempDB()
        let store = try Store(path: path)
        // A session that "crashed": begun, beating, never ended.
        let s1 = try await store.beginSource(ObservationSource(.icmp), at: 1000)
        try await store.record(batch(1010, [StateChange(target: "bkd", state: .up, since: 1000)]), session: s1)
        try await store.record(batch(1040), session: s1)
        // While the engine is "running", readers see up to the last heartbeat only.
        await XCTAssertEqualAsync(try await store.history(overlapping: TimeRange(0, 5000))["bkd"],
                                  [StateInterval(target: "bkd", state: .up, range: TimeRange(1000, 1040))])
        // Next start closes the crashed session at its heartbeat; the gap stays unknown.
        let report = try await Store(path: path).recoverCrashedSessions()
        XCTAssertEqual(report.sessions, [s1.id])
        let s2 = try await store.beginSource(ObservationSource(.icmp), at: 2000)
        try await store.record(batch(2030, [StateChange(target: "bkd", state: .down, since: 2000)]), session: s2)
        try await store.record(batch(2100, ended: true), session: s2)
        await XCTAssertEqualAsync(try await store.history(overlapping: TimeRange(0, 5000))["bkd"], [
            StateInterval(target: "bkd", state: .up, range: TimeRange(1000, 1040)),
            StateInterval(target: "bkd", state: .down, range: TimeRange(2000, 2100)),
        ])
        await XCTAssertEqualAsync(try await store.currentStatus()["bkd"]?.state, .unknown)
    }

    /// Liveness is a lock the kernel drops with the process: a second engine is refused while
    /// the first lives, and a dead one (whatever its PID became) never blocks the next.
    func testEngineClaimIsHeldForTheProcessLifetimeOnly() throws {
        let path = tempDB()
        let store = try Store(path: path)
        var claim: EngineClaim? = try store.claimEngine()
        XCTAssertThrowsError(try Store(path: path).claimEngine()) { e in
            XCTAssertTrue("\(e)".contains("another engine"), "\(e)")
        }
        XCTAssertNotNil(claim)
        claim = nil  // the process "died": the kernel released the lock
        XCTAssertNoThrow(try Store(path: path).claimEngine())
    }

    /// Issue 31: the lock was by path name, so a second engine through a symlink ran crash
    /// recovery over the live engine's intervals, and a hard link wrote a second journal that a
    /// later open replayed over the shared file. The lock is on the file; hard links are refused.
    func testASecondEngineThroughASymlinkOrAHardLinkIsRefused() throws {
        let path = tempDB()
        let store = try Store(path: path)
        let claim = try store.claimEngine()
        let link = path + ".symlink.sqlite"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        defer { try? FileManager.default.removeItem(atPath: link) }
        XCTAssertThrowsError(try Store(path: link).claimEngine()) { e in
            XCTAssertTrue("\(e)".contains("another engine"), "\(e)")
        }
        withExtendedLifetime(claim) {}
        let hard = path + ".hard.sqlite"
        XCTAssertEqual(Foundation.link(path, hard), 0)
        defer { unlink(hard) }
        for name in [path, hard] {
            XCTAssertThrowsError(try Store(path: name)) { e in
                XCTAssertTrue("\(e)".contains("2 hard links") && "\(e)".contains("-samefile"), "\(e)")
            }
        }
        XCTAssertThrowsError(try store.claimEngine(), "an engine already open is refused the claim too")
        XCTAssertFalse(FileManager.default.fileExists(atPath: hard + "-wal"), "nothing was opened through the second name")
    }

    /// Each source has its own session and heartbeat: a site held by a dead ICMP source ends
    /// at that source's heartbeat even while the SNMP source keeps beating.
    func testHeartbeatsArePerSource() async throws {
        let store = try Store(path: tempDB())
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: 0)
        let snmp = try await store.beginSource(ObservationSource(.snmp), at: 0)
        try await store.record(batch(10, [StateChange(target: "bkd", state: .up, since: 0)]), session: icmp)
        var link = ObservationBatch(source: ObservationSource(.snmp), at: 10, observations: [
            Observation(kind: .link, element: "fo", source: ObservationSource(.snmp), what: .state(from: .unknown, to: .up), since: 0)])
        try await store.record(link, session: snmp)
        link.observations = []
        link.at = 500
        try await store.record(link, session: snmp)  // SNMP beats on, ICMP went silent at 10
        let h = try await store.history(overlapping: TimeRange(0, 1000))
        XCTAssertEqual(h["bkd"]?.map(\.range), [TimeRange(0, 10)])
        XCTAssertEqual(h["fo"]?.map(\.range), [TimeRange(0, 500)])
        let health = try await store.sourceHealth()
        XCTAssertEqual(health.map(\.prober), ["icmp", "snmp"])
        XCTAssertEqual(health.map(\.lastSeen), [10, 500])
    }

    func testRetroactiveChangeAndRollups() async throws {
        let store = try Store(path: tempDB())
        let s = try await store.beginSource(ObservationSource(.icmp), at: 0)
        let sample = ProbeSample(target: "a", at: 0, sent: 3, received: 2, rttsMs: [1, 3], jitterMs: 2)
        try await store.record(batch(1, [StateChange(target: "a", state: .up, since: 0)], samples: [sample]), session: s)
        try await store.record(batch(91, [StateChange(target: "a", state: .down, since: 30)], samples: [sample]), session: s)
        try await store.record(batch(100, ended: true), session: s)
        await XCTAssertEqualAsync(try await store.history(overlapping: TimeRange(0, 100))["a"]?.map(\.range), [TimeRange(0, 30), TimeRange(30, 100)])
        await XCTAssertEqualAsync(try await store.rollupCounts(), [300: 1, 3600: 1])
        let st = try await store.currentStatus()["a"]
        XCTAssertEqual(st?.lossPct ?? -1, 100.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(st?.rttMs, 2)
    }

    func testImportIsAtomicIdempotentAndRejectsOverlap() async throws {
        let store = try Store(path: tempDB())
        let rows = [HistoryRow(line: 2, target: "bkd", state: .up, range: TimeRange(0, 100)),
                    HistoryRow(line: 3, target: "bkd", state: .down, range: TimeRange(100, 160))]
        await XCTAssertEqualAsync(try await store.importHistory(rows, file: "log.csv", at: 1000), ImportOutcome(added: 2, alreadyPresent: 0))
        await XCTAssertEqualAsync(try await store.importHistory(rows, file: "log.csv", at: 2000), ImportOutcome(added: 0, alreadyPresent: 2))
        let bad = rows + [HistoryRow(line: 4, target: "bkd", state: .up, range: TimeRange(150, 200)),
                          HistoryRow(line: 5, target: "dc", state: .up, range: TimeRange(0, 10))]
        await XCTAssertThrowsErrorAsync(try await store.importHistory(bad, file: "log.csv", at: 3000)) { e in
            XCTAssertEqual("\(e)", "log.csv:4: from: overlaps line 3 for target 'bkd'")
        }
        let overlapsStored = [HistoryRow(line: 7, target: "bkd", state: .up, range: TimeRange(150, 200)),
                              HistoryRow(line: 8, target: "dc", state: .up, range: TimeRange(0, 10))]
        await XCTAssertThrowsErrorAsync(try await store.importHistory(overlapsStored, file: "log2.csv", at: 3000))
        await XCTAssertNilAsync(try await store.history(overlapping: TimeRange(0, 1000))["dc"], "nothing of a refused import is written")
    }

    /// Issue 14: an import of intervals that end after the import's time is refused with the
    /// row's line (it used to count tomorrow as down and show "since 2030" in status), and an
    /// import never overlaps an interval the engine is still recording.
    func testImportRefusesTheFutureAndTheLiveInterval() async throws {
        let store = try Store(path: tempDB())
        let future = [HistoryRow(line: 2, target: "bkd", state: .up, range: TimeRange(0, 100)),
                      HistoryRow(line: 3, target: "bkd", state: .down, range: TimeRange(100, 1_893_542_400))]
        await XCTAssertThrowsErrorAsync(try await store.importHistory(future, file: "old.csv", at: 1_800_000_000)) { e in
            XCTAssertEqual("\(e)", "old.csv:3: to: ends in the future (2030-01-02T00:00:00+00:00, after the import time 2027-01-15T08:00:00+00:00): only past history can be imported")
        }
        await XCTAssertNilAsync(try await store.history(overlapping: TimeRange(0, 2_000_000_000))["bkd"], "nothing written")
        // The engine records 'bkd' up from 1,000 and last heartbeated at 1,060; an import at 2,000
        // for 1,500-1,900 falls inside its open interval.
        let s = try await store.beginSource(ObservationSource(.icmp), at: 1000)
        try await store.record(batch(1060, [StateChange(target: "bkd", state: .up, since: 1000)]), session: s)
        let inside = [HistoryRow(line: 2, target: "bkd", state: .down, range: TimeRange(1500, 1900))]
        await XCTAssertThrowsErrorAsync(try await store.importHistory(inside, file: "x.csv", at: 2000)) { e in
            XCTAssertTrue("\(e)".hasPrefix("x.csv:2: from: overlaps recorded 'up' of 'bkd'"), "\(e)")
        }
        // Issue 31 (low): the times are said in the office's zone, never as epoch seconds.
        let wib = try XCTUnwrap(TimeZone(identifier: "Asia/Jakarta"))
        await XCTAssertThrowsErrorAsync(try await store.importHistory(inside, file: "x.csv", at: 2000, timeZone: wib)) { e in
            XCTAssertEqual("\(e)", "x.csv:2: from: overlaps recorded 'up' of 'bkd' from 1970-01-01T07:16:40+07:00 to 1970-01-01T07:33:20+07:00 "
                           + "(recorded by the engine, source \(s.id))")
        }
        await XCTAssertThrowsErrorAsync(try await store.importHistory(future, file: "old.csv", at: 1_800_000_000, timeZone: wib)) { e in
            XCTAssertTrue("\(e)".contains("(2030-01-02T07:00:00+07:00, after the import time 2027-01-15T15:00:00+07:00)"), "\(e)")
        }
    }
}

final class RetentionTests: XCTestCase {
    /// Every table that grows is pruned by the policy; rollups are compacted (5-minute, hourly,
    /// daily) so their totals survive; delivered notifications go, undelivered ones stay.
    func testRetentionPrunesAndCompactsEveryGrowingTable() async throws {
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-ret-\(UUID().uuidString).sqlite").path)
        let day: Int64 = 86_400, now: Int64 = 500 * day
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: 0)
        var samples: [ProbeSample] = [], links: [LinkSample] = [], optical: [OpticalSample] = []
        for h in stride(from: Int64(0), to: now, by: 3600) {
            samples.append(ProbeSample(target: "bkd", at: h, sent: 3, received: 3, rttsMs: [1, 1, 1], jitterMs: 0))
            links.append(LinkSample(target: "fo", at: h, inBps: 1000, outBps: 2000))
            optical.append(OpticalSample(port: "sw/sfp1", at: h, rxDbm: -7))
        }
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: now, icmpSamples: samples, linkSamples: links,
                                                optical: optical), session: icmp)
        try await store.addTrapRejections([TrapRejectionCount(source: "10.9.9.9", reason: "unknown-sender", count: 5, first: 0, last: day),
                                           TrapRejectionCount(source: "10.9.9.8", reason: "unknown-sender", count: 1, first: now, last: now)])
        let sentBefore = samples.reduce(0) { $0 + $1.sent }
        let report = try await store.prune(RetentionPolicy(), now: now)
        XCTAssertGreaterThan(report.deleted["icmp_rollup", default: 0], 0)
        let counts = try await store.rollupCounts()
        XCTAssertEqual(counts[300], 8 * 24, "5-minute rollups: the last 8 days")
        XCTAssertEqual(counts[3600], 35 * 24, "hourly: the last 35 days")
        XCTAssertEqual(counts[86_400], 400 - 35, "daily: from 400 days back to where the hourly ones begin")
        await XCTAssertEqualAsync(try await store.sentTotal(resolutions: [3600, 86_400], since: now - 400 * day),
                       sentBefore - Int(now / 3600 - 400 * 24) * 3, "compaction keeps the totals")
        let rejected = try await store.trapRejections()
        XCTAssertEqual(rejected.map(\.source), ["10.9.9.8"])
        await XCTAssertEqualAsync(try await store.tableCount("optical_hourly"), 14 * 24)
        await XCTAssertEqualAsync(try await store.tableCount("link_rollup"), 8 * 24)
        await XCTAssertEqualAsync(try await store.tableCount("link_rollup_daily"), 400 - 8)
    }
}
