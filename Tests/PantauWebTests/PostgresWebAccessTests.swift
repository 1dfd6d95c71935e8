import Foundation
import XCTest
import PantauPostgres
import PantauTestSupport
@testable import PantauWeb

/// Every access, session and API test of `WebAccessTests`, with the web face on the central
/// PostgreSQL store (a real server of the test's own on loopback, a fresh database per test):
/// `pantau web --db postgresql://…` serves the same pages with the same rules.
final class PostgresWebAccessTests: WebAccessTests {
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

    override func fixture() async throws -> WebFixture {
        guard let server = Self.server else { throw XCTSkip("SKIPPED: no PostgreSQL server could be started (scripts/setup.sh installs it)") }
        let url = try server.newDatabase("web_\(UUID().uuidString.prefix(8).lowercased())")
        let store = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "local")
        opened.append(store)
        return try await WebFixture(store: store)
    }

    /// Declared so Linux test discovery lists this class; every inherited test runs too.
    override func testEveryRouteNeedsALogin() async throws { try await super.testEveryRouteNeedsALogin() }
}
