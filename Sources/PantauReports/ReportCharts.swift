import Foundation

/// The report's charts as SVG drawn by Pantau (no chart library, no script): the same markup
/// goes into the HTML page and the PDF. Colours carry meaning against the target and every
/// chart has its numbers in a table next to it.
public enum ReportCharts {
    static let green = "#2e7d32", lightGreen = "#81c784", amber = "#ffb300", red = "#d32f2f", gray = "#bdbdbd", blank = "#f2f2f2"

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func n(_ d: Double) -> String { String(format: "%.1f", d) }

    /// Colour of an availability against the target (nil: no data).
    static func color(_ pct: Double?, target: Double) -> String {
        guard let p = pct else { return gray }
        if p >= 99.5 { return green }
        if p >= target { return lightGreen }
        if p >= target - 15 { return amber }
        return red
    }

    /// One bar per day (working days coloured, others blank), a dashed target line.
    public static func dailyBars(_ days: [(label: String, pct: Double?, working: Bool)], target: Double, title: String) -> String {
        let w = 680.0, h = 190.0, left = 34.0, bottom = 22.0, top = 8.0
        let bw = (w - left - 4) / Double(max(days.count, 1))
        func y(_ p: Double) -> Double { top + (h - top - bottom) * (1 - p / 100) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"\(esc(title))\">"
        for p in [0.0, 50, 100] {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y(p)))\" x2=\"\(n(w - 2))\" y2=\"\(n(y(p)))\" stroke=\"#ddd\" stroke-width=\"1\"/>"
            s += "<text x=\"\(n(left - 4))\" y=\"\(n(y(p) + 3))\" font-size=\"9\" text-anchor=\"end\">\(Int(p))%</text>"
        }
        for (i, d) in days.enumerated() {
            let x = left + Double(i) * bw + 1
            if d.working {
                let p = d.pct ?? 100
                let c = color(d.pct, target: target)
                s += "<rect x=\"\(n(x))\" y=\"\(n(y(p)))\" width=\"\(n(bw - 2))\" height=\"\(n(y(0) - y(p)))\" fill=\"\(c)\"\(d.pct == nil ? " fill-opacity=\"0.6\"" : "")><title>\(esc(d.label)): \(d.pct.map { n($0) + "%" } ?? "-")</title></rect>"
            } else {
                s += "<rect x=\"\(n(x))\" y=\"\(n(y(100)))\" width=\"\(n(bw - 2))\" height=\"\(n(y(0) - y(100)))\" fill=\"\(blank)\"/>"
            }
            s += "<text x=\"\(n(x + bw / 2 - 1))\" y=\"\(n(h - 8))\" font-size=\"8\" text-anchor=\"middle\">\(esc(d.label))</text>"
        }
        s += "<line x1=\"\(n(left))\" y1=\"\(n(y(target)))\" x2=\"\(n(w - 2))\" y2=\"\(n(y(target)))\" stroke=\"#000\" stroke-dasharray=\"4 3\" stroke-width=\"1\"/>"
        s += "<text x=\"\(n(w - 4))\" y=\"\(n(y(target) - 3))\" font-size=\"9\" text-anchor=\"end\">target \(n(target))%</text>"
        return s + "</svg>"
    }

    /// OPD × day: one cell per day, coloured by that day's availability; non-working days blank.
    public static func heatMap(rows: [(name: String, cells: [Double?])], working: [Bool], dayLabels: [String], target: Double,
                               title: String) -> String {
        let nameW = 200.0, cell = 22.0, rowH = 15.0, top = 16.0
        let w = nameW + cell * Double(working.count) + 4, h = top + rowH * Double(rows.count) + 4
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"\(esc(title))\">"
        for (j, l) in dayLabels.enumerated() {
            s += "<text x=\"\(n(nameW + cell * Double(j) + cell / 2))\" y=\"11\" font-size=\"8\" text-anchor=\"middle\">\(esc(l))</text>"
        }
        for (i, r) in rows.enumerated() {
            let y = top + rowH * Double(i)
            let name = r.name.count > 34 ? String(r.name.prefix(33)) + "…" : r.name
            s += "<text x=\"\(n(nameW - 4))\" y=\"\(n(y + rowH - 3))\" font-size=\"8.5\" text-anchor=\"end\">\(esc(name))</text>"
            for (j, v) in r.cells.enumerated() {
                let fill = working[j] ? color(v, target: target) : blank
                s += "<rect x=\"\(n(nameW + cell * Double(j)))\" y=\"\(n(y))\" width=\"\(n(cell - 1))\" height=\"\(n(rowH - 1))\" fill=\"\(fill)\">"
                    + (working[j] ? "<title>\(esc(r.name)) \(esc(dayLabels[j])): \(v.map { n($0) + "%" } ?? "-")</title>" : "") + "</rect>"
            }
        }
        return s + "</svg>"
    }

    /// Horizontal bars with their counts.
    public static func bars(_ items: [(label: String, count: Int)], title: String) -> String {
        let w = 520.0, rowH = 20.0, labelW = 230.0
        let h = max(rowH * Double(items.count), rowH) + 6
        let top = Double(items.map(\.count).max() ?? 0)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"\(esc(title))\">"
        if items.isEmpty { s += "<text x=\"4\" y=\"14\" font-size=\"10\">-</text>" }
        for (i, it) in items.enumerated() {
            let y = Double(i) * rowH + 3
            let bw = top > 0 ? (w - labelW - 40) * Double(it.count) / top : 0
            s += "<text x=\"\(n(labelW - 6))\" y=\"\(n(y + 12))\" font-size=\"10\" text-anchor=\"end\">\(esc(it.label))</text>"
            s += "<rect x=\"\(n(labelW))\" y=\"\(n(y))\" width=\"\(n(max(bw, 1)))\" height=\"\(n(rowH - 6))\" fill=\"#1565c0\"/>"
            s += "<text x=\"\(n(labelW + bw + 4))\" y=\"\(n(y + 12))\" font-size=\"10\">\(it.count)</text>"
        }
        return s + "</svg>"
    }

    /// Monthly points joined by a line, with the target line.
    public static func trend(_ points: [(label: String, pct: Double?)], target: Double, title: String) -> String {
        let w = 680.0, h = 170.0, left = 34.0, bottom = 22.0, top = 10.0
        let lo = max(0, min(target - 10, points.compactMap(\.pct).min() ?? target) - 2)
        func y(_ p: Double) -> Double { top + (h - top - bottom) * (1 - (p - lo) / (100 - lo)) }
        let step = (w - left - 20) / Double(max(points.count - 1, 1))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"\(esc(title))\">"
        for p in [lo, 100] {
            s += "<line x1=\"\(n(left))\" y1=\"\(n(y(p)))\" x2=\"\(n(w - 2))\" y2=\"\(n(y(p)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(n(left - 4))\" y=\"\(n(y(p) + 3))\" font-size=\"9\" text-anchor=\"end\">\(Int(p.rounded()))%</text>"
        }
        s += "<line x1=\"\(n(left))\" y1=\"\(n(y(target)))\" x2=\"\(n(w - 2))\" y2=\"\(n(y(target)))\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
        var path: [String] = [], dots = ""
        for (i, p) in points.enumerated() {
            let x = left + 10 + Double(i) * step
            s += "<text x=\"\(n(x))\" y=\"\(n(h - 6))\" font-size=\"9\" text-anchor=\"middle\">\(esc(p.label))</text>"
            guard let v = p.pct else { continue }
            path.append("\(path.isEmpty ? "M" : "L")\(n(x)) \(n(y(v)))")
            dots += "<circle cx=\"\(n(x))\" cy=\"\(n(y(v)))\" r=\"3.5\" fill=\"\(color(v, target: target))\" stroke=\"#333\" stroke-width=\"0.6\"><title>\(esc(p.label)): \(n(v))%</title></circle>"
        }
        if path.count > 1 { s += "<path d=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\"/>" }
        return s + dots + "</svg>"
    }
}
