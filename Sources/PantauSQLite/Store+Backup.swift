import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Copies the database to `destination` with SQLite's online backup, consistent even while
    /// the engine writes: the copy goes to `destination.partial`, is checked (`integrity_check`)
    /// and only then renamed into place. Refuses to overwrite an existing file.
    public func backup(to destination: String) async throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw PantauError(.invalidInput, operation: "backing up the database", subject: destination,
                              message: "the file exists already; choose a new name (backups are never overwritten)")
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try pool.backup(to: copy)  // blocking: only the `backup` command calls it
            let result = try await copy.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
            guard result == "ok" else {
                throw PantauError(.storage, operation: "checking the backup", subject: partial, message: result ?? "no answer")
            }
            try copy.close()
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } catch let e as PantauError {
            try? FileManager.default.removeItem(atPath: partial)
            throw e
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw PantauError(.storage, operation: "backing up the database", subject: path, message: "\(error)")
        }
    }
}
