import Foundation
import PantauCore
import PantauStoreKit

/// Charts drawn by the server as SVG (no chart library in the browser).
enum WebCharts {
    static let colours: [String: String] = ["up": "#2e7d32", "down": "#c62828", "unknown": "#9e9e9e", "unreachable": "#ef6c00"]

    /// A state bar over `range`: one rectangle per interval, `ticks` (instant, label) marked below
    /// (default: every three hours of a day).
    static func timeline(_ intervals: [StateInterval], range: TimeRange, tz: TimeZone, ticks: [(EpochSeconds, String)]? = nil,
                         words: [String: String] = [:]) -> String {
        let width = 720.0, height = 28.0
        let span = Double(max(1, range.duration))
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 14)\" role=\"img\" aria-label=\"\(words["timeline"] ?? "timeline")\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#eeeeee\"/>"
        for i in intervals {
            let s = max(i.range.start, range.start), e = min(i.range.end, range.end)
            guard e > s else { continue }
            let x = Double(s - range.start) / span * width, w = max(0.5, Double(e - s) / span * width)
            let fill = colours[i.state.rawValue] ?? "#9e9e9e"
            out += String(format: "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%.0f\" ", x, w, height)
                + "fill=\"\(fill)\"><title>\(words["state.\(i.state.rawValue)"] ?? i.state.rawValue) \(ISO8601.clock(s, in: tz))–\(ISO8601.clock(e, in: tz))</title></rect>"
        }
        let marks = ticks ?? stride(from: 0, through: 24, by: 3).map { (range.start + EpochSeconds($0) * 3600, String(format: "%02d", $0)) }
        for (t, label) in marks {
            let x = Double(t - range.start) / span * width
            out += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"9\" text-anchor=\"middle\">", min(max(x, 8), width - 8), height + 11)
                + TreeMarkup.escape(label) + "</text>"
        }
        return out + "</svg>"
    }

    /// RTT as a line and loss as red bars, per five-minute bucket.
    static func rtt(_ buckets: [ICMPBucket], range: TimeRange) -> String {
        let width = 720.0, height = 120.0
        let span = Double(max(1, range.duration))
        let maxRtt = max(1, buckets.compactMap(\.rttMs).max() ?? 1)
        var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height) + 14)\" role=\"img\" aria-label=\"RTT\" xmlns=\"http://www.w3.org/2000/svg\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#fafafa\" stroke=\"#ddd\"/>"
        var points: [String] = []
        for b in buckets {
            let x = Double(b.start - range.start) / span * width
            guard x >= 0, x <= width else { continue }
            if b.lossPct > 0 {
                let h = b.lossPct / 100 * height
                out += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ef9a9a\"/>", x, height - h, max(1, 300 / span * width), h)
            }
            if let r = b.rttMs { points.append(String(format: "%.1f,%.1f", x, height - r / maxRtt * (height - 4))) }
        }
        if !points.isEmpty { out += "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>" }
        out += String(format: "<text x=\"4\" y=\"12\" font-size=\"10\">max %.1f ms</text>", maxRtt)
        return out + "</svg>"
    }
}
