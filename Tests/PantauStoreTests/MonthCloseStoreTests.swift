import Foundation
import GRDB
import XCTest
import PantauCore
@testable import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// The database itself keeps a closed month's snapshot: no update, no delete, one reopen per revision.
final class MonthCloseStoreTests: XCTestCase {
    func testSnapshotsCannotBeChangedOrDeletedEvenWithSQL() async throws {
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-mcs-\(UUID().uuidString).sqlite").path)
        _ = try await store.closeMonth("2026-03", snapshot: "{\"a\":1}", hash: "h0", by: "Kabid", note: "", at: 100)
        for sql in ["UPDATE month_close SET snapshot = '{\"a\":2}'", "UPDATE month_close SET hash = 'x'", "UPDATE month_close SET closed_by = 'x'",
                    "DELETE FROM month_close"] {
            await XCTAssertThrowsErrorAsync(try await store.write("tampering") { db in try db.execute(sql: sql) }) { e in
                XCTAssertTrue("\(e)".contains("cannot be changed") || "\(e)".contains("are kept"), "\(sql): \(e)")
            }
        }
        _ = try await store.reopenMonth("2026-03", reason: "koreksi", by: "Kabid", at: 200)
        await XCTAssertThrowsErrorAsync(try await store.write("reopening twice") { db in
            try db.execute(sql: "UPDATE month_close SET reopened_s = 300, reopen_reason = 'lagi'")
        })
        await XCTAssertThrowsErrorAsync(try await store.reopenMonth("2026-03", reason: "lagi", by: "Kabid", at: 300))
        let rev1 = try await store.closeMonth("2026-03", snapshot: "{\"a\":3}", hash: "h1", by: "Kabid", note: "", at: 400)
        XCTAssertEqual(rev1.revision, 1)
        XCTAssertEqual(rev1.reason, "koreksi")
        let all = try await store.monthClosures("2026-03")
        XCTAssertEqual(all.map(\.snapshot), ["{\"a\":1}", "{\"a\":3}"])
        XCTAssertEqual(all.map(\.isInForce), [false, true])
    }
}
