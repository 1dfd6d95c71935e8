import Foundation
import XCTest
import PantauTestSupport

/// `pantau migrate` moves a single office's history (the demo's month of simulated history and
/// today's run) into a real PostgreSQL the test starts on loopback, and proves it by comparing
/// every month's availability computed from both stores.
final class MigrateTests: XCTestCase {
    func testMigrateCopiesTheHistoryAndTheAvailabilityIsIdentical() throws {
        let server: PostgresServer
        do { server = try PostgresServer() } catch { throw XCTSkip("SKIPPED: no PostgreSQL server: \(error)") }
        defer { server.stop() }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("kantor.sqlite").path
        let inv = Harness.packageRoot.appendingPathComponent("inventory").path
        let demo = try Harness.run(Harness.pantau, ["demo", "--no-web", "--speed", "600", "--minutes", "20", "--db", db, "--inventory", inv], timeout: 120)
        XCTAssertEqual(demo.status, 0, demo.stderr)

        // The password is never taken from the address.
        let refused = try Harness.run(Harness.pantau, ["migrate", "--inventory", inv, "--from", db,
                                                       "--to", "postgresql://pantau:rahasia@127.0.0.1:\(server.port)/pantau"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("PGPASSWORD") && !refused.stderr.contains("rahasia"), refused.stderr)

        let m = try Harness.run(Harness.pantau, ["migrate", "--inventory", inv, "--from", db, "--to", server.url], timeout: 120)
        XCTAssertEqual(m.status, 0, m.stdout + m.stderr)
        XCTAssertTrue(m.stdout.contains("verified: every month's availability is identical in both stores"), m.stdout)
        let months = m.stdout.split(separator: "\n").filter { $0.contains(" sites, ") }
        XCTAssertGreaterThanOrEqual(months.count, 2, "last month's simulated history and this month's run: \(m.stdout)")
        XCTAssertTrue(months.allSatisfy { $0.hasSuffix("identical") }, m.stdout)
        // Down time was there to compare (the demo's outages), not an empty month.
        XCTAssertTrue(months.contains { !$0.contains(" 0 s down") }, m.stdout)
        let sqliteRows = try Harness.sh("sqlite3 \(db) 'SELECT COUNT(*) FROM state_interval'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try server.psql("SELECT COUNT(*) FROM state_interval"), sqliteRows)
        // Partitioned by month.
        let parts = try server.psql("SELECT COUNT(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'state_interval'")
        XCTAssertGreaterThanOrEqual(Int(parts) ?? 0, 2)
        // The same figures from the central store through the command line, month by month.
        for line in months {
            let month = String(line.prefix(7))
            let lite = try Harness.run(Harness.pantau, ["availability", "--month", month, "--format", "json", "--inventory", inv, "--db", db])
            let central = try Harness.run(Harness.pantau, ["availability", "--month", month, "--format", "json", "--inventory", inv, "--db", server.url])
            XCTAssertEqual(central.status, 0, central.stderr)
            XCTAssertEqual(central.stdout, lite.stdout, "pantau availability --month \(month): the same JSON from PostgreSQL and SQLite")
        }
        // A second run would double the history: refused.
        let again = try Harness.run(Harness.pantau, ["migrate", "--inventory", inv, "--from", db, "--to", server.url], timeout: 60)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("migrate into an empty database"), again.stderr)
    }
}
