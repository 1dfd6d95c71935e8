import ArgumentParser
import Foundation
import PantauCore
import PantauInventory
import PantauPostgres
import PantauSQLite
import PantauStoreKit

/// Where the inventory, probe profiles and database are; shared by every subcommand.
struct LocationOptions: ParsableArguments {
    @Option(help: "Inventory folder holding network.yaml and the holiday files.")
    var inventory: String = "inventory"

    @Option(help: "Probe profiles folder (default: the 'probes' folder next to the inventory folder).")
    var probes: String?

    @Option(help: "SNMP credentials file (default: $PANTAU_CREDENTIALS, else credentials.yaml in the inventory folder). Not committed.")
    var credentials: String?

    @Option(help: "The store: a SQLite file, or the central postgresql://USER@HOST:PORT/DATABASE (default: $PANTAU_DB, else ./pantau.sqlite).")
    var db: String?

    var probesDirectory: String {
        probes ?? ((inventory as NSString).standardizingPath as NSString).deletingLastPathComponent.appendingPath("probes")
    }

    /// The inventory folder, normalised.
    var inventoryDirectory: String { (inventory as NSString).standardizingPath }

    var databasePath: String { db ?? ProcessInfo.processInfo.environment["PANTAU_DB"] ?? "pantau.sqlite" }

    /// The store as configured (`--db`, else `$PANTAU_DB`, e.g. in a systemd unit), when one is.
    var storeAddress: String? { db ?? ProcessInfo.processInfo.environment["PANTAU_DB"] }

    /// Loads and validates the configuration; on errors prints every diagnostic and exits 1.
    /// `readOnly`: the command only reads (status, availability, tickets): secrets in `${ENV}`
    /// need not be set, since it sends nothing.
    func load(printWarnings: Bool = true, readOnly: Bool = false) throws -> LoadedConfiguration {
        var isDir: ObjCBool = false
        if let probes, !(FileManager.default.fileExists(atPath: probes, isDirectory: &isDir) && isDir.boolValue) {
            // Never fall back to the defaults silently: the thresholds would not be the ones asked for.
            printErr("pantau: --probes \(probes): no such folder (leave --probes out to use the 'probes' folder next to the inventory)")
            throw ExitCode(1)
        }
        do {
            let c = try InventoryLoader.load(inventoryDirectory: inventory, probesDirectory: probesDirectory,
                                             credentials: credentials, requireSecrets: !readOnly)
            // Warnings matter where something runs or is checked (`check`, `run`), not on every read.
            if printWarnings && !readOnly { for w in c.warnings { printErr("warning: \(w)") } }
            return c
        } catch let e as ConfigurationErrors {
            for d in e.diagnostics { printErr(d.description) }
            printErr("\(e.diagnostics.count) problem(s) found; fix them and run 'pantau check'.")
            throw ExitCode(1)
        }
    }

    /// Opens the database: `.create` for `run` and `history import`, `.existing` for commands
    /// that change tickets, `.readOnly` for commands that only read.
    func openStore(_ mode: Store.OpenMode) throws -> Store {
        if PostgresLocation.isURL(databasePath) {
            throw PantauError(.invalidInput, operation: "opening the store", subject: "--db",
                              message: "this command works on a SQLite file only (on the central PostgreSQL store use pg_dump for backups; "
                                + "see docs/deployment.md#6a-the-central-store-postgresql-several-probe-engines-one-correlator)")
        }
        return try Store(path: databasePath, mode: mode)
    }
}

extension String {
    func appendingPath(_ c: String) -> String { (self as NSString).appendingPathComponent(c) }
}

enum Language: String, ExpressibleByArgument, CaseIterable {
    case id, en
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

func printErr(_ s: String) {
    FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}

/// Reports a `PantauError` (or any error) as one clear line and exits 1.
func failing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as PantauError {
        printErr("pantau: \(e.description)")
        throw ExitCode(1)
    }
}

/// A usage mistake found while running (it needed the inventory to see it): the problem and the
/// subcommand's own usage line, as ArgumentParser prints for mistakes it finds itself.
func usageError(_ command: ParsableCommand.Type, _ message: String) -> ExitCode {
    let usage = Pantau.usageString(for: command)
    printErr("Error: \(message)")
    printErr(usage.hasPrefix("Usage:") ? usage : "Usage: \(usage)")
    return ExitCode.validationFailure
}
