import Foundation
import XCTest
import PantauCore
import PantauHelpdesk
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// Every helpdesk test of `HelpdeskTests` (reports joining the engine's ticket, escalation,
/// the archive, installation tickets), run on PostgreSQL: a real server of the test's own on
/// loopback, a fresh database per test.
final class PostgresHelpdeskTests: HelpdeskTests {
    static let server: PostgresServer? = try? PostgresServer()
    var opened: [PostgresStore] = []

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    override func tearDown() async throws {
        for s in opened { await s.close() }
        opened = []
    }

    override func makeStore() async throws -> any HelpdeskData & OutboxStore & SessionStore {
        guard let server = Self.server else { throw XCTSkip("SKIPPED: no PostgreSQL server could be started (scripts/setup.sh installs it)") }
        let url = try server.newDatabase("helpdesk_\(UUID().uuidString.prefix(8).lowercased())")
        let store = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "local")
        opened.append(store)
        return store
    }

    /// Declared here so Linux test discovery sees this class (it lists a subclass only when it
    /// declares a test); every inherited test runs too.
    override func testReportsWhileTheEngineTracksTheOutageJoinItsTicket() async throws {
        try await super.testReportsWhileTheEngineTracksTheOutageJoinItsTicket()
    }
}
