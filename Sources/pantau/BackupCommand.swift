import ArgumentParser
import Foundation
import PantauSQLite
import PantauStoreKit

/// `pantau backup FILE`: an online, consistent copy of the database while the engine runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to FILE while the engine runs (SQLite online backup, checked before it is kept).")

    @OptionGroup var location: LocationOptions

    @Argument(help: "The new backup file (never overwritten).")
    var file: String

    func run() async throws {
        let store = try failing { try location.openStore(.readOnly) }
        try await failingAsync { try await store.backup(to: file) }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        print("backup written: \(file) (\(size / 1024) KiB, integrity checked)")
    }
}
