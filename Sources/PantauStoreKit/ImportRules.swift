import Foundation
import PantauCore

/// History import as pure functions, the same on every store: a file is refused whole when a
/// row ends in the future or two of its rows overlap (`checkFile`); against what is stored, a
/// row identical to an earlier import is already present, a row overlapping any recorded
/// interval of its target refuses the import, the rest is new (`classify`, one sweep over the
/// target's sorted rows and sorted stored intervals: O(n log n)).
public enum ImportRules {
    /// A stored interval of one target, as a store reads it (an open one ends at its session's
    /// end or last heartbeat, or at `now` while the engine is still recording it).
    public struct Stored: Sendable, Hashable {
        public var state: String
        public var from: EpochSeconds
        public var end: EpochSeconds
        /// The source's kind (`engine`, `import`) and id.
        public var kind: String
        public var source: Int64

        public init(state: String, from: EpochSeconds, end: EpochSeconds, kind: String, source: Int64) {
            self.state = state
            self.from = from
            self.end = end
            self.kind = kind
            self.source = source
        }
    }

    /// Problems of the file on its own (rows in the future, rows overlapping each other).
    public static func checkFile(_ rows: [HistoryRow], file: String, now: EpochSeconds, timeZone: TimeZone = .gmt) throws {
        var problems: [Diagnostic] = []
        for row in rows where row.range.end > now {
            problems.append(Diagnostic(file: file, line: row.line, path: "to",
                                       message: "ends in the future (\(ISO8601.format(row.range.end, in: timeZone)), after the import time \(ISO8601.format(now, in: timeZone))): only past history can be imported"))
        }
        for (_, group) in Dictionary(grouping: rows, by: \.target) {
            let sorted = group.sorted { $0.range < $1.range }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.range.overlaps(b.range) {
                problems.append(Diagnostic(file: file, line: b.line, path: "from", message: "overlaps line \(a.line) for target '\(b.target)'"))
            }
        }
        if !problems.isEmpty { throw ImportErrors(diagnostics: problems.sorted()) }
    }

    /// The rows of one target, by target, with the span a store reads stored intervals for.
    public static func byTarget(_ rows: [HistoryRow]) -> [(target: String, rows: [HistoryRow], span: TimeRange)] {
        Dictionary(grouping: rows, by: \.target).sorted { $0.key < $1.key }.map { target, group in
            let sorted = group.sorted { $0.range < $1.range }
            return (target, sorted, TimeRange(sorted.first!.range.start, sorted.map(\.range.end).max()!))
        }
    }

    /// Sorts one target's rows (sorted by start) against its stored intervals (sorted by start):
    /// new rows, rows already present, and the problems.
    public static func classify(_ rows: [HistoryRow], stored: [Stored], file: String, timeZone: TimeZone = .gmt)
        -> (fresh: [HistoryRow], present: Int, problems: [Diagnostic]) {
        var fresh: [HistoryRow] = [], present = 0, problems: [Diagnostic] = []
        // The largest end among stored[0...k]: intervals of different sources (several engines)
        // may overlap each other, so ends need not rise with starts.
        var maxEnd: [EpochSeconds] = []
        maxEnd.reserveCapacity(stored.count)
        for e in stored { maxEnd.append(max(maxEnd.last ?? .min, e.end)) }
        for row in rows {
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
                message: "overlaps recorded '\(e.state)' of '\(row.target)' from \(ISO8601.format(e.from, in: timeZone)) to \(ISO8601.format(e.end, in: timeZone)) (\(e.kind == "import" ? "imported" : "recorded by the engine"), source \(e.source))"))
        }
        return (fresh, present, problems)
    }
}
