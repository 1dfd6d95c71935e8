import Foundation
import PantauCore
import PantauSQLite
import PantauStoreKit
import XCTest

/// The engine's claim is a lock on the database file itself. Ending it must leave SQLite's own
/// locks in place: closing any descriptor of the file would drop them all (POSIX locks are per
/// process), and another process, taking itself for the last reader, would delete the journal
/// under this process's open connections (found: `pantau user token` beside the demo's
/// dashboard after its engine ended; the dashboard then read a "malformed" database).
final class EngineClaimLockTests: XCTestCase {
    func testAnEndedClaimLeavesTheJournalToTheConnectionsStillOpen() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-claim-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm", ".open.lock"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try Store(path: path)
        try await store.addUser(WebUser(name: "noc", displayName: "NOC", role: .noc), passwordHash: "x", actor: "test", at: 1_000)
        do { _ = try store.claimEngine() }  // an engine ran and ended; the dashboard goes on
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"))

        // Another process (a `pantau user` command) opens the database, writes, and closes.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        other.arguments = ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA busy_timeout = 5000'); "
                           + "c.execute(\"UPDATE web_user SET display_name = 'NOC Kota' WHERE name = 'noc'\"); c.commit(); c.close()", path]
        try other.run()
        other.waitUntilExit()
        XCTAssertEqual(other.terminationStatus, 0)

        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"), "the other process deleted the journal under our open connections")
        let users = try await store.users()
        XCTAssertEqual(users.map(\.displayName), ["NOC Kota"], "this process reads what the other one wrote")
    }
}
