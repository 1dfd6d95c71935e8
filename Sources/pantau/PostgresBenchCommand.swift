import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauPostgres
import PantauReports
import PantauSQLite
import PantauStoreKit

/// `pantau bench postgres`: several engines writing to one PostgreSQL, and the monthly
/// availability of thousands of sites read back from it (and from SQLite, side by side), for
/// scripts/bench-postgres.sh. Loopback or a server of the bench's own only: it writes synthetic
/// history into the database it is given, which must be empty.
struct PostgresBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "postgres",
                                                    abstract: "Engines writing to one PostgreSQL, and a month's availability of N sites from it (scripts/bench-postgres.sh).")
    @Option(help: "The (empty) PostgreSQL database: postgresql://USER@127.0.0.1:PORT/DB.") var to: String
    @Option(help: "Engines writing at the same time.") var engines: Int = 4
    @Option(help: "Sites per engine.") var sitesPerEngine: Int = 1000
    @Option(help: "Probe rounds each engine records.") var rounds: Int = 30
    @Option(help: "Sites in the availability month.") var sites: Int = 4000
    @Option(help: "Outages per site in the month.") var outages: Int = 10
    @Option(help: "FO cuts timed from state change to ticket (the correlator's latency).") var cuts: Int = 20

    func validate() throws {
        guard (1...16).contains(engines), (1...20_000).contains(sitesPerEngine), (1...1000).contains(rounds), (10...20_000).contains(sites),
              (0...200).contains(outages) else { throw ValidationError("--engines 1...16, --sites-per-engine up to 20000, --rounds up to 1000, --sites 10...20000") }
        let host = URLComponents(string: to)?.host ?? ""
        guard host.hasPrefix("127.") || host == "localhost" || host == "::1" else {
            throw ValidationError("the benchmark writes synthetic data: loopback servers only (127.0.0.1)")
        }
    }

    func run() async throws {
        let location = try failing { try PostgresLocation(to) }
        let logger = Logger(label: "bench")
        // 1. Ingest: every engine records `rounds` cycles of its sites (one probe sample per site,
        //    1% of the sites changing state per cycle), all engines at once, one connection each.
        let start = EpochSeconds(Date().timeIntervalSince1970) - EpochSeconds(rounds * 10)
        var stores: [PostgresStore] = []
        for e in 0..<engines { stores.append(try await failingAsync { try await PostgresStore.open(location, engine: "e\(e)", logger: logger) }) }
        let backends = try await withThrowingTaskGroup(of: Int32?.self) { g in
            for s in stores { g.addTask { try? await s.backendPID() } }
            var out: [Int32] = []
            for try await p in g { if let p { out.append(p) } }
            return out
        }
        let cpuBefore = backends.map(Self.cpuSeconds).reduce(0, +)
        let t0 = Date()
        try await record(stores, start: start)
        let ingest = Date().timeIntervalSince(t0)
        let cpu = backends.map(Self.cpuSeconds).reduce(0, +) - cpuBefore
        let observations = engines * sitesPerEngine * rounds
        print(String(format: "ingest: %d engines x %d sites x %d rounds = %d observations in %.2f s: %.0f observations/s, %.1f batches/s; "
                     + "PostgreSQL backends %.2f CPU-s (%.0f%% of one core)", engines, sitesPerEngine, rounds, observations, ingest,
                     Double(observations) / ingest, Double(engines * rounds) / ingest, cpu, cpu / ingest * 100))
        // The same work into one SQLite file (the embedded default): the same writers, one file.
        let ingestFile = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-bench-ingest-\(getpid()).sqlite").path
        defer { for ext in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ingestFile + ext) } }
        let ingestLite = try failing { try Store(path: ingestFile) }
        let t1 = Date()
        try await record(Array(repeating: ingestLite, count: engines), start: start)
        let liteSeconds = Date().timeIntervalSince(t1)
        print(String(format: "ingest, same work into one SQLite file: %.2f s: %.0f observations/s; ratio PostgreSQL/SQLite throughput %.2f",
                     liteSeconds, Double(observations) / liteSeconds, liteSeconds / ingest))

        // 2. A month of history for `sites` sites, the same rows in PostgreSQL and in a SQLite file,
        //    then the month's availability of every site from each (three runs, the median).
        let inv = WebBench.inventory(sites: sites)
        let query = try failing { try AvailabilityQuery(inventory: inv) }
        let month = YearMonth(query.calendar.localDate(of: EpochSeconds(Date().timeIntervalSince1970))).previous
        let span = query.calendar.range(of: month)
        let export = Self.history(inv, span: span, outages: outages)
        let loadStart = Date()
        _ = try await failingAsync { try await stores[0].loadHistoryAppending(export) }
        let loadPG = Date().timeIntervalSince(loadStart)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-bench-\(getpid()).sqlite").path
        defer { for ext in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + ext) } }
        let sqlite = try failing { try Store(path: file) }
        let rows = export.intervals.enumerated().map { HistoryRow(line: $0.offset + 2, target: $0.element.target, state: $0.element.state,
                                                                   range: TimeRange($0.element.from, $0.element.to!)) }
        _ = try await failingAsync { try await sqlite.importHistory(rows, file: "bench", at: span.end + 1) }
        print(String(format: "history: %d sites, %d intervals in %@ (PostgreSQL load %.2f s)", sites, export.intervals.count, month.description, loadPG))
        func timed(_ store: any HistoryStore) async throws -> (Double, [AvailabilityResult]) {
            var times: [Double] = [], last: [AvailabilityResult] = []
            for _ in 0..<3 {
                let t = Date()
                last = try await query.compute(store: store, span: span)
                times.append(Date().timeIntervalSince(t))
            }
            return (times.sorted()[1], last)
        }
        let (pg, a) = try await failingAsync { try await timed(stores[0]) }
        let (lite, b) = try await failingAsync { try await timed(sqlite) }
        print(String(format: "monthly availability of %d sites: PostgreSQL %.3f s, SQLite %.3f s (median of 3); ratio PostgreSQL/SQLite %.2f; figures %@",
                     a.count, pg, lite, pg / lite, a == b ? "identical" : "DIFFERENT"))
        for s in stores { await s.close() }
        if a != b { throw ExitCode(1) }
        try await failingAsync { try await correlatorLatency(location, inventory: inv, cuts: cuts) }
    }

    /// Every engine records `rounds` cycles of its sites at once (one store each, or one shared).
    func record(_ stores: [any HistoryStore & SessionStore], start: EpochSeconds) async throws {
        let (rounds, sitesPerEngine) = (self.rounds, self.sitesPerEngine)
        try await withThrowingTaskGroup(of: Void.self) { g in
            for (e, store) in stores.enumerated() {
                g.addTask {
                    let source = ObservationSource(.icmp, engine: "e\(e)")
                    let session = try await store.beginSource(source, at: start, detail: EngineDetail())
                    for r in 0..<rounds {
                        let at = start + EpochSeconds(r * 10)
                        let samples = (0..<sitesPerEngine).map { i in
                            ProbeSample(target: "e\(e)-opd\(i)", at: at, sent: 3, received: 3, rttsMs: [1.1, 1.2, 1.3], jitterMs: 0.1)
                        }
                        let changing = (0..<sitesPerEngine).filter { ($0 + r * 7) % 100 == 0 }
                        let obs = changing.map { i in
                            Observation(kind: .site, element: "e\(e)-opd\(i)", source: source,
                                        what: .state(from: .unknown, to: r % 2 == 0 ? .up : .down), since: at)
                        }
                        try await store.record(ObservationBatch(source: source, at: at, observations: obs, icmpSamples: samples), session: session)
                    }
                    try await store.endSource(session, at: start + EpochSeconds(rounds * 10), reason: "stopped")
                }
            }
            try await g.waitForAll()
        }
    }

    /// `outages` outages per site at seeded pseudo-random times (the same every run), closed intervals.
    static func history(_ inv: Inventory, span: TimeRange, outages: Int) -> HistoryExport {
        var rng = SplitMix(seed: 20261130)
        var intervals: [HistoryExport.Interval] = []
        for s in inv.sites {
            var cuts: [EpochSeconds] = (0..<outages).map { _ in span.start + EpochSeconds(rng.next() % UInt64(span.end - span.start - 7200)) }
            cuts.sort()
            var t = span.start
            for c in cuts where c > t {
                let end = min(span.end, c + 60 + EpochSeconds(rng.next() % 5400))
                intervals.append(.init(target: s.id, state: .up, from: t, to: c, source: 1))
                intervals.append(.init(target: s.id, state: .down, from: c, to: end, source: 1))
                t = end
            }
            if t < span.end { intervals.append(.init(target: s.id, state: .up, from: t, to: span.end, source: 1)) }
        }
        let source = HistoryExport.Source(id: 1, kind: "import", engine: "bench", prober: nil, startedAt: span.start, lastSeen: span.end,
                                          endedAt: span.end, endReason: "imported", detail: "bench")
        return HistoryExport(sources: [source], intervals: intervals)
    }

    /// utime + stime of a local process, in seconds (0 when it cannot be read: a remote server).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
        return (u + s) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// A small seeded generator (SplitMix64): the same synthetic history on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
