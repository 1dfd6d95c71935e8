import Foundation
import PantauCore

// The store behind protocols split by concern. Callers (probers, correlator, notifier, faces)
// depend on these, never on SQL: the SQLite implementation (`PantauSQLite.Store`, GRDB) is the
// embedded default; PostgreSQL (`PantauPostgres`) the shared one. The rules both follow live in
// this module (`TicketRules`, `HelpdeskRules`, `MonthRules`, `ImportRules`): a store is SQL and
// row mapping under them.

/// Engine claims and source sessions (one per prober and engine), whose heartbeats end the
/// states they hold open.
public protocol SessionStore: Sendable {
    /// Claims the store for one engine for the life of the returned object.
    func claimEngine() throws -> EngineClaim
    /// Closes sessions left open by a crash at their last heartbeat.
    func recoverCrashedSessions() async throws -> RecoveryReport
    func beginSource(_ source: ObservationSource, at: EpochSeconds, detail: EngineDetail) async throws -> EngineSession
    func endSource(_ session: EngineSession, at: EpochSeconds, reason: String) async throws
    /// Every source session still running or ended recently, with its last cycle.
    func sourceHealth() async throws -> [SourceHealth]
    /// Throws when the storage is no longer the one that was opened (the file was deleted or replaced).
    func checkIntegrity() throws
}

/// State history: what the availability figures are computed from.
public protocol HistoryStore: Sendable {
    /// Records one source's batch atomically (changes, heartbeat, samples, cycle figures).
    func record(_ batch: ObservationBatch, session: EngineSession) async throws
    func history(overlapping range: TimeRange, targets: [String]?) async throws -> [String: [StateInterval]]
    func currentStatus() async throws -> [String: TargetStatus]
    /// `timeZone`: the one its problems name times in (the inventory's).
    func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome
}

extension HistoryStore {
    /// An import whose problems name times in UTC.
    public func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds) async throws -> ImportOutcome {
        try await importHistory(rows, file: file, at: now, timeZone: .gmt)
    }
}

/// Measurements and their rollups.
public protocol SampleStore: Sendable {
    func probeLast() async throws -> [String: (lossPct: Double?, rttMs: Double?)]
    func linkLast() async throws -> [String: LinkLast]
    func opticalBaseline(port: String, since: EpochSeconds) async throws -> Double?
    func rollupCounts() async throws -> [Int64: Int]
    func icmpTotals(overlapping range: TimeRange) async throws -> [String: (sent: Int, received: Int)]
    func addTrapRejections(_ counts: [TrapRejectionCount]) async throws
    func trapRejections() async throws -> [(source: String, reason: String, count: Int)]
    /// Drops (and compacts) what the retention policy no longer keeps.
    func prune(_ policy: RetentionPolicy, now: EpochSeconds) async throws -> PruneReport
}

/// Gangguan tickets and their history.
public protocol TicketStore: Sendable {
    /// Opens (or reopens) the ticket of a root (`TicketRules.opening`). `explaining`: root keys of
    /// live tickets this root explains; with the live reports on the sites it cuts off, the oldest
    /// of them takes the root instead of a new ticket opening (`.rerooted`), the others merge.
    func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                    prefix: String, explaining: [String],
                    messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange)
    func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                      messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket?
    func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws
    func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                       messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket?
    func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket
    func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket
    func closeTicket(_ number: String, beritaAcara: BeritaAcara, at: EpochSeconds, month: String?,
                     document: (@Sendable (Ticket, [TicketEvent]) -> String)?,
                     messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket
    func tickets(states: Set<Ticket.State>?) async throws -> [Ticket]
    func ticket(_ number: String) async throws -> Ticket?
    func ticketEvents(_ id: Int64) async throws -> [TicketEvent]
    func ticketEpisodes(_ id: Int64) async throws -> [TicketEpisode]
}

/// The durable notification outbox.
public protocol OutboxStore: Sendable {
    func pendingOutbox(at: EpochSeconds, limit: Int) async throws -> [OutboxMessage]
    func nextOutboxDue() async throws -> EpochSeconds?
    /// Written before a delivery starts (`attempts` counts it even if the process dies during the
    /// send; an unfinished one is then said in `outbox()`'s error, as maybe delivered).
    func beginAttempt(_ id: Int64, at: EpochSeconds) async throws
    func markSent(_ id: Int64, at: EpochSeconds) async throws
    func markFailed(_ id: Int64, error: String, retryAt: EpochSeconds?) async throws
    func outbox() async throws -> [(message: OutboxMessage, sentAt: EpochSeconds?, lastError: String?)]
    /// How many messages are not yet delivered.
    func outboxBacklog() async throws -> Int
}

