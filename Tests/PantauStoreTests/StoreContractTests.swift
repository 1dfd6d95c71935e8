import Foundation
import Logging
import XCTest
import PantauCore
import PantauPostgres
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// The store contract, run against both implementations: the SQLite file (the embedded
/// default) and PostgreSQL (a real server of the test's own on loopback, from Debian's
/// packages). The same calls must give the same answers, to the second.
final class StoreContractTests: XCTestCase {
    static let server: PostgresServer? = try? PostgresServer()

    override class func tearDown() {
        server?.stop()
        ContractStores.stopServer()
        super.tearDown()
    }

    /// A fresh PostgreSQL store, or a skip saying why there is none.
    func postgres(engine: String = "dc") async throws -> PostgresStore {
        guard let server = Self.server else {
            throw XCTSkip("SKIPPED: no PostgreSQL server could be started (\(PostgresServer.binaries == nil ? "not installed; scripts/setup.sh installs it" : "see initdb/pg_ctl"))")
        }
        let url = try server.newDatabase("contract_\(UUID().uuidString.prefix(8).lowercased().replacingOccurrences(of: "-", with: ""))")
        return try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: engine)
    }

    func sqlite() throws -> Store {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-contract-\(UUID().uuidString).sqlite").path)
    }

    func batch(_ source: ObservationSource, _ at: EpochSeconds, _ changes: [StateChange] = [], samples: [ProbeSample] = [],
               ended: Bool = false) -> ObservationBatch {
        ObservationBatch(source: source, at: at, observations: changes.map {
            Observation(kind: .site, element: $0.target, source: source, what: .state(from: .unknown, to: $0.state), since: $0.since)
        }, icmpSamples: samples, ended: ended)
    }

    /// What every store must do with sessions, heartbeats, crashes and history.
    func contract(_ store: some SessionStore & HistoryStore, engine: String, reopen: () async throws -> any SessionStore & HistoryStore) async throws {
        let icmp = ObservationSource(.icmp, engine: engine)
        // A session that crashes after two heartbeats: readers see up to the last one.
        let s1 = try await store.beginSource(icmp, at: 1_764_500_000, detail: EngineDetail(host: "dc", pid: 1))
        try await store.record(batch(icmp, 1_764_500_010, [StateChange(target: "bkd", state: .up, since: 1_764_500_000),
                                                           StateChange(target: "dinkes", state: .up, since: 1_764_500_000)],
                                     samples: [ProbeSample(target: "bkd", at: 1_764_500_010, sent: 4, received: 3, rttsMs: [1, 2, 3], jitterMs: 0.5)]),
                               session: s1)
        try await store.record(batch(icmp, 1_764_500_040, samples: [ProbeSample(target: "dinkes", at: 1_764_500_040, sent: 3, received: 0,
                                                                               rttsMs: [], jitterMs: nil)]), session: s1)
        var h = try await store.history(overlapping: TimeRange(1_764_400_000, 1_764_600_000), targets: nil)
        XCTAssertEqual(h["bkd"], [StateInterval(target: "bkd", state: .up, range: TimeRange(1_764_500_000, 1_764_500_040))])
        var now = try await store.currentStatus()
        XCTAssertEqual(now["bkd"]?.state, .up)
        XCTAssertEqual(now["bkd"]?.since, 1_764_500_000)
        XCTAssertEqual(now["bkd"]?.lossPct ?? -1, 25, accuracy: 1e-9)
        XCTAssertEqual(now["bkd"]?.rttMs ?? -1, 2, accuracy: 1e-9)
        XCTAssertEqual(now["dinkes"]?.lossPct, 100)
        XCTAssertNil(now["dinkes"]?.rttMs, "no reply: no RTT, never 0")
        XCTAssertNil(now["dinkes"]?.jitterMs)
        // The next start of the same engine closes it at its heartbeat; the gap stays unknown.
        let again = try await reopen()
        let report = try await again.recoverCrashedSessions()
        XCTAssertEqual(report.sessions, [s1.id])
        XCTAssertEqual(report.intervals, 2)
        // A new session across a month boundary (30 Nov -> 1 Dec UTC): one interval, two partitions for PostgreSQL.
        let s2 = try await again.beginSource(icmp, at: 1_764_547_000, detail: EngineDetail(host: "dc", pid: 2))
        try await again.record(batch(icmp, 1_764_547_010, [StateChange(target: "bkd", state: .down, since: 1_764_547_000)]), session: s2)
        try await again.record(batch(icmp, 1_764_554_000, [StateChange(target: "bkd", state: .up, since: 1_764_553_000)]), session: s2)
        // A change that lands exactly on the open interval's start replaces it (no zero-length interval).
        try await again.record(batch(icmp, 1_764_554_100, [StateChange(target: "dinkes", state: .down, since: 1_764_554_050)]), session: s2)
        try await again.record(batch(icmp, 1_764_554_110, [StateChange(target: "dinkes", state: .up, since: 1_764_554_050)]), session: s2)
        try await again.record(batch(icmp, 1_764_555_000, ended: true), session: s2)
        h = try await again.history(overlapping: TimeRange(1_764_400_000, 1_764_600_000), targets: ["bkd", "dinkes"])
        XCTAssertEqual(h["bkd"], [
            StateInterval(target: "bkd", state: .up, range: TimeRange(1_764_500_000, 1_764_500_040)),
            StateInterval(target: "bkd", state: .down, range: TimeRange(1_764_547_000, 1_764_553_000)),
            StateInterval(target: "bkd", state: .up, range: TimeRange(1_764_553_000, 1_764_555_000)),
        ])
        XCTAssertEqual(h["dinkes"], [
            StateInterval(target: "dinkes", state: .up, range: TimeRange(1_764_500_000, 1_764_500_040)),
            StateInterval(target: "dinkes", state: .up, range: TimeRange(1_764_554_050, 1_764_555_000)),
        ])
        // Clipped to the range asked.
        let clipped = try await again.history(overlapping: TimeRange(1_764_550_000, 1_764_553_500), targets: ["bkd"])
        XCTAssertEqual(clipped["bkd"], [StateInterval(target: "bkd", state: .down, range: TimeRange(1_764_550_000, 1_764_553_000)),
                                        StateInterval(target: "bkd", state: .up, range: TimeRange(1_764_553_000, 1_764_553_500))])
        now = try await again.currentStatus()
        XCTAssertEqual(now["bkd"]?.state, .unknown, "the session ended: no data now, never up")
        XCTAssertEqual(now["bkd"]?.sessionEnded, true)
        let health = try await again.sourceHealth()
        XCTAssertEqual(health.map(\.engine), [engine], "the latest session per prober and engine")
        XCTAssertEqual(health.last?.session, s2.id)
        XCTAssertEqual(health.last?.endReason, "stopped")

        // Import: past rows added once, identical rows skipped, overlaps refused whole.
        let rows = [HistoryRow(line: 2, target: "dprd", state: .up, range: TimeRange(1_764_000_000, 1_764_003_600)),
                    HistoryRow(line: 3, target: "dprd", state: .down, range: TimeRange(1_764_003_600, 1_764_004_000))]
        var outcome = try await again.importHistory(rows, file: "lama.csv", at: 1_764_600_000)
        XCTAssertEqual(outcome, ImportOutcome(added: 2, alreadyPresent: 0))
        outcome = try await again.importHistory(rows, file: "lama.csv", at: 1_764_600_000)
        XCTAssertEqual(outcome, ImportOutcome(added: 0, alreadyPresent: 2))
        do {
            _ = try await again.importHistory([HistoryRow(line: 2, target: "bkd", state: .up, range: TimeRange(1_764_546_000, 1_764_548_000))],
                                              file: "salah.csv", at: 1_764_600_000)
            XCTFail("an overlap with recorded history was accepted")
        } catch let e as ImportErrors {
            XCTAssertTrue(e.description.contains("salah.csv:2: from: overlaps recorded 'down' of 'bkd'"), e.description)
        }
    }

    /// Closed months on PostgreSQL: the same rules as SQLite, and the server itself refuses to
    /// change or delete a frozen revision, even to someone with SQL.
    func testClosedMonthsAreFrozenOnPostgreSQL() async throws {
        let store = try await postgres(engine: "cli")
        let db = store.location.database
        let first = try await store.closeMonth("2026-11", snapshot: "{}", hash: "h0", by: "Kabid", note: "", at: 1_764_600_000)
        XCTAssertEqual(first.revision, 0)
        await XCTAssertThrowsErrorAsync(try await store.closeMonth("2026-11", snapshot: "{}", hash: "h0", by: "x", note: "", at: 1_764_600_001))
        for sql in ["UPDATE month_close SET snapshot = '{\"x\":1}'", "DELETE FROM month_close"] {
            XCTAssertThrowsError(try Self.server!.psql(sql, database: db), sql) { e in
                XCTAssertTrue("\(e)".contains("closed month") || "\(e)".contains("closed months are kept"), "\(e)")
            }
        }
        _ = try await store.reopenMonth("2026-11", reason: "tiket GGN-2026-11-0003 salah pihak", by: "Kabid", at: 1_764_700_000)
        await XCTAssertThrowsErrorAsync(try await store.reopenMonth("2026-11", reason: "again", by: "x", at: 1_764_700_001))
        let second = try await store.closeMonth("2026-11", snapshot: "{\"v\":2}", hash: "h1", by: "Kabid", note: "Revisi 1", at: 1_764_800_000)
        XCTAssertEqual(second.revision, 1)
        XCTAssertEqual(second.reason, "tiket GGN-2026-11-0003 salah pihak")
        await XCTAssertEqualAsync(try await store.latestMonthClosures().map(\.hash), ["h1"])
        await XCTAssertEqualAsync(try await store.monthClosures("2026-11").map(\.isInForce), [false, true])
        await store.close()
    }

    /// Sessions, heartbeats, crashes and history on every registered store (`ContractStores`).
    func testEveryStoreKeepsTheContract() async throws {
        for entry in ContractStores.all {
            let opened: ContractStore.Opened
            do { opened = try await entry.open() } catch is XCTSkip { continue }
            try await contract(opened.store, engine: "local") { try await opened.reopen() }
            await opened.close()
        }
    }

    func testPostgreSQLPartitionsHistoryByMonth() async throws {
        let store = try await postgres(engine: "dc")
        try await contract(store, engine: "dc") { store }
        // History is partitioned by month: the interval of 30 Nov -> 1 Dec lives in November's.
        let parts = try await store.historyPartitions().map(\.name)
        XCTAssertTrue(parts.contains("state_interval_y2025m11"), "\(parts)")
        await store.close()
    }

    /// Two engines write to one PostgreSQL store: one engine's crash recovery never closes the
    /// other's live sessions, and both engines' observations are read back.
    func testTwoEnginesShareOneStore() async throws {
        let dc = try await postgres(engine: "dc")
        let url = "postgresql://pantau@127.0.0.1:\(Self.server!.port)/\(dc.location.database)"
        let pop = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "pop-lepar")
        let a = try await dc.beginSource(ObservationSource(.icmp, engine: "dc"), at: 1_764_500_000, detail: EngineDetail())
        let b = try await pop.beginSource(ObservationSource(.icmp, engine: "pop-lepar"), at: 1_764_500_000, detail: EngineDetail())
        try await dc.record(batch(ObservationSource(.icmp, engine: "dc"), 1_764_500_100,
                                  [StateChange(target: "kec-lepar", state: .down, since: 1_764_500_050)]), session: a)
        try await pop.record(batch(ObservationSource(.icmp, engine: "pop-lepar"), 1_764_500_100,
                                   [StateChange(target: "kec-lepar", state: .up, since: 1_764_500_000)]), session: b)
        // Seen from both sides: up while any live engine says up; down only when every live one says down.
        var now = try await dc.currentStatus()
        XCTAssertEqual(now["kec-lepar"]?.state, .up)
        XCTAssertEqual(now["kec-lepar"]?.since, 1_764_500_000)
        // The POP engine restarts: only its own session is recovered.
        let report = try await pop.recoverCrashedSessions()
        XCTAssertEqual(report.sessions, [b.id])
        let health = try await dc.sourceHealth()
        XCTAssertEqual(health.map(\.engine), ["dc", "pop-lepar"])
        XCTAssertNil(health.first { $0.session == a.id }?.endedAt, "the DC engine's session is still live")
        let h = try await dc.history(overlapping: TimeRange(1_764_400_000, 1_764_600_000), targets: ["kec-lepar"])
        // History combines the engines by the same rule: up while either said up (the POP engine did, until its last heartbeat).
        XCTAssertEqual(h["kec-lepar"], [StateInterval(target: "kec-lepar", state: .up, range: TimeRange(1_764_500_000, 1_764_500_100))])
        try await dc.record(batch(ObservationSource(.icmp, engine: "dc"), 1_764_500_150), session: a)
        let later = try await dc.history(overlapping: TimeRange(1_764_400_000, 1_764_600_000), targets: ["kec-lepar"])
        XCTAssertEqual(later["kec-lepar"]?.map(\.state), [.up, .down], "after the POP engine fell silent only the DC engine's view counts")
        XCTAssertEqual(later["kec-lepar"]?.last?.range, TimeRange(1_764_500_100, 1_764_500_150))
        now = try await dc.currentStatus()
        XCTAssertEqual(now["kec-lepar"]?.state, .down, "the POP engine is gone: the DC engine's view stands")
        XCTAssertEqual(now["kec-lepar"]?.since, 1_764_500_050)
        // And when no engine that watches it is alive, the site is unknown: never down because an engine died.
        try await dc.endSource(a, at: 1_764_500_200, reason: "stopped")
        now = try await dc.currentStatus()
        XCTAssertEqual(now["kec-lepar"]?.state, .unknown)
        XCTAssertEqual(now["kec-lepar"]?.since, 1_764_500_200)
        await dc.close()
        await pop.close()
    }

    /// Retention drops whole month partitions, never one holding an interval that ends later.
    func testRetentionDropsWholePartitions() async throws {
        let store = try await postgres()
        let icmp = ObservationSource(.icmp, engine: "dc")
        let s = try await store.beginSource(icmp, at: 1_759_300_000, detail: EngineDetail())   // 2025-10-01
        try await store.record(batch(icmp, 1_759_300_100, [StateChange(target: "bkd", state: .up, since: 1_759_300_000),
                                                            StateChange(target: "dinkes", state: .up, since: 1_759_300_000)]), session: s)
        try await store.record(batch(icmp, 1_759_400_000, [StateChange(target: "bkd", state: .down, since: 1_759_399_000)]), session: s)
        try await store.record(batch(icmp, 1_762_000_000, [StateChange(target: "bkd", state: .up, since: 1_761_999_000)]), session: s)   // November
        // October holds dinkes's interval, still open: nothing can go.
        var dropped = try await store.dropHistory(before: 1_764_547_200)   // 2025-12-01
        XCTAssertEqual(dropped, [])
        try await store.record(batch(icmp, 1_762_000_100, [StateChange(target: "dinkes", state: .down, since: 1_761_999_500)]), session: s)
        try await store.endSource(s, at: 1_762_000_200, reason: "stopped")
        dropped = try await store.dropHistory(before: 1_762_000_000)   // mid-November: October's intervals all ended before
        XCTAssertEqual(dropped, ["state_interval_y2025m10"])
        let parts = try await store.historyPartitions().map(\.name)
        XCTAssertEqual(parts, ["state_interval_y2025m11"])
        await store.close()
    }

    /// The password never comes from the address.
    func testTheAddressCarriesNoPassword() throws {
        XCTAssertThrowsError(try PostgresLocation("postgresql://pantau:rahasia@127.0.0.1/pantau", environment: [:])) { e in
            XCTAssertTrue("\(e)".contains("PGPASSWORD"), "\(e)")
            XCTAssertFalse("\(e)".contains("rahasia"), "the password is never repeated: \(e)")
        }
        let l = try PostgresLocation("postgresql://pantau@10.0.0.5:5433/pantau", environment: ["PGPASSWORD": "rahasia"])
        XCTAssertEqual(l.description, "postgresql://pantau@10.0.0.5:5433/pantau")
        XCTAssertFalse("\(l)".contains("rahasia"))
        XCTAssertThrowsError(try PostgresLocation("postgresql://pantau@127.0.0.1", environment: [:]))
    }

    /// Measurements: the same batches into both stores give the same answers (last rounds,
    /// rollups and the totals behind a loss figure, link readings, the optical baseline, rejected
    /// traps, and what retention removes).
    func testMeasurementsAreTheSameInBothStores() async throws {
        let pg = try await postgres(engine: "local")
        let lite = try sqlite()
        let icmp = ObservationSource(.icmp), snmp = ObservationSource(.snmp)
        let t0: EpochSeconds = 1_764_547_200   // 2025-12-01 00:00 UTC
        func feed(_ store: some SessionStore & HistoryStore & SampleStore) async throws {
            let a = try await store.beginSource(icmp, at: t0, detail: EngineDetail())
            let b = try await store.beginSource(snmp, at: t0, detail: EngineDetail())
            for i in 0..<40 {   // 40 rounds, 10 minutes apart, over more than 6 hours
                let at = t0 + EpochSeconds(i * 600)
                let lost = i % 7 == 0
                try await store.record(ObservationBatch(source: icmp, at: at, icmpSamples: [
                    ProbeSample(target: "bkd", at: at, sent: 3, received: lost ? 0 : 3, rttsMs: lost ? [] : [1.0 + Double(i % 3), 2.0, 3.5], jitterMs: lost ? nil : 0.4),
                    ProbeSample(target: "dinkes", at: at, sent: 3, received: 2, rttsMs: [10, 12], jitterMs: 1),
                    ProbeSample(target: "nama-tak-terurai", at: at, sent: 0, received: 0, rttsMs: [], jitterMs: nil, note: "unresolved: no such host"),
                ]), session: a)
                try await store.record(ObservationBatch(source: snmp, at: at, linkSamples: [
                    LinkSample(target: "fo-bkd", at: at, inBps: Double(1_000_000 * i), outBps: i % 2 == 0 ? nil : 500_000, utilisationPct: Double(i),
                               rxDbm: -7 - Double(i % 4) / 10, txDbm: -2, opticalLevel: "ok", detail: "sfp1 up"),
                ], optical: [OpticalSample(port: "core-sw1/sfp1", at: at, rxDbm: -7 - Double(i % 4) / 10)]), session: b)
            }
            // Mirrored traffic: two minutes of two OPDs (the same hour), their top talkers, the capture's counters.
            var traffic = ObservationBatch(source: snmp, at: t0 + 180)
            for (site, minute, bytes) in [("bkd", 0, 1_000), ("bkd", 1, 2_500), ("dinkes", 0, 700), ("dinkes", 2, 300)] as [(String, Int64, Int64)] {
                var t = OPDTrafficSample(site: site, bucket: t0 + minute * 60)
                t.inBytes = bytes
                t.outBytes = bytes / 2
                t.inPackets = bytes / 100
                t.outPackets = bytes / 200
                traffic.traffic.append(t)
            }
            traffic.talkers = [TalkerSample(bucket: t0, source: "10.20.1.5", destination: "10.0.0.10", proto: 6, port: 443, bytes: 900),
                               TalkerSample(bucket: t0 + 60, source: "10.20.2.7", destination: "10.0.0.11", proto: 17, port: 53, bytes: 120)]
            var stats = CaptureStatistics(interface: "mirror0")
            stats.received = 5_000
            stats.dropped = 3
            traffic.capture = stats
            try await store.record(traffic, session: b)
            try await store.addTrapRejections([TrapRejectionCount(source: "10.0.0.9", reason: "unknown-community", count: 5, first: t0, last: t0 + 60)])
            try await store.addTrapRejections([TrapRejectionCount(source: "10.0.0.9", reason: "unknown-community", count: 2, first: t0 + 70, last: t0 + 90)])
        }
        try await feed(pg)
        try await feed(lite)
        func same<T: Equatable>(_ what: String, _ f: (any SampleStore & TrafficStore) async throws -> T) async throws {
            let x = try await f(pg), y = try await f(lite)
            XCTAssertEqual(x, y, what)
        }
        let day = TimeRange(t0 - 3600, t0 + 86_400)
        try await same("traffic per minute") { try await $0.opdTraffic(day, resolution: 60, sites: nil) }
        try await same("traffic per hour") { try await $0.opdTraffic(day, resolution: 3600, sites: ["bkd"]) }
        await XCTAssertEqualAsync(try await pg.opdTraffic(day, resolution: 3600, sites: nil).map(\.inBytes), [3_500, 1_000], "minutes added into their hour")
        try await same("top talkers") { try await $0.topTalkers(day) }
        try await same("capture counters") { try await $0.captureStatistics().map { "\($0.at) \($0.stats)" } }
        try await same("rollup counts") { try await $0.rollupCounts() }
        let range = TimeRange(t0 + 1000, t0 + 20_000)
        let pgTotals = try await pg.icmpTotals(overlapping: range), liteTotals = try await lite.icmpTotals(overlapping: range)
        XCTAssertEqual(pgTotals.mapValues { [$0.sent, $0.received] }, liteTotals.mapValues { [$0.sent, $0.received] })
        XCTAssertNil(pgTotals["nama-tak-terurai"], "nothing sent, no round counted")
        let pgLast = try await pg.probeLast(), liteLast = try await lite.probeLast()
        XCTAssertEqual(pgLast.mapValues { "\($0.lossPct.map { String($0) } ?? "-")/\($0.rttMs.map { String($0) } ?? "-")" },
                       liteLast.mapValues { "\($0.lossPct.map { String($0) } ?? "-")/\($0.rttMs.map { String($0) } ?? "-")" })
        try await same("link readings") { try await $0.linkLast() }
        try await same("optical baseline") { try await $0.opticalBaseline(port: "core-sw1/sfp1", since: t0) }
        let baseline = try await pg.opticalBaseline(port: "core-sw1/sfp1", since: t0)
        XCTAssertNotNil(baseline)
        let pgTraps = try await pg.trapRejections().map { "\($0.source) \($0.reason) \($0.count)" }
        let liteTraps = try await lite.trapRejections().map { "\($0.source) \($0.reason) \($0.count)" }
        XCTAssertEqual(pgTraps, ["10.0.0.9 unknown-community 7"])
        XCTAssertEqual(pgTraps, liteTraps)
        func partitions(_ like: String) throws -> Int { Int(try Self.server!.psql("SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE '\(like)'",
                                                                               database: pg.location.database)) ?? -1 }
        XCTAssertEqual(try partitions("icmp_rollup_r300_d%"), 1, "5-minute buckets of one day: one daily partition")
        XCTAssertEqual(try partitions("link_rollup_d%"), 1)
        // Retention a year later: everything measured is old; the same rows go in both.
        var policy = RetentionPolicy()
        policy.dailyDays = 400
        let later = t0 + 60 * 86400
        let pgPruned = try await pg.prune(policy, now: later), litePruned = try await lite.prune(policy, now: later)
        for table in ["icmp_rollup", "link_rollup", "optical_hourly", "trap_rejection", "opd_traffic", "top_talker"] {
            XCTAssertEqual(pgPruned.deleted[table, default: 0], litePruned.deleted[table, default: 0], table)
        }
        try await same("rollup counts after retention (hourly compacted into daily)") { try await $0.rollupCounts() }
        XCTAssertEqual(try partitions("icmp_rollup_r300_d%"), 0, "retention dropped the day's partition, not its rows one by one")
        XCTAssertEqual(try partitions("link_rollup_d%"), 0)
        XCTAssertEqual(try partitions("optical_hourly_d%"), 0)
        XCTAssertEqual(try partitions("icmp_rollup_r86400_y%"), 1, "the daily rollups compacted from the hourly ones")
        await pg.close()
    }

    /// Engines that start writing a new day at the same moment create its partitions once,
    /// without deadlocking each other (the benchmark found one).
    func testEnginesCreatingTheSamePartitionsAtOnce() async throws {
        let first = try await postgres(engine: "e0")
        let url = "postgresql://pantau@127.0.0.1:\(Self.server!.port)/\(first.location.database)"
        var stores = [first]
        for e in 1..<4 { stores.append(try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "e\(e)")) }
        let t0: EpochSeconds = 1_767_830_400   // 2026-01-08 00:00 UTC
        do {
        try await withThrowingTaskGroup(of: Void.self) { g in
            for (e, store) in stores.enumerated() {
                g.addTask {
                    let icmp = ObservationSource(.icmp, engine: "e\(e)"), snmp = ObservationSource(.snmp, engine: "e\(e)")
                    let a = try await store.beginSource(icmp, at: t0, detail: EngineDetail())
                    let b = try await store.beginSource(snmp, at: t0, detail: EngineDetail())
                    for r in 0..<5 {
                        // Each round a new month for some engines and the same for others: partitions
                        // of two parents created while other engines insert into both parents.
                        let at = t0 + EpochSeconds((r + e % 2) * 31 * 86_400 + e * 3600)
                        try await store.record(ObservationBatch(source: icmp, at: at, icmpSamples: [
                            ProbeSample(target: "s\(e)", at: at, sent: 1, received: 1, rttsMs: [1], jitterMs: nil)]), session: a)
                        try await store.record(ObservationBatch(source: snmp, at: at, linkSamples: [LinkSample(target: "l\(e)", at: at, inBps: 1)],
                                                                optical: [OpticalSample(port: "p\(e)", at: at, rxDbm: -5)]), session: b)
                    }
                }
            }
            try await g.waitForAll()
        }
        } catch {
            XCTFail("engines writing at once: \(error)")
        }
        await XCTAssertEqualAsync(try await first.rollupCounts(), [300: 20, 3600: 20])
        for s in stores { await s.close() }
    }

    /// A POP engine's bandwidth results wait in its spool while the centre is down, arrive once
    /// when it is back, and a replayed entry is not applied twice.
    func testBandwidthResultsWaitInTheSpoolForTheCentre() async throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let location = try PostgresLocation(server.url, environment: [:])
        let spool = try Spool(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-spool-\(UUID().uuidString).sqlite").path)
        let store = SpoolingStore(spool: spool, location: location, engine: "pop", logger: Logger(label: "test"))
        let r = BandwidthResult(target: "fo-bkd", at: 1_764_550_000, direction: .download, proto: .tcp, server: "198.18.5.2", durationSeconds: 10,
                                senderBps: 20_000_000, receiverBps: 19_500_000, retransmits: 3)
        try server.pause()
        try await store.recordBandwidth([r])   // the centre is down: on disk, not lost
        XCTAssertEqual(try spool.backlog(), 1)
        try server.resume()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try spool.backlog() > 0 {
            _ = await store.drain()
            try await Task.sleep(for: .milliseconds(250))
        }
        XCTAssertEqual(try spool.backlog(), 0, "forwarded once the centre is back")
        await XCTAssertEqualAsync(try await store.bandwidthHistory(target: "fo-bkd", direction: nil, limit: 10), [r])
        let centre = try await PostgresStore.open(location, engine: "check")
        try await centre.forwardBandwidth(key: "replayed:1", [r])
        try await centre.forwardBandwidth(key: "replayed:1", [r])
        await XCTAssertEqualAsync(try await centre.bandwidthHistory(target: "fo-bkd", direction: nil, limit: 10).count, 2, "a replay applies once")
        await centre.close()
        await store.close()
    }

    /// Migration 7 partitions the measurement tables of a store that already holds some: every
    /// row moves over, and the store reads the same before and after.
    func testMeasurementsSurviveTheirPartitioning() async throws {
        guard let server = Self.server else { throw XCTSkip("SKIPPED: no PostgreSQL server") }
        let url = try server.newDatabase("v6_\(UUID().uuidString.prefix(8).lowercased())")
        let location = try PostgresLocation(url, environment: [:])
        let old = try await PostgresStore.open(location, engine: "local", migrationsUpTo: 6)
        await old.close()
        // Rows as migration 2's tables held them (written by an earlier Pantau): two UTC days of
        // 5-minute buckets, hourly and daily ones, link rates and optical hours.
        let t0: EpochSeconds = 1_764_547_200   // 2025-12-01 00:00 UTC
        _ = try server.psql("""
            INSERT INTO icmp_rollup SELECT 'bkd', 300, \(t0) + g * 3600, 1, 3, 3, 6, 3, 1, 3, 0.5, 1 FROM generate_series(0, 29) g;
            INSERT INTO icmp_rollup SELECT 'bkd', 3600, \(t0) + g * 3600, 1, 3, 3, 6, 3, 1, 3, 0.5, 1 FROM generate_series(0, 29) g;
            INSERT INTO icmp_rollup VALUES ('bkd', 86400, \(t0 - 86_400 * 40), 24, 72, 70, 144, 70, 1, 3, 12, 24);
            INSERT INTO link_rollup SELECT 'fo-bkd', \(t0) + g * 3600, 1, 1e6, 1, 1e6, 2e6, 1, 2e6 FROM generate_series(0, 29) g;
            INSERT INTO optical_hourly SELECT 'sw/sfp1', \(t0) + g * 3600, -7, 1, -7 FROM generate_series(0, 29) g
            """, database: location.database)
        let new: PostgresStore
        do { new = try await PostgresStore.open(location, engine: "local") } catch {
            XCTFail("migration 7: \(error)")
            return
        }
        await XCTAssertEqualAsync(try await new.rollupCounts(), [300: 30, 3600: 30, 86400: 1])
        await XCTAssertEqualAsync(try await new.icmpSeries(target: "bkd", range: TimeRange(t0, t0 + 200_000)).count, 30)
        await XCTAssertEqualAsync(try await new.opticalBaseline(port: "sw/sfp1", since: t0), -7)
        let icmp = ObservationSource(.icmp)
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'icmp_rollup_r300_d%'", database: location.database), "2")
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE '%_v2'", database: location.database), "0")
        // And it goes on recording into the partitions.
        let c = try await new.beginSource(icmp, at: t0 + 200_000, detail: EngineDetail())
        try await new.record(ObservationBatch(source: icmp, at: t0 + 200_000, icmpSamples: [
            ProbeSample(target: "bkd", at: t0 + 200_000, sent: 3, received: 3, rttsMs: [1, 2, 3], jitterMs: 0.5)]), session: c)
        await XCTAssertEqualAsync(try await new.rollupCounts()[300], 31)
        await new.close()
    }
}
