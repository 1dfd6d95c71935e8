import Foundation
import Mustache
import PantauCore

/// The installation test record the service catalogs require for a new link, a document both
/// sides sign: its number and the contract it accepts, the method (iperf3, protocol, streams,
/// directions, duration, server), the measured throughput each way against the contract with
/// the slowest and median interval, pass or fail, place and date, and signature lines for the
/// officer, the vendor/installer and the OPD (and who acknowledges it). Indonesian or English;
/// pages numbered when printed. Rendered from a mustache template the office can replace
/// (`templates/bandwidth-acceptance.mustache`).
public struct BandwidthAcceptanceDocument: Sendable {
    /// What the SOP asks for: a 10-minute test per direction.
    public static let sopSeconds = 600

    public struct Parties: Sendable {
        /// The document's number (the office's register).
        public var number: String
        /// The contract or work order (SPK) the link was installed under.
        public var contractReference: String?
        /// The officer who ran the test (name, NIP).
        public var officer: String
        /// The vendor/installer who signs with the office (company, name).
        public var vendor: String
        public init(number: String, contractReference: String?, officer: String, vendor: String) {
            self.number = number
            self.contractReference = contractReference
            self.officer = officer
            self.vendor = vendor
        }
    }

    public struct View: Sendable {
        public struct Row: Sendable { public var cells: [String]; public var css: String }
        public var lang: String
        public var t: Labels
        public var organization: String
        public var letterhead: [String]
        public var number: String
        public var contractReference: String
        public var link: String
        public var linkName: String
        public var ends: String
        public var kind: String
        public var contract: String
        public var method: String
        public var duration: String
        public var shortened: Bool
        public var server: String
        public var date: String
        public var rows: [Row]
        public var passed: Bool
        public var verdict: String
        public var passMark: String
        public var officer: String
        public var vendor: String
        public var placeDate: String
        public var approverName: String
        public var approverTitle: String
        public var approverNIP: String
        public var hasApprover: Bool
    }

    /// Every fixed text of the document in one language.
    public struct Labels: Sendable {
        public var title, number, contractRef, link, between, contract, passMark, method, duration, server, testedAt: String
        public var direction, proto, received, sent, minimum, median, retransmits, ofContract, result: String
        public var shortenedNote, officer, vendor, opd, acknowledged, page, of, notGiven: String

        static let id = Labels(
            title: "Berita Acara Uji Terima Bandwidth Jaringan Intra", number: "Nomor", contractRef: "Kontrak / SPK", link: "Tautan",
            between: "Antara", contract: "Bandwidth kontrak", passMark: "Batas lulus", method: "Metode", duration: "Durasi uji",
            server: "Server iperf3", testedAt: "Waktu uji", direction: "Arah", proto: "Protokol", received: "Diterima (Mbps)",
            sent: "Dikirim (Mbps)", minimum: "Terendah per detik (Mbps)", median: "Median per detik (Mbps)", retransmits: "Retransmisi",
            ofContract: "Dari kontrak", result: "Hasil",
            shortenedNote: "lebih singkat dari 10 menit yang diminta SOP instalasi (--duration)", officer: "Petugas uji Diskominfo",
            vendor: "Pelaksana / vendor", opd: "Perwakilan OPD", acknowledged: "Mengetahui", page: "Halaman", of: "dari",
            notGiven: "tidak disebut")
        static let en = Labels(
            title: "Intranet Bandwidth Acceptance Test Record", number: "Number", contractRef: "Contract / work order", link: "Link",
            between: "Between", contract: "Contracted bandwidth", passMark: "Pass mark", method: "Method", duration: "Test duration",
            server: "iperf3 server", testedAt: "Tested at", direction: "Direction", proto: "Protocol", received: "Received (Mbps)",
            sent: "Sent (Mbps)", minimum: "Slowest second (Mbps)", median: "Median second (Mbps)", retransmits: "Retransmits",
            ofContract: "Of contract", result: "Result",
            shortenedNote: "shorter than the 10 minutes the installation SOP asks for (--duration)", officer: "Diskominfo test officer",
            vendor: "Installer / vendor", opd: "OPD representative", acknowledged: "Acknowledged by", page: "Page", of: "of",
            notGiven: "not given")
    }

    public let view: View