/// Everything a single process needs.
public typealias DataStore = SessionStore & HistoryStore & SampleStore & TicketStore & OutboxStore

/// What pruning removed, per table.
public struct PruneReport: Sendable, Hashable {
    public var deleted: [String: Int] = [:]
    public init() {}
}

/// One source session as `status` shows it: is the prober alive and keeping up?
public struct SourceHealth: Sendable, Hashable {
    public var session: Int64
    public var prober: String
    public var engine: String
    public var startedAt: EpochSeconds
    public var lastSeen: EpochSeconds
    public var endedAt: EpochSeconds?
    public var endReason: String?
    public var cycle: CycleReport?
    /// What the engine run said when it began (`EngineDetail.notice`): a damaged spool moved aside.
    public var notice: String?

    public init(session: Int64, prober: String, engine: String, startedAt: EpochSeconds, lastSeen: EpochSeconds, endedAt: EpochSeconds?,
                endReason: String?, cycle: CycleReport?, notice: String? = nil) {
        self.notice = notice
        self.session = session
        self.prober = prober
        self.engine = engine
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.endedAt = endedAt
        self.endReason = endReason
        self.cycle = cycle
    }
}

/// Bandwidth test results.
public protocol BandwidthStore: Sendable {
    func recordBandwidth(_ results: [BandwidthResult]) async throws
    func bandwidthHistory(target: String, direction: BandwidthDirection?, limit: Int) async throws -> [BandwidthResult]
    /// Takes `lease` unless a live one shares a link with it (`BandwidthLeaseRules`): nil when
    /// taken, else the lease in the way. Expired leases (a process that died) are dropped.
    func acquireBandwidthLease(_ lease: BandwidthLease, now: EpochSeconds) async throws -> BandwidthLease?
    func releaseBandwidthLease(_ id: String) async throws
    /// The live leases (tests running now), for `status`.
    func bandwidthLeases(now: EpochSeconds) async throws -> [BandwidthLease]
}

/// Mirrored traffic per OPD and top talkers (the capture service writes them through the recorder).
public protocol TrafficStore: Sendable {
    func opdTraffic(_ range: TimeRange, resolution: Int64, sites: [String]?) async throws -> [OPDTrafficSample]
    func topTalkers(_ range: TimeRange) async throws -> [TalkerSample]
    /// The capture's latest counters per interface, with when they were written.
    func captureStatistics() async throws -> [(at: EpochSeconds, stats: CaptureStatistics)]
}

extension TicketStore {
    /// Opens with the default number prefix and no messages (tools and tests).
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64)
        async throws -> (Ticket, TicketChange) {
        try await openTicket(root, decision: decision, at: at, month: month, reopenWithin: reopenWithin, prefix: "GGN", explaining: [],
                             messages: { _, _ in [] })
    }

    /// Opens with a prefix, explaining nothing else.
    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           prefix: String, messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange) {
        try await openTicket(root, decision: decision, at: at, month: month, reopenWithin: reopenWithin, prefix: prefix, explaining: [],
                             messages: messages)
    }

    public func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64,
                           messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange) {
        try await openTicket(root, decision: decision, at: at, month: month, reopenWithin: reopenWithin, prefix: "GGN", explaining: [],
                             messages: messages)
    }

    public func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds) async throws -> Ticket? {
        try await updateTicket(rootKey: rootKey, root: root, affectedEver: affectedEver, decision: decision, at: at, messages: { _, _ in [] })
    }

    public func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String) async throws -> Ticket? {
        try await resolveTicket(rootKey: rootKey, recoveredAt: recoveredAt, at: at, detail: detail, messages: { _, _ in [] })
    }

    /// Closes without archiving or telling requesters (tools and tests; the helpdesk does both).
    public func closeTicket(_ number: String, beritaAcara: BeritaAcara, at: EpochSeconds) async throws -> Ticket {
        try await closeTicket(number, beritaAcara: beritaAcara, at: at, month: nil, document: nil, messages: { _, _ in [] })
    }
}

