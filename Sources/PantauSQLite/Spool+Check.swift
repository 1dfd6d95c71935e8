import Foundation
import GRDB
import PantauCore
import PantauStoreKit

/// A spool found damaged at start (a truncated file, a corrupt page): moved aside, never
/// silently replaced and never a reason to refuse to probe.
public struct SpoolDamage: Sendable, Hashable, CustomStringConvertible {
    /// Where the damaged file now is.
    public var movedTo: String
    /// What SQLite said.
    public var problem: String
    /// What could still be read of it: entries not yet forwarded and their time span.
    public var heldEntries: Int?
    public var heldFrom: EpochSeconds?
    public var heldTo: EpochSeconds?

    public var description: String {
        var s = "the spool was damaged (\(problem)); moved aside to \(movedTo)"
        if let n = heldEntries {
            s += n == 0 ? "; it held nothing readable" : "; it held \(n) readable entr\(n == 1 ? "y" : "ies") not yet forwarded"
                + (heldFrom.map { f in heldTo.map { " (\(f)..\($0))" } ?? "" } ?? "")
        } else {
            s += "; what it held cannot be read"
        }
        return s + ": they did not reach the centre (keep the file for a manual look); probing starts on a fresh spool"
    }
}

extension Spool {
    /// Opens the spool at `path` after checking it (`PRAGMA quick_check` and its tables). A
    /// damaged file (and its journal) is renamed `<path>.damaged-<time>`, and a fresh spool opens
    /// in its place; the damage is returned for the log and the operator.
    public static func openChecked(path: String, now: EpochSeconds) throws -> (Spool, SpoolDamage?) {
        guard FileManager.default.fileExists(atPath: path) else { return (try Spool(path: path), nil) }
        guard let problem = check(path) else { return (try Spool(path: path), nil) }
        let held = readable(path)
        let aside = "\(path).damaged-\(now)"
        for suffix in ["", "-wal", "-shm", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw PantauError(.storage, operation: "moving the damaged spool aside", subject: path + suffix,
                                  message: "\(String(cString: strerror(errno))) (\(problem)); move or remove it by hand, then start again")
            }
        }
        let damage = SpoolDamage(movedTo: aside, problem: problem, heldEntries: held?.count, heldFrom: held?.from, heldTo: held?.to)
        return (try Spool(path: path), damage)
    }

    /// nil when the file is a sound spool; else what is wrong with it.
    static func check(_ path: String) -> String? {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size == 0 { return "the file is empty (truncated to 0 bytes)" }
        do {
            var config = Configuration()
            config.readonly = true
            let q = try DatabaseQueue(path: path, configuration: config)
            defer { try? q.close() }
            return try q.read { db -> String? in
                let result = try String.fetchAll(db, sql: "PRAGMA quick_check")
                if result != ["ok"] { return "quick_check: " + result.prefix(3).joined(separator: "; ") }
                for table in ["meta", "session", "entry"] where try !db.tableExists(table) { return "no \(table) table (truncated?)" }
                return nil
            }
        } catch {
            return "\(error)"
        }
    }

    /// What can still be read of a damaged spool's entries.
    static func readable(_ path: String) -> (count: Int, from: EpochSeconds?, to: EpochSeconds?)? {
        var config = Configuration()
        config.readonly = true
        guard let q = try? DatabaseQueue(path: path, configuration: config) else { return nil }
        defer { try? q.close() }
        return try? q.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, min(at_s) AS a, max(at_s) AS b FROM entry") else { return nil }
            return (row["n"] as Int, row["a"] as EpochSeconds?, row["b"] as EpochSeconds?)
        }
    }
}
