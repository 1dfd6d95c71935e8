import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit

/// `pantau report` and `pantau month` from the command line, as a Diskominfo office uses them:
/// a March in WITA with a holiday, history from a logbook, a ticket closed with the OPD's power
/// as cause; the PDF a manager signs; a closed month that does not move.
final class ReportCLITests: XCTestCase {
    var dir: URL!
    var common: [String] { ["--inventory", dir.appendingPathComponent("inventory").path, "--db", dir.appendingPathComponent("p.sqlite").path] }

    func pantau(_ args: [String], timeout: Double = 120) throws -> Harness.Output {
        try Harness.run(Harness.pantau, args + common, cwd: dir, timeout: timeout)
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func canonical(_ any: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: any, options: [.sortedKeys]), as: UTF8.self)
    }

    func writeInventory(maintenance: String = "") throws {
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        try """
            organization: Diskominfo Kota Uji
            timezone: Asia/Makassar
            calendar:
              workweek: [mon, tue, wed, thu, fri]
              hours: "08:00-16:00"
              hours_by_day: {fri: "08:00-16:30"}
              holidays: [libur.csv]
            sla: {availability_target_pct: 90, repair_working_days: 3}
            sites:
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: bkd, name: Badan Kepegawaian Daerah, address: 127.0.0.2, uplinks: [fo-bkd]}
              - {id: dinkes, name: Dinas Kesehatan, address: 127.0.0.3, uplinks: [fo-dinkes]}
              - {id: dishub, name: Dinas Perhubungan, address: 127.0.0.4, uplinks: [fo-dishub]}
            links:
              - {id: fo-bkd, kind: fo-aerial, from: dc, to: bkd}
              - {id: fo-dinkes, kind: fo-aerial, from: dc, to: dinkes}
              - {id: fo-dishub, kind: fo-aerial, from: dc, to: dishub}
            \(maintenance)
            """.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        try "date,name\n2026-03-19,Hari Suci Nyepi\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        try """
            report:
              letterhead: ["PEMERINTAH KOTA UJI", "DINAS KOMUNIKASI DAN INFORMATIKA", "Jl. Merdeka No. 1, Kota Uji"]
              city: Kota Uji
              signer: {name: Budi Santoso, title: Kepala Bidang Infrastruktur TIK, nip: "198001012005011001"}
              approver: {name: Siti Aminah, title: Kepala Dinas, nip: "197501012000032001"}
            """.write(to: pr.appendingPathComponent("report.yaml"), atomically: true, encoding: .utf8)
    }

    override func setUp() {
        dir = Harness.tempDir()
    }

    func testManagersGetASignableReportAndAClosedMonthDoesNotMove() async throws {
        try writeInventory()
        // March 2026 from a logbook: bkd loses 2 h on the 10th (no data), dinkes is down 3 h on the
        // 11th (the OPD's power, per the Berita Acara), dishub is down 30 working hours from the 16th.
        try """
            target,state,from,to
            dc,up,2026-03-01T00:00:00+08:00,2026-04-01T00:00:00+08:00
            bkd,up,2026-03-01T00:00:00+08:00,2026-03-10T09:00:00+08:00
            bkd,up,2026-03-10T11:00:00+08:00,2026-04-01T00:00:00+08:00
            dinkes,up,2026-03-01T00:00:00+08:00,2026-03-11T09:00:00+08:00
            dinkes,down,2026-03-11T09:00:00+08:00,2026-03-11T12:00:00+08:00
            dinkes,up,2026-03-11T12:00:00+08:00,2026-04-01T00:00:00+08:00
            dishub,up,2026-03-01T00:00:00+08:00,2026-03-16T08:00:00+08:00
            dishub,down,2026-03-16T08:00:00+08:00,2026-03-20T14:00:00+08:00
            dishub,up,2026-03-20T14:00:00+08:00,2026-04-01T00:00:00+08:00
            """.write(to: dir.appendingPathComponent("logbook.csv"), atomically: true, encoding: .utf8)
        var o = try pantau(["history", "import", dir.appendingPathComponent("logbook.csv").path])
        XCTAssertEqual(o.status, 0, o.stderr)
        do {  // the tickets the engine would have opened
            let store = try Store(path: dir.appendingPathComponent("p.sqlite").path, mode: .existing)
            let d = PriorityDecision(priority: .p3, impact: .medium, urgency: .medium, score: 3, reason: "uji")
            for (site, from, to, cause) in [("dinkes", "2026-03-11T09:00:00+08:00", "2026-03-11T12:00:00+08:00", SuspectedCause.opdDeviceOrPower),
                                            ("dishub", "2026-03-16T08:00:00+08:00", "2026-03-20T14:00:00+08:00", .foCut)] {
                let root = RootCause(element: .site(site), cause: cause, affectedSites: [site], startedAt: ISO8601.parse(from)!, evidence: ["uji"])
                _ = try await store.openTicket(root, decision: d, at: ISO8601.parse(from)! + 40, month: "2026-03", reopenWithin: 0)
                _ = try await store.resolveTicket(rootKey: root.key, recoveredAt: ISO8601.parse(to)!, at: ISO8601.parse(to)! + 30, detail: "pulih")
            }
        }
        o = try pantau(["tickets", "close", "GGN-2026-03-0001", "--officer", "Budi (NIP 198001012005011001)", "--problem", "Listrik padam",
                        "--work", "Perangkat dinyalakan kembali", "--cause", "opd-power"])
        XCTAssertEqual(o.status, 0, o.stderr)
        o = try pantau(["tickets", "close", "GGN-2026-03-0002", "--officer", "Budi", "--problem", "x", "--work", "y", "--cause", "listrik"])
        XCTAssertNotEqual(o.status, 0)
        XCTAssertTrue(o.stderr.contains("opd-power (opd)"), "an unknown cause lists the known ones: \(o.stderr)")

        // The report's experienced figures are `pantau availability`'s.
        o = try pantau(["availability", "--month", "2026-03", "--format", "json"])
        let avail = Dictionary(uniqueKeysWithValues: (try json(o.stdout)["sites"] as! [[String: Any]]).map { ($0["site"] as! String, $0) })
        o = try pantau(["report", "--month", "2026-03", "--format", "json"])
        XCTAssertEqual(o.status, 0, o.stderr)
        let provisional = try json(o.stdout)
        XCTAssertEqual(provisional["status"] as? String, "provisional")
        let figures = provisional["figures"] as! [String: Any]
        let opds = Dictionary(uniqueKeysWithValues: (figures["opds"] as! [[String: Any]]).map { ($0["site"] as! String, $0) })
        XCTAssertEqual(Set(opds.keys), ["bkd", "dinkes", "dishub"])
        for (site, a) in avail where site != "dc" {
            let t = opds[site]!["totals"] as! [String: Any]
            for key in ["scheduled_s", "up_s", "down_s", "unreachable_s", "unknown_s", "maintenance_s", "availability_pct", "known_availability_pct"] {
                XCTAssertEqual("\(t[key] ?? "nil")", "\(a[key] ?? "nil")", "\(site) \(key)")
            }
        }
        let dinkes = opds["dinkes"]!["totals"] as! [String: Any], dishub = opds["dishub"]!["totals"] as! [String: Any]
        XCTAssertEqual(dinkes["excused_s"] as? Int, 3 * 3600, "the OPD's power: not Diskominfo's")
        XCTAssertEqual(dinkes["accountable_known_pct"] as? Double, 100)
        XCTAssertEqual(dishub["excused_s"] as? Int, 0, "a fibre cut is Diskominfo's")
        XCTAssertEqual(opds["dishub"]!["accountable_meets_target"] as? Bool, false)
        let dishubPct = try XCTUnwrap(dishub["accountable_known_pct"] as? Double)
        // Every figure traceable: --explain lists the excused interval behind the accountable figure.
        o = try pantau(["availability", "--month", "2026-03", "--site", "dinkes", "--explain"])
        XCTAssertTrue(o.stdout.contains("dikecualikan    2026-03-11T09:00:00+08:00 .. 2026-03-11T12:00:00+08:00  3:00:00  GGN-2026-03-0001 (opd-power, opd)"), o.stdout)
        XCTAssertTrue(o.stdout.contains("tanggung jawab Diskominfo (laporan bulanan): 100.0000%"), o.stdout)

        // The PDF a manager signs: pages, names, figures in Indonesian notation, charts drawn.
        let pdf = dir.appendingPathComponent("laporan.pdf").path
        o = try pantau(["report", "--month", "2026-03", "--format", "pdf", "--out", pdf])
        XCTAssertEqual(o.status, 0, o.stderr)
        let text = try Harness.run("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
        XCTAssertTrue(text.contains("Halaman 1 dari"), text.prefix(3000).description)
        for needle in ["PEMERINTAH KOTA UJI", "Laporan Ketersediaan", "Maret 2026", "Badan Kepegawaian Daerah", "Dinas Perhubungan",
                       "SEMENTARA", "Hari Suci Nyepi", "GGN-2026-03-0002", "Cakupan data", "Budi Santoso", "NIP. 198001012005011001",
                       "Kota Uji,", Self.idPercent(dishubPct)] {
            XCTAssertTrue(text.contains(needle), "PDF text lacks '\(needle)'")
        }
        let pages = Int(try Harness.sh("/usr/bin/pdfinfo \(pdf) | awk '/^Pages:/ {print $2}'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        XCTAssertGreaterThanOrEqual(pages, 4)
        XCTAssertTrue(text.contains("Halaman \(pages) dari \(pages)"), "every page numbered")
        let png = dir.appendingPathComponent("p1").path
        XCTAssertEqual(try Harness.run("/usr/bin/pdftoppm", ["-r", "40", "-f", "1", "-l", "1", pdf, png]).status, 0)
        let page1 = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix("p1") && $0.hasSuffix(".ppm") })
        let (green, blue, red) = try Self.chartPixels(dir.appendingPathComponent(page1))
        XCTAssertGreaterThan(green, 300, "page 1's daily chart has its bars")
        XCTAssertGreaterThan(blue, 100, "page 1's incidents-by-cause chart has its bars")
        XCTAssertGreaterThan(red, 20, "the day dishub was cut off is red in the daily chart")

        // HTML: well-formed, offline, English on request.
        o = try pantau(["report", "--month", "2026-03", "--lang", "en"])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertTrue(o.stdout.contains("Intranet Service Availability Report") && o.stdout.contains(Self.enPercent(dishubPct)))
        for html in [o.stdout, try pantau(["report", "--month", "2026-03"]).stdout] {
            let parser = XMLParser(data: Data(html.replacingOccurrences(of: "<!DOCTYPE html>", with: "").utf8))
            XCTAssertTrue(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "") line \(parser.lineNumber)")
            XCTAssertNil(html.range(of: #"(src|href)\s*=\s*"(https?:|//)|url\(|@import"#, options: .regularExpression), "no external URL")
        }
        // CSV for spreadsheets.
        o = try pantau(["report", "--month", "2026-03", "--format", "csv"])
        XCTAssertEqual(o.stdout.split(separator: "\r\n").count, 4)
        XCTAssertTrue(o.stdout.hasPrefix("month,status,revision,site,name,scheduled_s"))
        o = try pantau(["report", "--month", "2026-03", "--format", "incidents-csv"])
        XCTAssertTrue(o.stdout.contains("GGN-2026-03-0001") && o.stdout.contains("opd-power,opd"), o.stdout)

        // Month close: the figures freeze, whatever is edited afterwards.
        o = try pantau(["month", "close", "2026-03", "--by", "Budi Santoso (NIP 198001012005011001)"])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertTrue(o.stdout.contains("closed, revision 0, SHA-256 "), o.stdout)
        let closed = try json(try pantau(["report", "--month", "2026-03", "--format", "json"]).stdout)
        XCTAssertEqual(closed["status"] as? String, "closed")
        XCTAssertTrue(o.stdout.contains(closed["hash"] as! String))
        let frozenFigures = try canonical(closed["figures"]!)
        try "date,name\n2026-03-19,Hari Suci Nyepi\n2026-03-20,Cuti Bersama Nyepi\n"
            .write(to: dir.appendingPathComponent("inventory/libur.csv"), atomically: true, encoding: .utf8)
        try writeInventory(maintenance: """
            maintenance:
              - {target: dishub, from: "2026-03-16T08:00:00+08:00", to: "2026-03-16T12:00:00+08:00", reason: penggantian tiang}
            """)
        try "date,name\n2026-03-19,Hari Suci Nyepi\n2026-03-20,Cuti Bersama Nyepi\n"
            .write(to: dir.appendingPathComponent("inventory/libur.csv"), atomically: true, encoding: .utf8)
        try "target,state,from,to\nbkd,down,2026-03-10T09:00:00+08:00,2026-03-10T11:00:00+08:00\n"
            .write(to: dir.appendingPathComponent("late.csv"), atomically: true, encoding: .utf8)
        o = try pantau(["history", "import", dir.appendingPathComponent("late.csv").path])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertTrue(o.stderr.contains("note: 2026-03 is closed"), "the import says the closed report will not show it: \(o.stderr)")
        let after = try json(try pantau(["report", "--month", "2026-03", "--format", "json"]).stdout)
        XCTAssertEqual(try canonical(after["figures"]!), frozenFigures, "a closed month's figures do not move")
        XCTAssertEqual(after["hash"] as? String, closed["hash"] as? String)
        o = try pantau(["check"])
        XCTAssertEqual(o.status, 1, "editing a closed month is refused: \(o.stdout) \(o.stderr)")
        XCTAssertTrue(o.stderr.contains("libur.csv:3: holiday 2026-03-20"), o.stderr)
        XCTAssertTrue(o.stderr.contains("network.yaml:19: maintenance[0]"), o.stderr)
        XCTAssertTrue(o.stderr.contains("pantau month reopen 2026-03"), o.stderr)
        try (try String(contentsOf: dir.appendingPathComponent("probes/report.yaml"), encoding: .utf8) + "\n  closed_month_edits: warn\n")
            .write(to: dir.appendingPathComponent("probes/report.yaml"), atomically: true, encoding: .utf8)
        o = try pantau(["check"])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertTrue(o.stderr.contains("warning: ") && o.stderr.contains("holiday 2026-03-20"), o.stderr)

        // A correction is revision 1, with its reason; revision 0 stays retrievable.
        o = try pantau(["month", "reopen", "2026-03", "--reason", "log BKD 10 Maret ditemukan", "--by", "Budi"])
        XCTAssertEqual(o.status, 0, o.stderr)
        XCTAssertEqual(try json(try pantau(["report", "--month", "2026-03", "--format", "json"]).stdout)["status"] as? String, "provisional")
        o = try pantau(["month", "close", "2026-03", "--by", "Budi", "--note", "koreksi"])
        XCTAssertTrue(o.stdout.contains("revision 1"), o.stdout + o.stderr)
        let html = try pantau(["report", "--month", "2026-03"]).stdout
        XCTAssertTrue(html.contains("Revisi 1: log BKD 10 Maret ditemukan"), "revision labelled with its reason")
        let r0 = try json(try pantau(["report", "--month", "2026-03", "--revision", "0", "--format", "json"]).stdout)
        XCTAssertEqual(try canonical(r0["figures"]!), frozenFigures)
        o = try pantau(["month", "list"])
        XCTAssertTrue(o.stdout.contains("revision 0") && o.stdout.contains("reopened") && o.stdout.contains("revision 1"), o.stdout)
    }

    /// Without WeasyPrint the PDF is refused with the package to install, and nothing is half-written.
    func testPDFWithoutWeasyPrintNamesThePackage() throws {
        try writeInventory()
        try "target,state,from,to\ndc,up,2026-03-01T00:00:00+08:00,2026-03-02T00:00:00+08:00\n"
            .write(to: dir.appendingPathComponent("h.csv"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try pantau(["history", "import", dir.appendingPathComponent("h.csv").path]).status, 0)
        let o = try Harness.sh("cd \(dir.path) && PATH=/nonexistent \(Harness.pantau) report --month 2026-03 --format pdf --out x.pdf \(common.joined(separator: " "))")
        XCTAssertNotEqual(o.status, 0)
        XCTAssertTrue(o.stderr.contains("apt-get install weasyprint"), o.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.pdf").path))
    }

    static func idPercent(_ d: Double) -> String { enPercent(d).replacingOccurrences(of: ".", with: ",") }
    static func enPercent(_ d: Double) -> String {
        let v = (Int64((d * 10_000).rounded()) + 50) / 100
        return "\(v / 100).\(v % 100 < 10 ? "0" : "")\(v % 100)%"
    }

    /// Counts strongly green, blue and red pixels of a binary PPM (P6) page image.
    static func chartPixels(_ url: URL) throws -> (Int, Int, Int) {
        let data = [UInt8](try Data(contentsOf: url))
        var fields: [String] = [], i = 0
        while fields.count < 4 {
            while data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09 { i += 1 }
            var s = ""
            while !(data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09) { s.append(Character(UnicodeScalar(data[i]))); i += 1 }
            fields.append(s)
        }
        i += 1
        var g = 0, b = 0, r = 0
        while i + 2 < data.count {
            let (R, G, B) = (Int(data[i]), Int(data[i + 1]), Int(data[i + 2]))
            if G > R + 40 && G > B + 40 { g += 1 }
            if B > R + 60 && B > G + 30 { b += 1 }
            if R > G + 80 && R > B + 80 { r += 1 }
            i += 3
        }
        return (g, b, r)
    }
}
