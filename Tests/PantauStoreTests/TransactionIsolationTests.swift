import Foundation
import XCTest
import PantauCore
@testable import PantauPostgres
@testable import PantauSQLite
import PantauStoreKit
import PantauTestSupport

final class TransactionIsolationTests: XCTestCase {
    static let stores = ContractStores.all

    override class func tearDown() {
        ContractStores.stopServer()
        super.tearDown()
    }

    let root = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: ["opd1", "pop"], startedAt: 1000, evidence: ["ifOperStatus down"])
    let decision = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high x urgency high = P1")

    /// Two tasks on one store: one transaction writes, awaits and fails; the other opens a ticket
    /// meanwhile. The ticket is there, the failed transaction's row is not (before transactions
    /// were exclusive on PostgreSQL, the ticket's COMMIT committed the other task's half-done work).
    func testAFailingTransactionNeitherTakesNorLeavesAnotherTasksWork() async throws {
        for entry in Self.stores {
            let opened = try await entry.open()
            let (store, failing, close) = (opened.store, opened.failing, opened.close)
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
            let opened = try await entry.open()
            let (store, close) = (opened.store, opened.close)
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
