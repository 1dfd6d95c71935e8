import Foundation
import XCTest
import PantauCore
import PantauReports

/// Issue 29: the acceptance record both sides sign, in either language, with the SOP's duration
/// and a shortened test said as such. (The printed page is looked at in `BandwidthNamespaceTests`.)
final class AcceptanceDocumentTests: XCTestCase {
    let inv = Inventory(organization: "Diskominfo Kabupaten Uji", timezone: "Asia/Makassar", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1"),
        Site(id: "bkd", name: "Badan Kepegawaian Daerah", address: "10.0.0.2", uplinks: ["fo-bkd"]),
    ], links: [Link(id: "fo-bkd", kind: .foAerial, from: "dc", to: "bkd", bandwidthMbps: 100)], maintenance: [])

    func document(_ lang: LocalText.Language, seconds: Int, mbps: Double) throws -> (BandwidthAcceptanceDocument, String) {
        var spec = BandwidthTestSpec(target: "fo-bkd", server: "10.0.0.2", durationSeconds: seconds)
        spec.direction = .both
        let at = ISO8601.parse("2026-12-07T10:15:00+08:00")!
        let results = [BandwidthDirection.upload, .download].map { d in
            var r = BandwidthResult(target: "fo-bkd", at: at, direction: d, proto: .tcp, server: "10.0.0.2", durationSeconds: Double(seconds),
                                    senderBps: mbps * 1.02e6, receiverBps: mbps * 1e6, retransmits: 3)
            r.intervalsBps = [mbps * 0.9e6, mbps * 1e6, mbps * 1.01e6]
            return r
        }
        var report = ReportConfig()
        report.city = "Toboali"
        report.approver = .init(name: "Ir. Sari", title: "Kepala Dinas", nip: "197001011995032001")
        let doc = BandwidthAcceptanceDocument(link: inv.link("fo-bkd")!, inventory: inv, results: results, contractMbps: 100, config: BandwidthConfig(),
                                              report: report, parties: .init(number: "UT-007/2026", contractReference: "SPK 027/2026",
                                                                             officer: "Budi (NIP 1980)", vendor: "PT Serat Nusantara (Andi)"),
                                              spec: spec, at: at, lang: lang)
        return (doc, try doc.html())
    }

    func testTheRecordNamesBothSidesTheMethodAndTheDuration() throws {
        let (ok, id) = try document(.id, seconds: 600, mbps: 95)
        XCTAssertTrue(ok.view.passed)
        for needle in ["Nomor: UT-007/2026", "SPK 027/2026", "PT Serat Nusantara (Andi)", "Pelaksana / vendor", "Budi (NIP 1980)",
                       "iperf3 TCP, 1 aliran, unggah, lalu unduh", "10 menit per arah", "Toboali, 7 Desember 2026", "LULUS UJI TERIMA",
                       "<td>85,50</td>", "<td>95,00</td>", "Mengetahui", "Ir. Sari", "counter(pages)", "WITA"] {
            XCTAssertTrue(id.contains(needle), "lacks \(needle)")
        }
        XCTAssertFalse(id.contains("lebih singkat"), "a full 10-minute test is not called short")
        let (bad, en) = try document(.en, seconds: 30, mbps: 60)
        XCTAssertFalse(bad.view.passed)
        for needle in ["Number: UT-007/2026", "Installer / vendor", "iperf3 TCP, 1 stream, upload, then download", "30 seconds per direction",
                       "shorter than the 10 minutes", "ACCEPTANCE TEST NOT PASSED", "does not meet", "Toboali, 7 December 2026", "Page "] {
            XCTAssertTrue(en.contains(needle), "lacks \(needle)")
        }
        for word in ["unggah", "Pelaksana", "memenuhi", "Desember", "detik", "Halaman"] {
            XCTAssertFalse(en.contains(word), "Indonesian '\(word)' in the English record")
        }
    }
}
