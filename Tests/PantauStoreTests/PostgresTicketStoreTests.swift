import Foundation
import XCTest
import PantauCore
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// Every ticket and outbox test of `TicketStoreTests`, run on PostgreSQL (a real server of the
/// test's own on loopback, a fresh database per test): the same calls, the same answers.
final class PostgresTicketStoreTests: TicketStoreTests {
    static let server: PostgresServer? = try? PostgresServer()

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    /// Stores opened by the current test, closed after it (a connection must be closed, not dropped).
    var opened: [PostgresStore] = []

    override func tearDown() async throws {
        for s in opened { await s.close() }
        opened = []
    }

    override func store() async throws -> any TicketStore & OutboxStore {
        guard let server = Self.server else {
            throw XCTSkip("SKIPPED: no PostgreSQL server could be started (\(PostgresServer.binaries == nil ? "not installed; scripts/setup.sh installs it" : "see initdb/pg_ctl"))")
        }
        let url = try server.newDatabase("tickets_\(UUID().uuidString.prefix(8).lowercased())")
        let store = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "correlator")
        opened.append(store)
        return store
    }

    override func testConcurrentOpenOfANewDatabase() throws {
        throw XCTSkip("a SQLite file's concurrent migration; PostgreSQL migrations are serialised by an advisory lock (StoreContractTests)")
    }

    /// Two processes on one ticket at once (the correlator widening an outage, a web face
    /// acknowledging it): each reads the row, the rules decide, the whole row is written. The row
    /// is locked while a transaction holds it, so neither change is lost.
    func testTwoProcessesChangingOneTicketLoseNothing() async throws {
        guard let server = Self.server else { throw XCTSkip("SKIPPED: no PostgreSQL server") }
        let url = try server.newDatabase("race_\(UUID().uuidString.prefix(8).lowercased())")
        let correlator = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "correlator")
        let web = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "web")
        opened += [correlator, web]
        let decision = self.decision
        for round in 0..<25 {
            let root = RootCause(element: .link("fo-\(round)"), cause: .foCut, affectedSites: ["opd1"], startedAt: 1000, evidence: ["down"])
            let (t, _) = try await correlator.openTicket(root, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
            async let widened = correlator.updateTicket(rootKey: root.key, root: root, affectedEver: ["opd1", "opd2"], decision: decision, at: 1200)
            async let acked = web.acknowledgeTicket(t.number, by: "Budi", at: 1200)
            _ = try await (widened, acked)
            let now = try await correlator.ticket(t.number)
            XCTAssertEqual(now?.state, .acknowledged, "round \(round): the acknowledgement was overwritten")
            XCTAssertEqual(now?.assignedTo, "Budi", "round \(round)")
            XCTAssertEqual(now?.affectedSites, ["opd1", "opd2"], "round \(round): the widening was overwritten")
        }
    }
}
