import Foundation
import Synchronization
import XCTest
import PantauCore
@testable import PantauPostgres
@testable import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// Every store that keeps the contract, for the contract suites that run on each
/// (`TransactionIsolationTests`, `StoreContractTests.testEveryStoreKeepsTheContract`). A third
/// store joins them all by adding one entry here.
struct ContractStore: Sendable {
    typealias Whole = DataStore & HelpdeskStore & MonthCloseStore & UserStore

    struct Opened: Sendable {
        var store: any Whole
        /// The same store opened again, as the next process would (crash recovery).
        var reopen: @Sendable () async throws -> any Whole
        /// A transaction of the store's own that writes a ticket counter row for `month`, awaits,
        /// and fails (what a real write does when the server or the disk fails midway).
        var failing: @Sendable (String) async throws -> Void
        var close: @Sendable () async -> Void
    }

    var name: String
    var open: @Sendable () async throws -> Opened
}

enum ContractStores {
    /// The PostgreSQL server of the suites, started on first use and stopped by each suite's
    /// class tearDown (`stopServer`), so no server outlives the tests.
    static let shared = Mutex<PostgresServer?>(nil)

    static func server() -> PostgresServer? {
        shared.withLock { s in
            if s == nil { s = try? PostgresServer() }
            return s
        }
    }

    static func stopServer() {
        shared.withLock { s in
            s?.stop()
            s = nil
        }
    }

    static let all: [ContractStore] = [
        ContractStore(name: "sqlite") {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-contract-\(UUID().uuidString).sqlite").path
            let s = try Store(path: path)
            return ContractStore.Opened(store: s, reopen: { s }, failing: { month in
                try await s.write("a failing test transaction") { db in
                    try db.execute(sql: "INSERT INTO ticket_counter(month, last) VALUES (?, 1)", arguments: [month])
                    Thread.sleep(forTimeInterval: 0.3)  // the other task's write arrives meanwhile
                    throw PantauError(.storage, operation: "testing", subject: month, message: "fails midway")
                }
            }, close: {})
        },
        ContractStore(name: "postgresql") {
            guard let server = ContractStores.server() else {
                throw XCTSkip("SKIPPED: no PostgreSQL server could be started (\(PostgresServer.binaries == nil ? "not installed; scripts/setup.sh installs it" : "see initdb/pg_ctl"))")
            }
            let url = try server.newDatabase("c_\(UUID().uuidString.prefix(8).lowercased())")
            let s = try await PostgresStore.open(try PostgresLocation(url, environment: [:]), engine: "local")
            return ContractStore.Opened(store: s, reopen: { s }, failing: { month in try await s.failingTransactionForTests(month) },
                                        close: { await s.close() })
        },
    ]
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
