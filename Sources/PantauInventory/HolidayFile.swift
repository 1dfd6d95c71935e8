import Foundation
import PantauCore

/// One holiday CSV file (`date,name`), relative to the inventory folder.
struct HolidayFile {
    let file: String
    let line: Int
    let directory: String
    let sink: DiagnosticSink
    let yamlFile: String

    func read(into holidays: inout [LocalDate: String], sources: inout [LocalDate: String]) {
        let path = file.hasPrefix("/") ? file : (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            sink.add(yamlFile, line, "calendar.holidays", "holiday file '\(file)' not found or not UTF-8 (looked at \(path))")
            return
        }
        let rows: [CSVFile.Row]
        do { rows = try CSVFile.rows(text) } catch CSVFile.ParseError.unterminatedQuote(let l) {
            sink.add(path, l, "(row)", "unterminated quote")
            return
        } catch { return }
        guard let header = rows.first, header.fields.map({ $0.lowercased() }) == ["date", "name"] else {
            sink.add(path, rows.first?.line ?? 1, "(header)", "the first row must be 'date,name'")
            return
        }
        for row in rows.dropFirst() {
            guard row.fields.count == 2 else {
                sink.add(path, row.line, "(row)", "expected 2 fields 'date,name', found \(row.fields.count)")
                continue
            }
            guard let d = LocalDate(iso: row.fields[0]) else {
                sink.add(path, row.line, "date", "'\(row.fields[0])' is not a date (YYYY-MM-DD)")
                continue
            }
            guard !row.fields[1].isEmpty else {
                sink.add(path, row.line, "name", "holiday name is empty")
                continue
            }
            let source = "\(file):\(row.line)"
            sources[d] = sources[d].map { $0 + ", " + source } ?? source
            if let existing = holidays[d], existing != row.fields[1] {
                holidays[d] = existing + "; " + row.fields[1]
            } else {
                holidays[d] = row.fields[1]
            }
        }
    }
}
