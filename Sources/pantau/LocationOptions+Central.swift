import Foundation
import Logging
import PantauPostgres
import PantauSQLite
import PantauStoreKit
import PantauWeb

/// Every store protocol a command may need; the SQLite `Store` and `PostgresStore` both conform.
typealias CommandStore = WebStore & MonthCloseStore & TrafficStore & BandwidthStore

extension LocationOptions {
    /// True when `--db` names the central PostgreSQL store.
    var isCentral: Bool { storeAddress.map(PostgresLocation.isURL) ?? false }

    /// Runs `body` on the store `--db` names: the SQLite file (opened with `mode`) or the central
    /// PostgreSQL store (connected for the call and closed after it).
    func withStore<T>(_ mode: Store.OpenMode, engine: String = "cli", _ body: (any CommandStore) async throws -> T) async throws -> T {
        guard let url = storeAddress, PostgresLocation.isURL(url) else {
            let store = try failing { try openStore(mode) }
            return try await failingAsync { try await body(store) }
        }
        let pg = try await failingAsync { try await PostgresStore.open(try PostgresLocation(url), engine: engine, logger: Logger(label: "pantau.cli")) }
        do {
            let value = try await failingAsync { try await body(pg) }
            await pg.close()
            return value
        } catch {
            await pg.close()
            throw error
        }
    }
}
