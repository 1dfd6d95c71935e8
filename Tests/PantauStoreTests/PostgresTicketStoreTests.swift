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
}
