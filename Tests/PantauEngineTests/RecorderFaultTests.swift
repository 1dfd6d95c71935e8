import Foundation
import Logging
import Synchronization
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauSQLite
import PantauStoreKit

/// A store that fails on demand (a full disk, a lock held for a long time), delegating to SQLite otherwise.
final class FlakyStore: HistoryStore, SessionStore, SampleStore, Sendable {
    let inner: Store
    let failing = Mutex(false)
    let attempts = Mutex(0)
    init(_ inner: Store) { self.inner = inner }

    func check() throws {
        attempts.withLock { $0 += 1 }
        if failing.withLock({ $0 }) {
            throw PantauError(.storage, operation: "recording", subject: inner.path, message: "SQLite error 13: database or disk is full")
        }
    }
    func record(_ batch: ObservationBatch, session: EngineSession) async throws {
        try check()
        try await inner.record(batch, session: session)
    }
    func beginSource(_ source: ObservationSource, at: EpochSeconds, detail: EngineDetail) async throws -> EngineSession {
        try check()
        return try await inner.beginSource(source, at: at, detail: detail)
    }
    func history(overlapping range: TimeRange, targets: [String]?) async throws -> [String: [StateInterval]] {
        try await inner.history(overlapping: range, targets: targets)
    }
    func currentStatus() async throws -> [String: TargetStatus] { try await inner.currentStatus() }
    func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome {
        try await inner.importHistory(rows, file: file, at: now, timeZone: timeZone)
    }
    func claimEngine() throws -> EngineClaim { try inner.claimEngine() }
    func recoverCrashedSessions() async throws -> RecoveryReport { try await inner.recoverCrashedSessions() }
    func endSource(_ session: EngineSession, at: EpochSeconds, reason: String) async throws { try await inner.endSource(session, at: at, reason: reason) }
    func sourceHealth() async throws -> [SourceHealth] { try await inner.sourceHealth() }
    func checkIntegrity() throws { try inner.checkIntegrity() }
    func probeLast() async throws -> [String: (lossPct: Double?, rttMs: Double?)] { try await inner.probeLast() }
    func linkLast() async throws -> [String: LinkLast] { try await inner.linkLast() }
    func opticalBaseline(port: String, since: EpochSeconds) async throws -> Double? { try await inner.opticalBaseline(port: port, since: since) }
    func rollupCounts() async throws -> [Int64: Int] { try await inner.rollupCounts() }
    func icmpTotals(overlapping range: TimeRange) async throws -> [String: (sent: Int, received: Int)] { try await inner.icmpTotals(overlapping: range) }
    func addTrapRejections(_ counts: [TrapRejectionCount]) async throws { try await inner.addTrapRejections(counts) }
    func trapRejections() async throws -> [(source: String, reason: String, count: Int)] { try await inner.trapRejections() }
    func prune(_ policy: RetentionPolicy, now: EpochSeconds) async throws -> PruneReport { try await inner.prune(policy, now: now) }
}

final class RecorderFaultTests: XCTestCase {
    func tempStore() throws -> Store {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-rf-\(UUID().uuidString).sqlite").path)
    }

    func change(_ id: String, _ to: TargetState, _ at: EpochSeconds) -> Observation {
        Observation(kind: .site, element: id, source: ObservationSource(.icmp), what: .state(from: .unknown, to: to), since: at)
    }

    func fastPolicy(giveUpAfter: Double = 60) -> HistoryRecorder.Policy {
        var p = HistoryRecorder.Policy()
        p.initialBackoff = 0.02
        p.maxBackoff = 0.1
        p.giveUpAfter = giveUpAfter
        return p
    }

