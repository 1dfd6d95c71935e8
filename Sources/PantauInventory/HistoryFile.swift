import Foundation
import PantauCore

/// Reads a history CSV (`target,state,from,to`) exported from a logbook or spreadsheet.
public enum HistoryFile {
    /// Parses and checks every row; throws `ConfigurationErrors` listing each bad row as `FILE:line: field: problem`.
    public static func read(path: String, knownTargets: Set<String>) throws -> [HistoryRow] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationErrors(diagnostics: [Diagnostic(file: path, line: 1, path: "(file)", message: "cannot be read as UTF-8 text")])
        }
        let rows: [CSVFile.Row]
        do { rows = try CSVFile.rows(text) } catch CSVFile.ParseError.unterminatedQuote(let l) {
            throw ConfigurationErrors(diagnostics: [Diagnostic(file: path, line: l, path: "(row)", message: "unterminated quote")])
        }
        var problems: [Diagnostic] = []
        guard let header = rows.first, header.fields.map({ $0.lowercased() }) == ["target", "state", "from", "to"] else {
            throw ConfigurationErrors(diagnostics: [Diagnostic(file: path, line: rows.first?.line ?? 1, path: "(header)",
                                                               message: "the first row must be 'target,state,from,to'")])
        }
        var out: [HistoryRow] = []
        for row in rows.dropFirst() {
            func bad(_ field: String, _ msg: String) { problems.append(Diagnostic(file: path, line: row.line, path: field, message: msg)) }
            guard row.fields.count == 4 else {
                bad("(row)", "expected 4 fields 'target,state,from,to', found \(row.fields.count)")
                continue
            }
            let f = row.fields
            var ok = true
            if !knownTargets.contains(f[0]) { bad("target", "no site or link with id '\(f[0])' in the inventory"); ok = false }
            let state = TargetState(rawValue: f[1])
            if state == nil { bad("state", "'\(f[1])' is not one of up|down|unknown"); ok = false }
            let from = ISO8601.parse(f[2]), to = ISO8601.parse(f[3])
            if from == nil { bad("from", "'\(f[2])' is not an ISO 8601 time with offset (e.g. 2026-03-02T08:00:00+07:00)"); ok = false }
            if to == nil { bad("to", "'\(f[3])' is not an ISO 8601 time with offset"); ok = false }
            if let from, let to, to <= from { bad("to", "ends before (or when) it starts"); ok = false }
            if ok, let state, let from, let to {
                out.append(HistoryRow(line: row.line, target: f[0], state: state, range: TimeRange(from, to)))
            }
        }
        if !problems.isEmpty { throw ConfigurationErrors(diagnostics: problems) }
        return out
    }
}
