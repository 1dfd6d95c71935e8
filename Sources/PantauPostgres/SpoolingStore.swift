import Foundation
import Logging
import PantauCore
import PantauSQLite
import PantauStoreKit

/// What a probe engine at a POP writes through: every session start, batch and end goes to
/// the local spool first (on disk before the call returns), then to PostgreSQL in order, each
/// applied once (receipts keyed by the spool's id and sequence). While the centre is
/// unreachable the engine goes on probing and the spool grows; when it returns the spool is
/// replayed with the original times, so an outage that began and ended meanwhile is recorded
/// as it happened. Reads go to the centre.
public actor SpoolingStore {
    public nonisolated let spool: Spool
    public nonisolated let location: PostgresLocation
    public nonisolated let engine: String
    let logger: Logger
    var central: PostgresStore?
    /// No new connection attempt before this (monotonic seconds): an unreachable centre does
    /// not slow every batch down.
    var retryAfter: Double = 0
    public private(set) var lastError: String?
    /// The spool's fsync'd writes run here, in call order, off the cooperative pool.
    nonisolated let disk = BlockingQueue(label: "pantau.spool", serial: true)
    /// A drain is under way: another caller only asks it to look again (an actor is reentrant,
    /// and two drains would forward the same entries side by side).
    var draining = false
    var drainAgain = false

    public init(spool: Spool, location: PostgresLocation, engine: String, logger: Logger) {
        self.spool = spool
        self.location = location
        self.engine = engine
        self.logger = logger
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The centre for reads, connecting when needed; throws while it is unreachable.
    func centre() async throws -> PostgresStore {
        guard let c = try await connection() else {
            throw PantauError(.storage, operation: "reaching the central store", subject: location.description,
                              message: lastError ?? "not reachable; retrying")
        }
        return c
    }

    /// The centre, connecting when needed: at most one attempt every 5 s while it is down (nil
    /// in between; a call in between never pushes the next attempt further away).
    func connection() async throws -> PostgresStore? {
        if let central { return central }
        guard Self.monotonic() >= retryAfter else { return nil }
        do {
            let c = try await PostgresStore.open(location, engine: engine, logger: logger, connectTimeout: 3)
            central = c
            if lastError != nil { logger.notice("central store reachable again; replaying the spool", metadata: ["backlog": "\((try? spool.backlog()) ?? -1)"]) }
            lastError = nil
            return c
        } catch {
            await lost(error)
            throw error
        }
    }

    func lost(_ error: Error) async {
        if lastError == nil { logger.warning("central store unreachable; spooling locally", metadata: ["error": "\(error)", "spool": "\(spool.path)"]) }
        lastError = "\(error)"
        retryAfter = Self.monotonic() + 5
        if let c = central {
            central = nil
            await c.close()
        }
    }

    /// Forwards what the spool holds, in order, until it is empty or the centre fails.
    /// Returns the entries forwarded (0 when a drain already under way takes them instead).
    @discardableResult
    public func drain(limit: Int = 10_000) async -> Int {
        guard !draining else {
            drainAgain = true
            return 0
        }
        draining = true
        defer { draining = false }
        var done = 0
        while done < limit {
            let batch: [(seq: Int64, entry: Spool.Entry)]
            do { batch = try await disk.run { [spool] in try spool.pending(limit: 200) } } catch {
                logger.error("the spool cannot be read", metadata: ["error": "\(error)"])
                return done
            }
            if batch.isEmpty {
                guard drainAgain else { return done }
                drainAgain = false
                continue
            }
            do {
                guard let c = try await connection() else { return done }
                for (seq, entry) in batch {
                    let key = "\(spool.id):\(seq)"
                    switch entry {
                    case .begin(let local, let source, let at, let detail):
                        let remote = try await timed(c) { try await $0.forwardBegin(key: key, source: source, at: at, detail: detail) }
                        try await disk.run { [spool] in try spool.taken(seq, remoteSession: (local, remote)) }
                    case .batch(let local, let b):
                        guard let remote = try await disk.run({ [spool] in try spool.remoteID(local) }) else { try await disk.run { [spool] in try spool.taken(seq) }; continue }
                        _ = try await timed(c) { try await $0.forwardBatch(key: key, b, session: remote) }
                        try await disk.run { [spool] in try spool.taken(seq) }
                    case .end(let local, let at, let reason):
                        if let remote = try await disk.run({ [spool] in try spool.remoteID(local) }) {
                            try await timed(c) { try await $0.forwardEnd(key: key, session: remote, at: at, reason: reason) }
                        }
                        try await disk.run { [spool] in try spool.taken(seq) }
                    case .recover:
                        _ = try await timed(c) { try await $0.recoverCrashedSessions() }
                        try await disk.run { [spool] in try spool.taken(seq) }
                    case .bandwidth(let results):
                        try await timed(c) { try await $0.forwardBandwidth(key: key, results) }
                        try await disk.run { [spool] in try spool.taken(seq) }
                    }
                    done += 1
                }
            } catch {
                await lost(error)
                return done
            }
        }
        return done
    }

    /// Seconds a forward may take before the centre counts as unreachable. A cut link drops
    /// packets silently (no reset): without this, a query would wait for TCP to give up, minutes.
    static let forwardTimeout: Double = 10

    /// Runs one forward with a deadline; past it the connection is closed (which fails the
    /// stuck query) and the entry stays in the spool for the next attempt.
    func timed<T: Sendable>(_ c: PostgresStore, _ op: @escaping @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let location = self.location
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await op(c) }
            group.addTask {
                try await Task.sleep(for: .seconds(Self.forwardTimeout))
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let value = first { return value }
            await c.close()
            throw PantauError(.storage, operation: "forwarding the spool", subject: location.description,
                              message: "no answer within \(Int(Self.forwardTimeout)) s (the link to the centre drops packets)")
        }
    }

    public func close() async {
        if let central { await central.close() }
        central = nil
    }
}

