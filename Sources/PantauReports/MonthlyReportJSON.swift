import Crypto
import Foundation

/// A monthly report's JSON written piece by piece: the report without its OPDs, then each OPD
/// encoded on its own, so a 10,000-OPD month never holds its whole JSON (or the encoder's tree
/// of it) in memory. The bytes are those of encoding the whole report with the canonical options
/// (sorted keys): a provisional month's hash is computed from the same pieces as they are
/// written, so its figures are encoded once.
public enum MonthlyReportJSON {
    static let pending = "pantau-hash-computed-while-written"
    static let opdsKey = #""opds":[]"#

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// Writes `report` through `write` (chunks of about 64 KiB). A provisional report loaded
    /// with `hashed: false` (empty hash) gets its hash here, from the figures as written.
    public static func write(_ report: MonthlyReport, to write: (String) throws -> Void) throws {
        let e = encoder()
        let hashing = report.hash.isEmpty
        var skeleton = report
        skeleton.figures.opds = []
        if hashing { skeleton.hash = pending }
        let text = String(decoding: try e.encode(skeleton), as: UTF8.self)
        var figuresOnly = report.figures
        figuresOnly.opds = []
        let figuresText = String(decoding: try e.encode(figuresOnly), as: UTF8.self)
        guard let cut = text.range(of: opdsKey), text.ranges(of: opdsKey).count == 1,
              let fcut = figuresText.range(of: opdsKey), figuresText.ranges(of: opdsKey).count == 1 else {
            // The key is not where the split expects it: write the whole (same bytes, more memory).
            var whole = report
            if hashing { whole.hash = MonthSnapshot.hash(try MonthSnapshot.encode(report.figures)) }
            return try write(String(decoding: try e.encode(whole), as: UTF8.self))
        }
        var hasher = SHA256()
        var buffer = ""
        func emit(_ s: String, hashed: Bool) throws {
            if hashed { hasher.update(data: Data(s.utf8)) }
            buffer += s
            if buffer.utf8.count >= 65_536 {
                try write(buffer)
                buffer = ""
            }
        }
        try emit(String(text[..<cut.lowerBound]), hashed: false)
        hasher.update(data: Data(figuresText[..<fcut.lowerBound].utf8))
        try emit(#""opds":["#, hashed: true)
        for (i, opd) in report.figures.opds.enumerated() {
            try emit((i > 0 ? "," : "") + String(decoding: try e.encode(opd), as: UTF8.self), hashed: true)
        }
        try emit("]", hashed: true)
        hasher.update(data: Data(figuresText[fcut.upperBound...].utf8))
        var rest = String(text[cut.upperBound...])
        if hashing {
            let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            rest = rest.replacingOccurrences(of: pending, with: hash)
        }
        try emit(rest, hashed: false)
        if !buffer.isEmpty { try write(buffer) }
    }

    /// The whole report as one string (small reports, tests).
    public static func string(_ report: MonthlyReport) throws -> String {
        var out = ""
        try write(report) { out += $0 }
        return out
    }
}
