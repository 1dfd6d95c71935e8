import Foundation
import PantauCore
import PantauReports

/// Renders availability results as the JSON contract, CSV, a readable table, and an explanation.
enum AvailabilityFormat {
    static func json(month: YearMonth, _ results: [AvailabilityResult], key: String = "site") -> String {
        let report = AvailabilityReport(month: month, results, links: key == "link")
        return String(decoding: try! JSONEncoder.pantau.encode(report), as: UTF8.self)
    }

    static func csv(_ results: [AvailabilityResult]) -> String {
        var out = "site,scheduled_s,up_s,down_s,unreachable_s,unknown_s,maintenance_s,availability_pct,known_availability_pct,meets_target\n"
        for r in results {
            out += "\(r.target),\(r.scheduledSeconds),\(r.upSeconds),\(r.downSeconds),\(r.unreachableSeconds),"
                + "\(r.unknownSeconds),\(r.maintenanceSeconds),\(r.availability?.percentString() ?? ""),"
                + "\(r.knownAvailability?.percentString() ?? ""),\(r.meetsTarget.map { $0 ? "true" : "false" } ?? "")\n"
        }
        return out
    }

    static func table(month: YearMonth, _ results: [AvailabilityResult], names: [String: String], lang: Language,
                      organization: String, targetPct: Double, links: Bool = false) -> String {
        let id = lang == .id
        var head = id
            ? ["Situs", "Nama", "Jam kerja", "Aktif", "Putus", "Tak terjangkau", "Tanpa data", "Pemeliharaan", "Ketersediaan %", "Terukur %", "SLA"]
            : ["Site", "Name", "Scheduled", "Up", "Down", "Unreachable", "No data", "Maintenance", "Availability %", "Known %", "SLA"]
        if links { head[0] = id ? "Tautan" : "Link" }
        var rows: [[String]] = [head]
        for r in results {
            let sla: String = switch r.meetsTarget {
            case true?: id ? "memenuhi" : "met"
            case false?: id ? "TIDAK" : "MISSED"
            case nil: "-"
            }
            rows.append([r.target, String((names[r.target] ?? "").prefix(34)), hms(r.scheduledSeconds), hms(r.upSeconds),
                         hms(r.downSeconds), hms(r.unreachableSeconds), hms(r.unknownSeconds), hms(r.maintenanceSeconds),
                         r.availability?.percentString(decimals: 2) ?? "-", r.knownAvailability?.percentString(decimals: 2) ?? "-", sla])
        }
        let title = id
            ? "Ketersediaan jaringan \(organization), bulan \(month) (target SLA \(fmt(targetPct))% dari jam kerja)"
            : "Network availability, \(organization), month \(month) (SLA target \(fmt(targetPct))% of working time)"
        let note = id
            ? "Ketersediaan = aktif / (jam kerja - pemeliharaan); Terukur = aktif / (jam kerja - pemeliharaan - tanpa data). Durasi j:mm:dd."
            : "Availability = up / (scheduled - maintenance); Known = up / (scheduled - maintenance - no data). Durations h:mm:ss."
        return title + "\n\n" + TextTable.render(rows, rightAligned: Set(2...9)) + "\n" + note
    }

    static func explain(_ results: [AvailabilityResult], calendar: WorkingCalendar, month: YearMonth, lang: Language,
                        excused: [String: [ExcusedInterval]] = [:]) -> String {
        let id = lang == .id
        let tz = calendar.timeZone
        var out = "\n" + (id ? "Jam kerja bulan \(month) (\(tz.identifier)):" : "Working time in \(month) (\(tz.identifier)):") + "\n"
        for d in month.days {
            switch calendar.day(d) {
            case .working(let h, let rule): out += "  \(d) \(d.weekday.nameID.padding(toLength: 6, withPad: " ", startingAt: 0)) \(h) (\(rule))\n"
            case .holiday(let name): out += "  \(d) \(d.weekday.nameID.padding(toLength: 6, withPad: " ", startingAt: 0)) " + (id ? "libur: " : "holiday: ") + name + "\n"
            case .weekend: break
            }
        }
        for r in results {
            out += "\n\(r.target):\n"
            let parts: [(String, IntervalSet)] = [
                (id ? "putus" : "down", r.down), (id ? "tak terjangkau" : "unreachable", r.unreachable),
                (id ? "tanpa data" : "no data", r.unknown), (id ? "pemeliharaan" : "maintenance", r.maintenance),
            ]
            var any = false
            for (label, set) in parts {
                for range in set.ranges {
                    any = true
                    out += "  \(label.padding(toLength: 15, withPad: " ", startingAt: 0)) \(ISO8601.format(range.start, in: tz)) .. "
                        + "\(ISO8601.format(range.end, in: tz))  \(hms(range.duration))\n"
                }
            }
            if !any { out += id ? "  seluruh jam kerja aktif\n" : "  up for all working time\n" }
            // Behind the monthly report's second figure: outage whose Berita Acara cause is not Diskominfo's.
            if let ex = excused[r.target], !ex.isEmpty {
                for e in ex {
                    out += "  \((id ? "dikecualikan" : "excused").padding(toLength: 15, withPad: " ", startingAt: 0)) "
                        + "\(ISO8601.format(e.range.start, in: tz)) .. \(ISO8601.format(e.range.end, in: tz))  \(hms(e.range.duration))  "
                        + "\(e.ticket) (\(e.cause), \(e.party.rawValue))\n"
                }
                let acc = r.accountable(excusedWindows: ex.map(\.range))
                out += "  " + (id ? "tanggung jawab Diskominfo (laporan bulanan): " : "Diskominfo accountable (monthly report): ")
                    + "\(acc.knownAvailability.map { $0.percentString() + "%" } ?? "-") "
                    + (id ? "= aktif / (jam kerja - pemeliharaan - tanpa data - dikecualikan)" : "= up / (scheduled - maintenance - no data - excused)")
                    + "\n"
            }
        }
        return out
    }

    static func hms(_ s: Int64) -> String {
        let h = s / 3600, m = (s % 3600) / 60, sec = s % 60
        return "\(h):\(m < 10 ? "0" : "")\(m):\(sec < 10 ? "0" : "")\(sec)"
    }

    static func fmt(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}


/// Plain-text tables with aligned columns.
enum TextTable {
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        var lines: [String] = []
        for (n, r) in rows.enumerated() {
            let cells = r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }
            lines.append(cells.joined(separator: "  "))
            if n == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }
}
