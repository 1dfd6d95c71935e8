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
            // One query per target and one sweep over its sorted rows: O(n log n) for the file
            // plus one pass over the target's stored intervals (a per-row query scanned the
            // target's history for every row: 196 s for 20,000 rows into 200,000).
            let existingSQL = try db.cachedStatement(sql: """
                SELECT i.state, i.from_s, COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) AS end_s, s.kind, s.id AS sid
                FROM state_interval i JOIN source s ON s.id = i.source_id
                WHERE i.target = ? AND i.from_s < ? AND COALESCE(i.to_s, s.ended_s, MAX(s.last_seen_s, ?)) > ?
                ORDER BY i.from_s
                """)
            for (target, group) in Dictionary(grouping: rows, by: \.target).sorted(by: { $0.key < $1.key }) {
                let sorted = group.sorted { $0.range < $1.range }
                let lo = sorted.first!.range.start, hi = sorted.map(\.range.end).max()!
                let stored = try Row.fetchAll(existingSQL, arguments: [now, target, hi, now, lo]).map {
                    (state: $0["state"] as String, from: $0["from_s"] as Int64, end: $0["end_s"] as Int64,
                     kind: $0["kind"] as String, sid: $0["sid"] as Int64)
                }
                // The largest end among stored[0...k]: intervals of different sources (several
                // engines) may overlap each other, so ends need not rise with starts.
                var maxEnd: [Int64] = []
                maxEnd.reserveCapacity(stored.count)
                for e in stored { maxEnd.append(max(maxEnd.last ?? .min, e.end)) }
                for row in sorted {
                    // k: the last stored interval that starts before the row ends (binary search).
                    var a = 0, b = stored.count
                    while a < b { let m = (a + b) / 2; if stored[m].from < row.range.end { a = m + 1 } else { b = m } }
                    var k = a - 1
                    guard k >= 0, maxEnd[k] > row.range.start else {
                        fresh.append(row)
                        continue
                    }
                    while stored[k].end <= row.range.start { k -= 1 }  // the latest one that overlaps
                    let e = stored[k]
                    let alone = k == 0 || maxEnd[k - 1] <= row.range.start
                    if alone, e.kind == "import", e.state == row.state.rawValue, e.from == row.range.start, e.end == row.range.end {
                        present += 1
                        continue
                    }
                    problems.append(Diagnostic(file: file, line: row.line, path: "from",
                        message: "overlaps recorded '\(e.state)' of '\(row.target)' from \(e.from) to \(e.end) (epoch s; \(e.kind) source \(e.sid))"))
                }
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