    public init(link: Link, inventory: Inventory, results: [BandwidthResult], contractMbps: Double?, config: BandwidthConfig,
                report: ReportConfig, parties: Parties, spec: BandwidthTestSpec, at: EpochSeconds, lang: LocalText.Language = .id) {
        let tz = TimeZone(identifier: inventory.timezone) ?? .current
        let x = ReportText(lang)
        let en = lang == .en
        let t = en ? Labels.en : Labels.id
        let num = { (v: Double, f: String) in LocalText.number(String(format: f, v), lang) }
        let passMark = contractMbps.map { $0 * config.acceptancePct / 100 }
        var passed = contractMbps != nil && !results.isEmpty
        let rows = results.map { r -> View.Row in
            let ok = r.mbps.map { m in passMark.map { m >= $0 } ?? false } ?? false
            if !ok { passed = false }
            let share = zipShare(r.mbps, contractMbps)
            let each = r.intervalMbps
            let way = r.direction == .upload ? (en ? "upload (to \(r.server))" : "unggah (ke \(r.server))")
                                             : (en ? "download (from \(r.server))" : "unduh (dari \(r.server))")
            return View.Row(cells: [way, r.proto.rawValue.uppercased(), r.mbps.map { num($0, "%.2f") } ?? "-",
                                    r.senderBps.map { num($0 / 1_000_000, "%.2f") } ?? "-",
                                    each.map { num($0.minimum, "%.2f") } ?? "-", each.map { num($0.median, "%.2f") } ?? "-",
                                    r.retransmits.map(String.init) ?? "-", share.map { x.pct($0) } ?? "-",
                                    r.error ?? (ok ? (en ? "meets" : "memenuhi") : (en ? "does not meet" : "tidak memenuhi"))],
                            css: ok ? "" : "bad")
        }
        let from = inventory.site(link.from)?.name ?? link.from, to = inventory.site(link.to)?.name ?? link.to
        let seconds = spec.durationSeconds
        let minutes = seconds % 60 == 0 ? (en ? "\(seconds / 60) minute(s)" : "\(seconds / 60) menit") : (en ? "\(seconds) seconds" : "\(seconds) detik")
        let directions = results.map(\.direction)
        let wayText = directions.count > 1 ? (en ? "upload, then download" : "unggah, lalu unduh")
            : directions.first == .download ? (en ? "download" : "unduh") : (en ? "upload" : "unggah")
        let method = "iperf3 \(spec.proto.rawValue.uppercased())" + (spec.proto == .udp ? " \(num(spec.udpRateMbps ?? 10, "%.0f")) Mbps" : "")
            + (en ? ", 1 stream, \(wayText)" : ", 1 aliran, \(wayText)")
        let place = report.city.isEmpty ? "......................" : report.city
        view = View(lang: lang.rawValue, t: t, organization: inventory.organization,
                    letterhead: report.letterhead.isEmpty ? [inventory.organization] : report.letterhead,
                    number: parties.number, contractReference: parties.contractReference ?? t.notGiven,
                    link: link.id, linkName: link.name ?? link.id, ends: "\(from) - \(to)", kind: link.kind.rawValue,
                    contract: contractMbps.map { "\(num($0, "%.0f")) Mbps" } ?? (en ? "not in the inventory" : "tidak tercatat di inventaris"),
                    method: method, duration: (en ? "\(minutes) per direction" : "\(minutes) per arah"),
                    shortened: seconds < Self.sopSeconds, server: "\(spec.server):\(spec.port)",
                    date: LocalText.dateTime(at, in: tz, lang), rows: rows, passed: passed,
                    verdict: passed ? (en ? "ACCEPTANCE TEST PASSED" : "LULUS UJI TERIMA") : (en ? "ACCEPTANCE TEST NOT PASSED" : "TIDAK LULUS UJI TERIMA"),
                    passMark: passMark.map { "\(num($0, "%.1f")) Mbps (\(x.pct(config.acceptancePct)) \(en ? "of the contract" : "dari kontrak"))" } ?? "-",
                    officer: parties.officer, vendor: parties.vendor, placeDate: "\(place), \(LocalText.date(at, in: tz, lang))",
                    approverName: report.approver?.name ?? "", approverTitle: report.approver?.title ?? "", approverNIP: report.approver?.nip ?? "", hasApprover: report.approver != nil)
    }

    public func html(templateFile: String? = nil) throws -> String {
        var text = Self.defaultTemplate
        if let templateFile, let custom = try? String(contentsOfFile: templateFile, encoding: .utf8) { text = custom }
        return try MustacheTemplate(string: text).render(view)
    }

