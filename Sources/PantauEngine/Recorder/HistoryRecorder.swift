import Foundation
import Logging
import PantauBus
import PantauCore
import PantauStoreKit
import ServiceLifecycle
import Synchronization

/// The store writer: subscribes to the observation bus and records every batch, in order,
/// one transaction per batch, each source in its own session (its own heartbeat).
///
/// A store that fails (disk full, locked for a long time, file deleted) never stops the
/// probers: batches wait in memory, in order, and are retried with backoff; the error is
/// logged at once and once per episode, and shown by `health`. Nothing confirmed is lost
/// while the process lives. Past `giveUpAfter` seconds of failure the recorder throws, the
/// engine exits non-zero, and the supervisor restarts it (its start recovers the sessions).
public final class HistoryRecorder: Service, Sendable {
    public struct Policy: Sendable, Hashable {
        /// First retry after this many seconds, doubling up to `maxBackoff`.
        public var initialBackoff: Double = 0.5
        public var maxBackoff: Double = 10
        /// Give up (exit non-zero) after the store has failed this long without a success.
        public var giveUpAfter: Double = 300
        /// Check that the database file is still the one opened this often (seconds).
        public var integrityEvery: Double = 5
        /// Retention runs this often (seconds of engine time).
        public var pruneEvery: Double = 3600
        public var retention = RetentionPolicy()
        /// Where to write the store's health when an outage starts or ends, for `pantau status`
        /// in another process (a JSON file beside the database; nil: nowhere).
        public var healthFile: String?
        public init() {}
    }

    let store: any HistoryStore & SessionStore & SampleStore
    let subscription: ObservationSubscription
    let clock: any WallClock
    let logger: Logger
    let policy: Policy
    let detail: EngineDetail
    /// The current store outage, for `status` and the dashboard.
    public let health = Mutex(RecorderHealth())
    /// Every batch again, once it is durable: for consoles and anything that must announce
    /// only what a crash cannot take back.
    public let recorded: ObservationBus

    /// The other services' store faults, written into the same health file.
    public let faults: StoreFaultBoard
    /// Optional probers that cannot run now (capture), written into the same health file.
    public let proberFaults: StoreFaultBoard

    public init(store: any HistoryStore & SessionStore & SampleStore, bus: ObservationBus, clock: any WallClock, logger: Logger,
                policy: Policy = Policy(), detail: EngineDetail = EngineDetail(), faults: StoreFaultBoard = StoreFaultBoard(),
                proberFaults: StoreFaultBoard = StoreFaultBoard(), recorded: ObservationBus = ObservationBus()) {
        self.faults = faults
        self.proberFaults = proberFaults
        self.recorded = recorded
        self.store = store
        subscription = bus.subscribe("store writer")
        self.clock = clock
        self.logger = logger
        self.policy = policy
        self.detail = detail
        for board in [faults, proberFaults] {
            board.onChange { [weak self] _ in
                guard let self else { return }
                self.publishHealth(self.health.withLock { $0 })
            }
        }
    }

    final class RunState: @unchecked Sendable {
        var sessions: [ObservationSource: EngineSession] = [:]
        var pending: [ObservationBatch] = []
        var failingSince: Double?
        var lastIntegrity = -Double.infinity
        var lastPrune: Double
        init(lastPrune: Double) { self.lastPrune = lastPrune }
    }

    public func run() async throws {
        let state = RunState(lastPrune: clock.monotonic())
        // A new engine starts healthy: a file a crashed one left (failing at its death) must not speak for it.
        publishHealth(health.withLock { $0 })
        try await withGracefulShutdownHandler {
            // Read to the end: on shutdown the probers publish their last batches first (they
            // stop before the writer), then the subscription is finished and drained here.
            while let batch = await subscription.next() {
                state.pending.append(batch)
                state.pending += subscription.drain()
                try await flush(state)
            }
        } onGracefulShutdown: {
            self.subscription.finish()
        }
        // Cancelled rather than shut down: write what is already here, once.
        if !state.pending.isEmpty { try? await flush(state, retry: false) }
        recorded.finish()
    }

    /// Writes the pending batches in order; on failure waits and retries (or throws past the limit).
    func flush(_ state: RunState, retry: Bool = true) async throws {
        var backoff = policy.initialBackoff
        while !state.pending.isEmpty {
            do {
                try checkIntegrityWhenDue(state)
                while let batch = state.pending.first {
                    try await write(batch, state)
                    state.pending.removeFirst()
                }
                try await pruneWhenDue(state)
                recovered(state)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let now = clock.monotonic()
                if state.failingSince == nil {
                    state.failingSince = now
                    logger.error("store write failed; probing continues and results wait in memory",
                                 metadata: ["error": "\(error)", "pending": "\(state.pending.count)"])
                }
                let h = health.withLock {
                    $0.failingSince = $0.failingSince ?? clock.nowSeconds()
                    $0.lastError = "\(error)"
                    $0.pendingBatches = state.pending.count
                    return $0
                }
                publishHealth(h)
                guard retry else { throw error }
                if now - state.failingSince! >= policy.giveUpAfter {
                    logger.critical("store has failed for too long; stopping so a supervisor can restart the engine",
                                    metadata: ["error": "\(error)", "seconds": "\(Int(now - state.failingSince!))",
                                               "pending": "\(state.pending.count)"])
                    throw error
                }
                try await clock.sleep(untilMonotonic: now + backoff)
                backoff = min(backoff * 2, policy.maxBackoff)
                // New batches that arrived meanwhile join the queue, in order.
                state.pending += subscription.drain()
            }
        }
    }

