import Foundation
import GRDB
import PantauCore
import PantauStoreKit

extension Store {
    /// Imports history rows in one transaction. Rows already imported identically are skipped
    /// (re-importing a file changes nothing); any row overlapping another row of the file or
    /// any recorded interval of the same target refuses the whole import, and so does a row
    /// that ends after `now` (history of the future would overlap what the engine records
    /// next and count tomorrow as down). An interval the engine is still recording counts as
    /// lasting until `now`.
    public func importHistory(_ rows: [HistoryRow], file: String, at now: EpochSeconds, timeZone: TimeZone) async throws -> ImportOutcome {
        try ImportRules.checkFile(rows, file: file, now: now, timeZone: timeZone)
        return try await write("importing history") { db in
            var fresh: [HistoryRow] = []
            var present = 0
            var problems: [Diagnostic] = []
            // One query per target, then `ImportRules.classify` sweeps its sorted rows.
            let existingSQL = try db.cachedStatement(sql: """
                SELECT i.state, i.from_s, COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) AS end_s, s.kind, s.id AS sid
                FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.target = ? AND i.from_s < ? AND COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) > ?
                ORDER BY i.from_s
                """)
            for (target, sorted, span) in ImportRules.byTarget(rows) {
                let stored = try Row.fetchAll(existingSQL, arguments: [now, target, span.end, now, span.start]).map {
                    ImportRules.Stored(state: $0["state"], from: $0["from_s"], end: $0["end_s"], kind: $0["kind"], source: $0["sid"])
                }
                let c = ImportRules.classify(sorted, stored: stored, file: file, timeZone: timeZone)
                fresh += c.fresh
                present += c.present
                problems += c.problems
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

extension Store {
    /// Every source session and state interval, in id order (one read transaction).
    public func exportHistory() async throws -> HistoryExport {
        try await read("exporting the state history") { db in
            let sources = try Row.fetchAll(db, sql: "SELECT * FROM source ORDER BY id").map { r in
                HistoryExport.Source(id: r["id"], kind: r["kind"], engine: r["engine"] ?? "local", prober: r["prober"], startedAt: r["started_s"],
                                     lastSeen: r["last_seen_s"], endedAt: r["ended_s"], endReason: r["end_reason"], detail: r["detail"])
            }
            let intervals = try Row.fetchAll(db, sql: "SELECT target, state, from_s, to_s, source_id FROM state_interval ORDER BY id").compactMap { r in
                TargetState(rawValue: r["state"]).map {
                    HistoryExport.Interval(target: r["target"], state: $0, from: r["from_s"], to: r["to_s"], source: r["source_id"])
                }
            }
            return HistoryExport(sources: sources, intervals: intervals)
        }
    }
}