    /// While the store fails, batches wait in memory in order; when it works again every
    /// confirmed change is written with its true time, and the outage is reported.
    func testConfirmedChangesSurviveAStoreOutage() async throws {
        let flaky = FlakyStore(try tempStore())
        let bus = ObservationBus()
        let recorder = HistoryRecorder(store: flaky, bus: bus, clock: SystemWallClock(), logger: Logger(label: "t"), policy: fastPolicy())
        let run = Task { try await recorder.run() }
        let src = ObservationSource(.icmp)
        bus.publish(ObservationBatch(source: src, at: 1000, observations: [change("bkd", .up, 1000)]))
        flaky.failing.withLock { $0 = true }
        bus.publish(ObservationBatch(source: src, at: 1030, observations: [change("bkd", .down, 1020)]))
        bus.publish(ObservationBatch(source: src, at: 1060, observations: [change("bkd", .up, 1050)]))
        // Wait (with a deadline) until the recorder has seen the failure and retried.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, recorder.health.withLock({ $0.failingSince == nil }) || flaky.attempts.withLock({ $0 }) < 4 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertNotNil(recorder.health.withLock { $0.failingSince }, "the outage is visible while it lasts")
        XCTAssertGreaterThanOrEqual(recorder.health.withLock { $0.pendingBatches }, 1)
        flaky.failing.withLock { $0 = false }
        bus.publish(ObservationBatch(source: src, at: 1090, ended: true))
        bus.finish()
        try await run.value
        let h = try await flaky.inner.history(overlapping: TimeRange(0, 5000), targets: nil)
        XCTAssertEqual(h["bkd"]?.map { "\($0.state.rawValue) \($0.range.start)-\($0.range.end)" }, ["up 1000-1020", "down 1020-1050", "up 1050-1090"])
        XCTAssertNil(recorder.health.withLock { $0.failingSince })
        XCTAssertNotNil(recorder.health.withLock { $0.lastOutage }, "the outage is remembered for status")
    }

    /// A store that stays broken past the limit ends the recorder with the error, so the
    /// process exits non-zero and its supervisor restarts it (no silent, idle engine).
    func testGivesUpPastTheLimit() async throws {
        let flaky = FlakyStore(try tempStore())
        flaky.failing.withLock { $0 = true }
        let bus = ObservationBus()
        let recorder = HistoryRecorder(store: flaky, bus: bus, clock: SystemWallClock(), logger: Logger(label: "t"),
                                       policy: fastPolicy(giveUpAfter: 0.3))
        bus.publish(ObservationBatch(source: ObservationSource(.icmp), at: 1000, observations: [change("bkd", .up, 1000)]))
        do {
            try await recorder.run()
            XCTFail("the recorder should have given up")
        } catch {
            XCTAssertTrue("\(error)".contains("disk is full"), "\(error)")
        }
    }

    /// The database file deleted under a running engine is noticed, not written into the void.
    func testDeletedDatabaseFileIsAStoreFailure() async throws {
        let store = try tempStore()
        try store.checkIntegrity()
        try FileManager.default.removeItem(atPath: store.path)
        XCTAssertThrowsError(try store.checkIntegrity()) { e in XCTAssertTrue("\(e)".contains("gone"), "\(e)") }
    }
}

extension RecorderFaultTests {
    /// Issue 31: an engine killed while its store was failing left a health file saying so, and
    /// `status` went on printing "PERHATIAN: basis data gagal ditulis" after a healthy restart.
    /// A starting store writer writes its own (healthy) report first.
    func testAStaleHealthFileIsReplacedAtStart() async throws {
        let store = try tempStore()
        let file = store.path + ".health.json"
        let stale = StoreHealth(failingSince: 1000, lastError: "SQLite error 13: database or disk is full", pendingBatches: 7,
                                lastOutageFrom: nil, lastOutageTo: nil, at: 1000)
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: try JSONEncoder().encode(stale)))
        var policy = fastPolicy()
        policy.healthFile = file
        let bus = ObservationBus()
        let recorder = HistoryRecorder(store: store, bus: bus, clock: SystemWallClock(), logger: Logger(label: "t"), policy: policy)
        let run = Task { try await recorder.run() }
        let deadline = Date().addingTimeInterval(10)
        var now: StoreHealth?
        while Date() < deadline {
            now = FileManager.default.contents(atPath: file).flatMap { try? JSONDecoder().decode(StoreHealth.self, from: $0) }
            if now?.at != 1000 { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertNotEqual(now?.at, 1000, "the file was rewritten")
        XCTAssertNil(now?.failingSince)
        XCTAssertEqual(now?.pendingBatches, 0)
        bus.finish()
        try await run.value
    }
}
