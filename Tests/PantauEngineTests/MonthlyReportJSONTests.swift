import Foundation
import XCTest
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

/// Issue 30: `report --format json` for 10,000 OPDs held the whole JSON (and the encoder's tree
/// of it) twice in memory. Written piece by piece it is the same bytes as the whole encoding,
/// and a provisional month's hash, computed from the pieces as written, is the hash of its
/// canonical figures.
final class MonthlyReportJSONTests: XCTestCase {
    func t(_ s: String) -> EpochSeconds { ISO8601.parse(s)! }

    func testStreamedJSONIsTheWholeEncodingProvisionalAndClosed() async throws {
        let n = 60
        var sites = [Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1")]
        var links: [Link] = []
        var rows: [HistoryRow] = []
        for i in 0..<n {
            sites.append(Site(id: "opd\(i)", name: "Dinas \(i) \"Kota\" / Kab.", address: "10.0.1.\(i + 1)", uplinks: ["fo\(i)"]))
            links.append(Link(id: "fo\(i)", kind: .foAerial, from: "dc", to: "opd\(i)"))
            // Up, then down for i minutes on 10 March, then up; every third without data for a while.
            let down = t("2026-03-10T09:00:00+07:00")
            rows.append(HistoryRow(line: rows.count + 2, target: "opd\(i)", state: .up, range: TimeRange(t("2026-03-01T00:00:00+07:00"), down)))
            rows.append(HistoryRow(line: rows.count + 2, target: "opd\(i)", state: .down, range: TimeRange(down, down + EpochSeconds(60 * (i + 1)))))
            let back = down + EpochSeconds(60 * (i + 1)) + (i % 3 == 0 ? 7200 : 0)
            rows.append(HistoryRow(line: rows.count + 2, target: "opd\(i)", state: .up, range: TimeRange(back, t("2026-04-01T00:00:00+07:00"))))
        }
        let inv = Inventory(organization: "Diskominfo Uji", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: sites,
                            links: links, maintenance: [])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-rj-\(UUID().uuidString).sqlite").path
        let store = try Store(path: path)
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        _ = try await store.importHistory(rows, file: "logbook.csv", at: t("2026-04-02T00:00:00+07:00"))
        let builder = try MonthlyReportBuilder(inventory: inv, priority: PriorityPolicy(), report: ReportConfig())
        let march = YearMonth(year: 2026, month: 3)!
        let now = t("2026-04-02T08:00:00+07:00")

        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let whole = try await MonthlyReport.load(month: march, builder: builder, store: store, now: now)
        let lazy = try await MonthlyReport.load(month: march, builder: builder, store: store, now: now, hashed: false)
        XCTAssertEqual(lazy.hash, "")
        var chunks = 0
        var streamed = ""
        try MonthlyReportJSON.write(lazy) { streamed += $0; chunks += 1 }
        XCTAssertEqual(streamed, String(decoding: try e.encode(whole), as: UTF8.self), "same bytes, the hash included")
        XCTAssertGreaterThan(chunks, 1, "written in pieces")
        XCTAssertTrue(streamed.contains(whole.hash))

        // Closed: the stored hash, the same bytes.
        let snapshot = try MonthSnapshot.encode(whole.figures)
        _ = try await store.closeMonth("2026-03", snapshot: snapshot, hash: MonthSnapshot.hash(snapshot), by: "Kabid", note: "", at: now)
        let closed = try await MonthlyReport.load(month: march, builder: builder, store: store, now: now, hashed: false)
        XCTAssertEqual(closed.status, "closed")
        XCTAssertEqual(try MonthlyReportJSON.string(closed), String(decoding: try e.encode(closed), as: UTF8.self))
    }
}
