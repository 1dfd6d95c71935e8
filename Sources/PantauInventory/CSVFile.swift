import Foundation
import PantauCore

/// A minimal RFC 4180 reader: comma-separated, double quotes around fields that need them.
enum CSVFile {
    struct Row {
        let line: Int
        let fields: [String]
    }

    enum ParseError: Error { case unterminatedQuote(line: Int) }

    /// Splits text into rows, skipping blank lines and `#` comments, with 1-based line numbers.
    static func rows(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        var lineNo = 0
        // "\r\n" is one Character in Swift: normalize line ends before splitting.
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(raw)
            if line.last == "\r" { line = line.dropLast() }
            if line.trimmingSpaces().isEmpty || line.first == "#" { continue }
            rows.append(Row(line: lineNo, fields: try split(line, lineNo)))
        }
        return rows
    }

    static func split(_ line: Substring, _ lineNo: Int) throws -> [String] {
        var fields: [String] = []
        var cur = ""
        var inQuotes = false
        var it = line.makeIterator()
        var pendingQuote = false
        while let c = it.next() {
            if inQuotes {
                if pendingQuote {
                    pendingQuote = false
                    if c == "\"" { cur.append("\""); continue }
                    inQuotes = false
                } else if c == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    cur.append(c)
                    continue
                }
            }
            if c == "," {
                fields.append(cur)
                cur = ""
            } else if c == "\"" && cur.isEmpty {
                inQuotes = true
            } else {
                cur.append(c)
            }
        }
        if pendingQuote { inQuotes = false }
        if inQuotes { throw ParseError.unterminatedQuote(line: lineNo) }
        fields.append(cur)
        return fields.map { String(Substring($0).trimmingSpaces()) }
    }
}