    func write(_ batch: ObservationBatch, _ state: RunState) async throws {
        let session: EngineSession
        if let s = state.sessions[batch.source] {
            session = s
        } else {
            session = try await store.beginSource(batch.source, at: batch.at, detail: detail)
            state.sessions[batch.source] = session
        }
        try await store.record(batch, session: session)
        if batch.ended { state.sessions[batch.source] = nil }
        recorded.publish(batch)
    }

    func checkIntegrityWhenDue(_ state: RunState) throws {
        let now = clock.monotonic()
        guard now - state.lastIntegrity >= policy.integrityEvery else { return }
        try store.checkIntegrity()
        state.lastIntegrity = now
    }

    func pruneWhenDue(_ state: RunState) async throws {
        let now = clock.monotonic()
        guard now - state.lastPrune >= policy.pruneEvery else { return }
        state.lastPrune = now
        let report = try await store.prune(policy.retention, now: clock.nowSeconds())
        let total = report.deleted.values.reduce(0, +)
        if total > 0 { logger.info("pruned old measurements", metadata: ["rows": "\(total)"]) }
    }

    func recovered(_ state: RunState) {
        guard let since = state.failingSince else { return }
        state.failingSince = nil
        logger.notice("store writes work again; everything held in memory is recorded",
                      metadata: ["seconds": "\(Int(clock.monotonic() - since))"])
        let h = health.withLock { h in
            h.lastOutage = (h.failingSince ?? clock.nowSeconds(), clock.nowSeconds(), h.lastError ?? "")
            h.failingSince = nil
            h.pendingBatches = 0
            return h
        }
        publishHealth(h)
    }

    /// The system clock stepped against the engine's timeline (`ClockWatch`): said in the health file.
    public func noteClockStep(_ step: SteadyClock.Step?) {
        publishHealth(health.withLock { $0.clockStep = step; return $0 })
    }

    /// Writes the health file (atomically, by rename); failing to write it is not an error.
    func publishHealth(_ h: RecorderHealth) {
        guard let path = policy.healthFile else { return }
        var report = StoreHealth(failingSince: h.failingSince, lastError: h.lastError, pendingBatches: h.pendingBatches,
                                 lastOutageFrom: h.lastOutage?.from, lastOutageTo: h.lastOutage?.to, at: clock.nowSeconds())
        report.clockStep = h.clockStep
        let services = faults.current
        report.services = services.isEmpty ? nil : services
        let probers = proberFaults.current
        report.probers = probers.isEmpty ? nil : probers
        guard var data = try? JSONEncoder().encode(report) else { return }
        // Padded (JSON allows trailing blanks) so the file always owns `healthFileCapacity` bytes
        // of blocks: on a full disk, where the copy-and-rename cannot be written, the report is
        // overwritten in place, and `status` can still say why the engine fails.
        if data.count < Self.healthFileCapacity {
            data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: Self.healthFileCapacity - data.count))
        }
        let tmp = path + ".tmp"
        if FileManager.default.createFile(atPath: tmp, contents: data), rename(tmp, path) == 0 { return }
        unlink(tmp)
        Self.overwriteInPlace(path, data)
    }

    static let healthFileCapacity = 16 * 1024

    /// Writes `data` over the start of the existing file, padding to its size (no new blocks).
    static func overwriteInPlace(_ path: String, _ data: Data) {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, Int(st.st_size) >= data.count else { return }
        var padded = data
        padded.append(contentsOf: repeatElement(UInt8(ascii: " "), count: Int(st.st_size) - data.count))
        _ = padded.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}

/// The store writer's view of its own health.
public struct RecorderHealth: Sendable {
    /// Writes have failed since then (nil: writing works).
    public var failingSince: EpochSeconds?
    public var lastError: String?
    /// Batches held in memory, waiting to be written.
    public var pendingBatches = 0
    /// The last outage that ended: from, to, error.
    public var lastOutage: (from: EpochSeconds, to: EpochSeconds, error: String)?
    /// The last step of the system clock against the engine's timeline (nil: none, or undone).
    public var clockStep: SteadyClock.Step?
    public init() {}
}
