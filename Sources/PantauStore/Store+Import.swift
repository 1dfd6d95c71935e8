import Foundation
import GRDB
import PantauCore

/// What an import did.
public struct ImportOutcome: Sendable, Hashable {
    public var added: Int
    public var alreadyPresent: Int

    public init(added: Int, alreadyPresent: Int) {
        self.added = added
        self.alreadyPresent = alreadyPresent
    }
}

/// The import was refused; nothing was written.
public struct ImportErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Store {
    /// Imports history rows in one transaction. Rows already imported identically are skipped
    /// (re-importing a file changes nothing); any row overlapping another row of the file or
    /// any recorded interval of the same target refuses the whole import, and so does a row
    /// that ends after `now` (history of the future would overlap what the engine records
    /// next and count tomorrow as down). An interval the engine is still recording counts as
    /// lasting until `now`.
    public func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds) async throws -> ImportOutcome {
        var problems: [Diagnostic] = []
        for row in rows where row.range.end > now {
            problems.append(Diagnostic(file: file, line: row.line, path: "to",
                                       message: "ends in the future (\(ISO8601.format(row.range.end, in: .gmt)), after the import time \(ISO8601.format(now, in: .gmt))): only past history can be imported"))
        }
        for (_, group) in Dictionary(grouping: rows, by: \.target) {
            let sorted = group.sorted { $0.range < $1.range }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.overlaps(b.range) {
                problems.append(Diagnostic(file: file, line: b.line, path: "from",
                                           message: "overlaps line \(a.line) for target '\(b.target)'"))
            }
        }
        if !problems.isEmpty { throw ImportErrors(diagnostics: problems.sorted()) }
        return try await write("importing history") { db in
            var fresh: [HistoryRow] = []
            var present = 0
            var problems: [Diagnostic] = []
            for row in rows {
                let existing = try Row.fetchAll(db, sql: """
                    SELECT i.state, i.from_s, COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) AS end_s, s.kind, s.id AS sid
                    FROM state_interval i JOIN source s ON s.id = i.source_id
                    WHERE i.target = ? AND i.from_s < ? AND COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) > ?
                    """, arguments: [now, row.target, row.range.end, now, row.range.start])
                if existing.count == 1, let e = existing.first, e["kind"] == "import", e["state"] == row.state.rawValue,
                   e["from_s"] == row.range.start, e["end_s"] == row.range.end {
                    present += 1
                    continue
                }
                if let e = existing.first {
                    let kind: String = e["kind"], sid: Int64 = e["sid"], st: String = e["state"]
                    let from: Int64 = e["from_s"], end: Int64 = e["end_s"]
                    problems.append(Diagnostic(file: file, line: row.line, path: "from",
                        message: "overlaps recorded '\(st)' of '\(row.target)' from \(from) to \(end) (epoch s; \(kind) source \(sid))"))
                    continue
                }
                fresh.append(row)
            }
            if !problems.isEmpty { throw ImportErrors(diagnostics: problems.sorted()) }
            guard !fresh.isEmpty else { return ImportOutcome(added: 0, alreadyPresent: present) }
            try db.execute(sql: "INSERT INTO source (kind, started_s, last_seen_s, ended_s, end_reason, detail) VALUES ('import', ?, ?, ?, 'imported', ?)",
                           arguments: [now, now, now, file])
            let sid = db.lastInsertedRowID
            let ins = try db.cachedStatement(sql: "INSERT INTO state_interval (target, state, from_s, to_s, source_id) VALUES (?, ?, ?, ?, ?)")
            for row in fresh {
                try ins.execute(arguments: [row.target, row.state.rawValue, row.range.start, row.range.end, sid])
            }
            try db.execute(sql: "INSERT INTO import_file (source_id, path, rows_added, rows_already_present, imported_s) VALUES (?, ?, ?, ?, ?)",
                           arguments: [sid, file, fresh.count, present, now])
            return ImportOutcome(added: fresh.count, alreadyPresent: present)
        }
    }
}