extension SpoolingStore: SessionStore, HistoryStore, SampleStore {
    /// One engine per spool file (the kernel's lock, released however the process ends).
    public nonisolated func claimEngine() throws -> EngineClaim {
        try EngineClaim.lock(spool.path + ".engine.lock", subject: spool.path)
    }

    /// Sessions the last run left open end at their last spooled instant (queued like the rest).
    public func recoverCrashedSessions() async throws -> RecoveryReport {
        var report = RecoveryReport()
        let spool = self.spool
        report.sessions = try await disk.run { try spool.recoverCrashed() }
        await drain()
        return report
    }

    public func beginSource(_ source: ObservationSource, at: EpochSeconds, detail: EngineDetail) async throws -> EngineSession {
        let spool = self.spool, encoded = detail.encoded
        let local = try await disk.run { try spool.begin(source, at: at, detail: encoded) }
        await drain()
        return EngineSession(id: local, startedAt: at, source: source)
    }

    public func endSource(_ session: EngineSession, at: EpochSeconds, reason: String) async throws {
        let spool = self.spool
        try await disk.run { try spool.end(session: session.id, at: at, reason: reason) }
        await drain()
    }

    /// On disk in the spool before this returns; forwarded now if the centre answers.
    public func record(_ batch: ObservationBatch, session: EngineSession) async throws {
        let spool = self.spool
        try await disk.run { try spool.append(batch, session: session.id) }
        await drain()
    }

    public func sourceHealth() async throws -> [SourceHealth] { try await centre().sourceHealth() }

    public nonisolated func checkIntegrity() throws {
        guard FileManager.default.fileExists(atPath: spool.path) else {
            throw PantauError(.storage, operation: "checking the spool", subject: spool.path, message: "the spool file is gone")
        }
    }

    public func history(overlapping range: TimeRange, targets: [String]?) async throws -> [String: [StateInterval]] {
        try await centre().history(overlapping: range, targets: targets)
    }
    public func currentStatus() async throws -> [String: TargetStatus] { try await centre().currentStatus() }
    public func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome {
        try await centre().importHistory(rows, file: file, at: now, timeZone: timeZone)
    }
    public func probeLast() async throws -> [String: (lossPct: Double?, rttMs: Double?)] { try await centre().probeLast() }
    public func linkLast() async throws -> [String: LinkLast] { try await centre().linkLast() }
    public func opticalBaseline(port: String, since: EpochSeconds) async throws -> Double? {
        try await centre().opticalBaseline(port: port, since: since)
    }
    public func rollupCounts() async throws -> [Int64: Int] { try await centre().rollupCounts() }
    public func icmpTotals(overlapping range: TimeRange) async throws -> [String: (sent: Int, received: Int)] {
        try await centre().icmpTotals(overlapping: range)
    }
    public func addTrapRejections(_ counts: [TrapRejectionCount]) async throws { try await centre().addTrapRejections(counts) }
    public func trapRejections() async throws -> [(source: String, reason: String, count: Int)] { try await centre().trapRejections() }
    public func prune(_ policy: RetentionPolicy, now: EpochSeconds) async throws -> PruneReport { try await centre().prune(policy, now: now) }
}

/// Bandwidth results go through the spool like everything written; reads go to the centre.
extension SpoolingStore: BandwidthStore {
    public func recordBandwidth(_ results: [BandwidthResult]) async throws {
        guard !results.isEmpty else { return }
        let spool = self.spool
        try await disk.run { try spool.appendBandwidth(results) }
        await drain()
    }
    public func bandwidthHistory(target: String, direction: BandwidthDirection?, limit: Int) async throws -> [BandwidthResult] {
        try await centre().bandwidthHistory(target: target, direction: direction, limit: limit)
    }
    /// Leases are the centre's (they must be seen by every engine): unreachable, they fail.
    public func acquireBandwidthLease(_ lease: BandwidthLease, now: EpochSeconds) async throws -> BandwidthLease? {
        try await centre().acquireBandwidthLease(lease, now: now)
    }
    public func releaseBandwidthLease(_ id: String) async throws { try await centre().releaseBandwidthLease(id) }
    public func bandwidthLeases(now: EpochSeconds) async throws -> [BandwidthLease] { try await centre().bandwidthLeases(now: now) }
}

/// Mirrored traffic is written with the batches (through the spool); reads go to the centre.
extension SpoolingStore: TrafficStore {
    public func opdTraffic(_ range: TimeRange, resolution: Int64, sites: [String]?) async throws -> [OPDTrafficSample] {
        try await centre().opdTraffic(range, resolution: resolution, sites: sites)
    }
    public func topTalkers(_ range: TimeRange) async throws -> [TalkerSample] { try await centre().topTalkers(range) }
    public func captureStatistics() async throws -> [(at: EpochSeconds, stats: CaptureStatistics)] { try await centre().captureStatistics() }
}
