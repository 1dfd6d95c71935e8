import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import XCTest
import PantauBus
import PantauCore
import PantauCorrelator
import PantauSQLite
import PantauStoreKit

/// A real SQLite store whose reads of the current states fail for a while (what a correlator
/// meets when it starts while the store is unreachable): every other call goes to the store.
final class UnreadableAtStart: TicketStore, HistoryStore, Sendable {
    let store: Store
    let failing = Mutex(true)
    let attempts = Mutex(0)
    init(_ store: Store) { self.store = store }

    func currentStatus() async throws -> [String: TargetStatus] {
        attempts.withLock { $0 += 1 }
        if failing.withLock({ $0 }) { throw PantauError(.storage, operation: "reading current status", subject: "test", message: "unreachable") }
        return try await store.currentStatus()
    }
    func record(_ batch: ObservationBatch, session: EngineSession) async throws { try await store.record(batch, session: session) }
    func history(overlapping range: TimeRange, targets: [String]?) async throws -> [String: [StateInterval]] {
        try await store.history(overlapping: range, targets: targets)
    }
    func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome {
        try await store.importHistory(rows, file: file, at: now, timeZone: timeZone)
    }
    func openTicket(_ root: RootCause, decision: PriorityDecision, at: EpochSeconds, month: String, reopenWithin: Int64, prefix: String,
                    explaining: [String], messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> (Ticket, TicketChange) {
        try await store.openTicket(root, decision: decision, at: at, month: month, reopenWithin: reopenWithin, prefix: prefix,
                                   explaining: explaining, messages: messages)
    }
    func updateTicket(rootKey: String, root: RootCause, affectedEver: [String], decision: PriorityDecision?, at: EpochSeconds,
                      messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await store.updateTicket(rootKey: rootKey, root: root, affectedEver: affectedEver, decision: decision, at: at, messages: messages)
    }
    func recordRelapse(rootKey: String, at: EpochSeconds, flaps: Int) async throws { try await store.recordRelapse(rootKey: rootKey, at: at, flaps: flaps) }
    func resolveTicket(rootKey: String, recoveredAt: EpochSeconds, at: EpochSeconds, detail: String,
                       messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket? {
        try await store.resolveTicket(rootKey: rootKey, recoveredAt: recoveredAt, at: at, detail: detail, messages: messages)
    }
    func acknowledgeTicket(_ number: String, by: String, at: EpochSeconds) async throws -> Ticket { try await store.acknowledgeTicket(number, by: by, at: at) }
    func resolveTicketManually(_ number: String, by: String, note: String, at: EpochSeconds) async throws -> Ticket {
        try await store.resolveTicketManually(number, by: by, note: note, at: at)
    }
    func closeTicket(_ number: String, beritaAcara: BeritaAcara, at: EpochSeconds, month: String?, document: (@Sendable (Ticket, [TicketEvent]) -> String)?,
                     messages: @escaping @Sendable (Ticket, TicketChange) -> [OutboxDraft]) async throws -> Ticket {
        try await store.closeTicket(number, beritaAcara: beritaAcara, at: at, month: month, document: document, messages: messages)
    }
    func tickets(states: Set<Ticket.State>?) async throws -> [Ticket] { try await store.tickets(states: states) }
    func ticket(_ number: String) async throws -> Ticket? { try await store.ticket(number) }
    func ticketEvents(_ id: Int64) async throws -> [TicketEvent] { try await store.ticketEvents(id) }
    func ticketEpisodes(_ id: Int64) async throws -> [TicketEpisode] { try await store.ticketEpisodes(id) }
}

/// The correlator started while the store cannot be read: it waits for the retry (no busy loop:
/// a handful of attempts in two seconds with a 0.5 s backoff), keeps what the bus brings, and opens
/// the ticket once the store answers.
final class CorrelatorStartTests: XCTestCase {
    func testAStoreUnreadableAtStartIsRetriedWithBackoffThenTheTicketOpens() async throws {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "Pusat Data", role: .core, address: "127.0.0.1"),
            Site(id: "opd1", name: "Dinkes", address: "127.0.0.3", uplinks: ["fo-opd1"]),
        ], links: [Link(id: "fo-opd1", kind: .foAerial, from: "dc", to: "opd1")], devices: [], maintenance: [])
        let sqlite = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-start-\(UUID().uuidString).sqlite").path)
        let store = UnreadableAtStart(sqlite)
        var config = IncidentConfig()
        config.settleSeconds = 0
        config.tracker.groupWindow = 0
        let bus = ObservationBus(), faults = StoreFaultBoard()
        let manager = IncidentManager(inventory: inv, config: config, store: store, bus: bus, clock: SystemWallClock(), logger: Logger(label: "test"),
                                      faults: faults, retry: StoreRetry(initial: 0.5, maximum: 0.5))
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [.init(service: manager)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let now = EpochSeconds(Date().timeIntervalSince1970), source = ObservationSource(.icmp, engine: "local")
            bus.publish(ObservationBatch(source: source, at: now, observations: [
                Observation(kind: .site, element: "dc", source: source, what: .state(from: .unknown, to: .up), since: now - 600),
                Observation(kind: .site, element: "opd1", source: source, what: .state(from: .up, to: .down), since: now - 120),
            ]))
            let cpuBefore = Self.processCPUSeconds()
            try await Task.sleep(for: .seconds(2))
            let cpu = Self.processCPUSeconds() - cpuBefore
            XCTAssertLessThan(cpu, 1.0, "waiting for the retry must not spin (\(cpu) s of CPU in 2 s)")
            let attempts = store.attempts.withLock { $0 }
            XCTAssertGreaterThanOrEqual(attempts, 2, "retried")
            XCTAssertLessThanOrEqual(attempts, 6, "a 0.5 s backoff for 2 s, not a busy loop (\(attempts) attempts)")
            XCTAssertNotNil(faults.current[IncidentManager.serviceName])
            let none = try await sqlite.tickets(states: nil)
            XCTAssertTrue(none.isEmpty)
            store.failing.withLock { $0 = false }
            let deadline = Date().addingTimeInterval(20)
            var opened: [Ticket] = []
            while Date() < deadline {
                opened = try await sqlite.tickets(states: [.open])
                if !opened.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            XCTAssertEqual(opened.map(\.rootKey), ["site:opd1"], "the outage seen while the store was away gets its ticket")
            XCTAssertTrue(faults.current.isEmpty)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