    public static let defaultTemplate = #"""
    <!DOCTYPE html>
    <html lang="{{lang}}"><head><meta charset="utf-8"/><title>{{t.title}} {{link}}</title>
    <style>
    @page { size: A4; margin: 2cm 2cm 2.2cm 2cm; @bottom-center { content: "{{t.page}} " counter(page) " {{t.of}} " counter(pages); font-size: 8.5pt; font-family: "DejaVu Sans", Arial, sans-serif; } }
    body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; }
    .kop { text-align: center; border-bottom: 3px double #000; padding-bottom: 6px; } .kop div:first-child { font-weight: bold; font-size: 13pt; }
    h1 { font-size: 13pt; text-align: center; margin-bottom: 2px; } .no { text-align: center; margin-top: 0; }
    table { border-collapse: collapse; width: 100%; margin: 8px 0; } thead { display: table-header-group; }
    th, td { border: 1px solid #999; padding: 3px 5px; text-align: left; } tr.bad td { background: #ffebee; }
    table.r { table-layout: fixed; font-size: 8.5pt; } table.r th, table.r td { overflow-wrap: break-word; padding: 3px 3px; } table.r th { font-size: 7.5pt; }
    table.r col.way { width: 17%; } table.r col.res { width: 13%; }
    table.f td, table.f th { border: none; padding: 2px 6px; } table.f th { width: 30%; }
    .verdict { font-size: 13pt; font-weight: bold; text-align: center; margin: 12px; } .note { font-style: italic; }
    .sigs { page-break-inside: avoid; margin-top: 18px; } .place { text-align: right; margin-bottom: 6px; }
    table.sig td { border: none; width: 33%; text-align: center; vertical-align: top; } .space { height: 60px; }
    </style></head><body>
    <div class="kop">{{#letterhead}}<div>{{.}}</div>{{/letterhead}}</div>
    <h1>{{t.title}}</h1>
    <p class="no">{{t.number}}: {{number}}</p>
    <table class="f">
    <tr><th>{{t.contractRef}}</th><td>{{contractReference}}</td></tr>
    <tr><th>{{t.link}}</th><td>{{linkName}} ({{link}}, {{kind}})</td></tr>
    <tr><th>{{t.between}}</th><td>{{ends}}</td></tr>
    <tr><th>{{t.contract}}</th><td>{{contract}}</td></tr>
    <tr><th>{{t.passMark}}</th><td>{{passMark}}</td></tr>
    <tr><th>{{t.method}}</th><td>{{method}}</td></tr>
    <tr><th>{{t.duration}}</th><td>{{duration}}{{#shortened}} <span class="note">({{t.shortenedNote}})</span>{{/shortened}}</td></tr>
    <tr><th>{{t.server}}</th><td>{{server}}</td></tr>
    <tr><th>{{t.testedAt}}</th><td>{{date}}</td></tr>
    </table>
    <table class="r"><colgroup><col class="way"/><col/><col/><col/><col/><col/><col/><col/><col class="res"/></colgroup>
    <thead><tr><th>{{t.direction}}</th><th>{{t.proto}}</th><th>{{t.received}}</th><th>{{t.sent}}</th><th>{{t.minimum}}</th><th>{{t.median}}</th><th>{{t.retransmits}}</th><th>{{t.ofContract}}</th><th>{{t.result}}</th></tr></thead>
    <tbody>{{#rows}}<tr class="{{css}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>
    <p class="verdict">{{verdict}}</p>
    <div class="sigs">
    <div class="place">{{placeDate}}</div>
    <table class="sig"><tr>
    <td>{{t.officer}},<div class="space"></div>{{officer}}</td>
    <td>{{t.vendor}},<div class="space"></div>{{vendor}}</td>
    <td>{{t.opd}},<div class="space"></div>(..............................)</td>
    </tr></table>
    {{#hasApprover}}<table class="sig"><tr><td></td><td>{{t.acknowledged}},<br/>{{approverTitle}}<div class="space"></div>{{approverName}}<br/>NIP. {{approverNIP}}</td><td></td></tr></table>{{/hasApprover}}
    </div>
    </body></html>
    """#
}

private func zipShare(_ mbps: Double?, _ contract: Double?) -> Double? {
    guard let m = mbps, let c = contract, c > 0 else { return nil }
    return (m / c * 100 * 10_000).rounded() / 10_000
}
