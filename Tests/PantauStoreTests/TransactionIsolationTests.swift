import Foundation
import XCTest
import PantauCore
@testable import PantauPostgres
@testable import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// A store under the contract: how to open one, and a transaction of its own that writes a row
/// and then fails after an await (what a real write does when the server or the disk fails
/// midway). A third store joins every contract test here by adding one entry to `stores`.
struct ContractStore: Sendable {
    var name: String
    var open: @Sendable () async throws -> (store: any TicketStore & OutboxStore, failing: @Sendable (String) async throws -> Void, close: @Sendable () async -> Void)
}

final class TransactionIsolationTests: XCTestCase {
    static let server: PostgresServer? = try? PostgresServer()

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    static let stores: [ContractStore] = [
        ContractStore(name: "sqlite") {
            let s = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-tx-\(UUID().uuidString).sqlite").path)
            return (s, { month in
                try await s.write("a failing test transaction") { db in
                    try db.execute(sql: "INSERT INTO ticket_counter(month, last) VALUES (?, 1)", arguments: [month])
                    Thread.sleep(forTimeInterval: 0.3)  // the other task's write arrives meanwhile
                    throw PantauError(.storage, operation: "testing", subject: month, message: "fails midway")
                }
            }, {})
        },
        ContractStore(name: "postgresql") {
            guard let server = TransactionIsolationTests.server else {
                throw XCTSkip("SKIPPED: no PostgreSQL server could be started (\(PostgresServer.binaries == nil ? "not installed; scripts/setup.sh installs it" : "see initdb/pg_ctl"))")
            }
            let url = try server.newDatabase("tx_\(UUID().uuidString.prefix(8).lowercased())")
            let s = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "correlator")
            return (s, { month in try await s.failingTransactionForTests(month) }, { await s.close() })
        },
    ]

    let root = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: ["opd1", "pop"], startedAt: 1000, evidence: ["ifOperStatus down"])
    let decision = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high x urgency high = P1")

    /// Two tasks on one store: one transaction writes, awaits and fails; the other opens a ticket
    /// meanwhile. The ticket is there, the failed transaction's row is not (before transactions
    /// were exclusive on PostgreSQL, the ticket's COMMIT committed the other task's half-done work).
    func testAFailingTransactionNeitherTakesNorLeavesAnotherTasksWork() async throws {
        for entry in Self.stores {
            let (store, failing, close) = try await entry.open()
            let failed = Task { do { try await failing("9999-01"); return false } catch { return true } }
            try await Task.sleep(for: .milliseconds(50))  // the failing transaction is under way first
            let (t, change) = try await store.openTicket(root, decision: decision, at: 2000, month: "2026-11", reopenWithin: 3600)
            let didFail = await failed.value
            XCTAssertTrue(didFail, "\(entry.name): the test transaction must fail")
            XCTAssertEqual(change, .opened, entry.name)
            let read = try await store.ticket(t.number)
            XCTAssertEqual(read?.state, .open, "\(entry.name): the ticket committed")
            // The failed transaction's counter row was rolled back: the month's first number is still 0001.
            let other = RootCause(element: .site("opd9"), cause: .siteDown, affectedSites: ["opd9"], startedAt: 1000, evidence: [])
            let (first, _) = try await store.openTicket(other, decision: decision, at: 2100, month: "9999-01", reopenWithin: 3600)
            XCTAssertEqual(first.number, "GGN-9999-01-0001", "\(entry.name): the failed transaction left its row behind")
            await close()
        }
    }

    /// Many tasks at once on one store: every ticket opened once, numbered without a gap or a twin.
    func testConcurrentOpeningsOnOneStoreNumberEveryTicketOnce() async throws {
        for entry in Self.stores {
            let (store, _, close) = try await entry.open()
            let decision = self.decision
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let r = RootCause(element: .site("opd\(i)"), cause: .siteDown, affectedSites: ["opd\(i)"], startedAt: 1000, evidence: [])
                        return try await store.openTicket(r, decision: decision, at: 2000, month: "2026-11", reopenWithin: 3600).0.number
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            XCTAssertEqual(Set(numbers), Set((1...20).map { Ticket.number(prefix: "GGN", month: "2026-11", sequence: $0) }), entry.name)
            await close()
        }
    }
}

extension PostgresStore {
    /// A transaction that writes a counter row, awaits, and fails (the isolation test's).
    func failingTransactionForTests(_ month: String) async throws {
        try await transaction("a failing test transaction") { c in
            try await c.query("INSERT INTO ticket_counter (month, last) VALUES (\(month), 1)", logger: logger)
            try await Task.sleep(for: .milliseconds(300))
            throw PantauError(.storage, operation: "testing", subject: month, message: "fails midway")
        }
    }
}
