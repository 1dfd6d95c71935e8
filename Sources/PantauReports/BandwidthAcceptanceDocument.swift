import Foundation
import Mustache
import PantauCore

/// The installation test record the service catalogs require for a new link: the measured
/// throughput each way against the contract, pass or fail, and signatures. Rendered from a
/// mustache template the office can replace (`templates/bandwidth-acceptance.mustache`).
public struct BandwidthAcceptanceDocument: Sendable {
    public struct View: Sendable {
        public struct Row: Sendable { public var cells: [String]; public var css: String }
        public var organization: String
        public var letterhead: [String]
        public var link: String
        public var linkName: String
        public var ends: String
        public var kind: String
        public var contract: String
        public var server: String
        public var date: String
        public var rows: [Row]
        public var passed: Bool
        public var verdict: String
        public var passMark: String
        public var officer: String
        public var city: String
        public var approverName: String
        public var approverTitle: String
        public var approverNIP: String
    }

    public let view: View

    public init(link: Link, inventory: Inventory, results: [BandwidthResult], contractMbps: Double?, config: BandwidthConfig,
                report: ReportConfig, officer: String, at: EpochSeconds) {
        let tz = TimeZone(identifier: inventory.timezone) ?? .current
        let x = ReportText(.id)
        let passMark = contractMbps.map { $0 * config.acceptancePct / 100 }
        var passed = contractMbps != nil && !results.isEmpty
        let rows = results.map { r -> View.Row in
            let ok = r.mbps.map { m in passMark.map { m >= $0 } ?? false } ?? false
            if !ok { passed = false }
            let share = zipShare(r.mbps, contractMbps)
            return View.Row(cells: [r.direction == .upload ? "unggah (ke \(r.server))" : "unduh (dari \(r.server))", r.proto.rawValue.uppercased(),
                                    r.mbps.map { LocalText.number(String(format: "%.2f", $0)) } ?? "-",
                                    r.senderBps.map { LocalText.number(String(format: "%.2f", $0 / 1_000_000)) } ?? "-",
                                    r.retransmits.map(String.init) ?? "-", share.map { x.pct($0) } ?? "-",
                                    r.error ?? (ok ? "memenuhi" : "tidak memenuhi")], css: ok ? "" : "bad")
        }
        let from = inventory.site(link.from)?.name ?? link.from, to = inventory.site(link.to)?.name ?? link.to
        view = View(organization: inventory.organization, letterhead: report.letterhead.isEmpty ? [inventory.organization] : report.letterhead,
                    link: link.id, linkName: link.name ?? link.id, ends: "\(from) - \(to)", kind: link.kind.rawValue,
                    contract: contractMbps.map { "\(LocalText.number(String(format: "%.0f", $0))) Mbps" } ?? "tidak tercatat di inventaris",
                    server: results.first.map { $0.server } ?? "-", date: LocalText.dateTime(at, in: tz), rows: rows, passed: passed,
                    verdict: passed ? "LULUS UJI TERIMA" : "TIDAK LULUS UJI TERIMA",
                    passMark: passMark.map { "\(LocalText.number(String(format: "%.1f", $0))) Mbps (\(x.pct(config.acceptancePct)) dari kontrak)" } ?? "-",
                    officer: officer, city: report.city, approverName: report.approver?.name ?? "", approverTitle: report.approver?.title ?? "",
                    approverNIP: report.approver?.nip ?? "")
    }

    public func html(templateFile: String? = nil) throws -> String {
        var text = Self.defaultTemplate
        if let templateFile, let custom = try? String(contentsOfFile: templateFile, encoding: .utf8) { text = custom }
        return try MustacheTemplate(string: text).render(view)
    }

    public static let defaultTemplate = #"""
    <!DOCTYPE html>
    <html lang="id"><head><meta charset="utf-8"/><title>Uji Terima Bandwidth {{link}}</title>
    <style>
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; margin: 2cm; }
    .kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 6px; } .kop div:first-child { font-weight: bold; font-size: 13pt; }
    h1 { font-size: 13pt; text-align: center; } table { border-collapse: collapse; width: 100%; margin: 8px 0; }
    th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; } tr.bad td { background: #ffebee; }
    table.f td, table.f th { border: none; } .verdict { font-size: 13pt; font-weight: bold; text-align: center; margin: 12px; }
    .sig { display: flex; justify-content: space-around; margin-top: 30px; } .sig div { width: 40%; text-align: center; } .space { height: 60px; }
    </style></head><body>
    <div class="kop">{{#letterhead}}<div>{{.}}</div>{{/letterhead}}</div>
    <h1>Berita Acara Uji Terima Bandwidth Jaringan Intra</h1>
    <table class="f">
    <tr><th>Tautan</th><td>{{linkName}} ({{link}}, {{kind}})</td></tr>
    <tr><th>Antara</th><td>{{ends}}</td></tr>
    <tr><th>Bandwidth kontrak</th><td>{{contract}}</td></tr>
    <tr><th>Batas lulus</th><td>{{passMark}}</td></tr>
    <tr><th>Server iperf3</th><td>{{server}}</td></tr>
    <tr><th>Waktu uji</th><td>{{date}}</td></tr>
    </table>
    <table><tr><th>Arah</th><th>Protokol</th><th>Diterima (Mbps)</th><th>Dikirim (Mbps)</th><th>Retransmisi</th><th>Dari kontrak</th><th>Hasil</th></tr>
    {{#rows}}<tr class="{{css}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</table>
    <p class="verdict">{{verdict}}</p>
    <div class="sig"><div>Petugas uji,<div class="space"></div>{{officer}}</div><div>Perwakilan OPD,<div class="space"></div>(..............................)</div></div>
    {{#approverName}}<div class="sig"><div>{{#city}}{{city}}, {{/city}}Mengetahui,<br/>{{approverTitle}}<div class="space"></div>{{approverName}}<br/>NIP. {{approverNIP}}</div></div>{{/approverName}}
    </body></html>
    """#
}

private func zipShare(_ mbps: Double?, _ contract: Double?) -> Double? {
    guard let m = mbps, let c = contract, c > 0 else { return nil }
    return (m / c * 100 * 10_000).rounded() / 10_000
}
