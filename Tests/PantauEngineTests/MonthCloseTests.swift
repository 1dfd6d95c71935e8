import Foundation
import XCTest
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// A closed month's figures do not move: not when history is imported later, not when the
/// calendar or maintenance are edited; a correction is a numbered revision and the earlier
/// one stays readable.
final class MonthCloseTests: XCTestCase {
    let march = YearMonth(year: 2026, month: 3)!

    func inventory(holidays: [LocalDate: String] = [LocalDate(year: 2026, month: 3, day: 19)!: "Hari Suci Nyepi"],
                   maintenance: [MaintenanceWindow] = []) -> Inventory {
        Inventory(organization: "Diskominfo Uji", timezone: "Asia/Makassar", calendar: CalendarSpec(holidays: holidays), sla: SLA(), sites: [
            Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1"),
            Site(id: "bkd", name: "Badan Kepegawaian Daerah", address: "10.0.0.2", uplinks: ["fo-bkd"]),
            Site(id: "dinkes", name: "Dinas Kesehatan", address: "10.0.0.3", uplinks: ["fo-dinkes"]),
        ], links: [Link(id: "fo-bkd", kind: .foAerial, from: "dc", to: "bkd"), Link(id: "fo-dinkes", kind: .foAerial, from: "dc", to: "dinkes")],
                  maintenance: maintenance)
    }

    func t(_ s: String) -> EpochSeconds { ISO8601.parse(s)! }

    func testClosedMonthKeepsItsFiguresAndRevisionsAreNumbered() async throws {
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-mc-\(UUID().uuidString).sqlite").path)
        // bkd: up all month but a 2-hour gap on 10 March; dinkes: up, down 3 hours on 11 March.
        let rows = [
            HistoryRow(line: 2, target: "bkd", state: .up, range: TimeRange(t("2026-03-01T00:00:00+08:00"), t("2026-03-10T09:00:00+08:00"))),
            HistoryRow(line: 3, target: "bkd", state: .up, range: TimeRange(t("2026-03-10T11:00:00+08:00"), t("2026-04-01T00:00:00+08:00"))),
            HistoryRow(line: 4, target: "dinkes", state: .up, range: TimeRange(t("2026-03-01T00:00:00+08:00"), t("2026-03-11T09:00:00+08:00"))),
            HistoryRow(line: 5, target: "dinkes", state: .down, range: TimeRange(t("2026-03-11T09:00:00+08:00"), t("2026-03-11T12:00:00+08:00"))),
            HistoryRow(line: 6, target: "dinkes", state: .up, range: TimeRange(t("2026-03-11T12:00:00+08:00"), t("2026-04-01T00:00:00+08:00"))),
        ]
        _ = try await store.importHistory(rows, file: "logbook.csv", at: t("2026-04-02T00:00:00+08:00"))
        let now = t("2026-04-02T08:00:00+08:00")
        let builder = try MonthlyReportBuilder(inventory: inventory(), priority: PriorityPolicy(), report: ReportConfig())
        let before = try await builder.figures(month: march, store: store, now: now)
        XCTAssertEqual(before.opds.first { $0.site == "dinkes" }?.totals.downS, 3 * 3600)
        XCTAssertEqual(before.opds.first { $0.site == "bkd" }?.totals.unknownS, 2 * 3600)
        let snapshot = try MonthSnapshot.encode(before)
        let closed = try await store.closeMonth("2026-03", snapshot: snapshot, hash: MonthSnapshot.hash(snapshot), by: "Kabid", note: "", at: now)
        XCTAssertEqual(closed.revision, 0)
        await XCTAssertThrowsErrorAsync(try await store.closeMonth("2026-03", snapshot: snapshot, hash: "x", by: "Kabid", note: "", at: now)) { e in
            XCTAssertTrue("\(e)".contains("already closed"), "\(e)")
        }

        // Later: the logbook's missing two hours are imported, a holiday and a maintenance window are added.
        _ = try await store.importHistory([HistoryRow(line: 2, target: "bkd", state: .down, range: TimeRange(t("2026-03-10T09:00:00+08:00"), t("2026-03-10T11:00:00+08:00")))],
                                          file: "late.csv", at: now + 86_400)
        var holidays = inventory().calendar.holidays
        holidays[LocalDate(year: 2026, month: 3, day: 20)!] = "Cuti Bersama Nyepi"
        let edited = inventory(holidays: holidays, maintenance: [MaintenanceWindow(
            target: "dinkes", range: TimeRange(t("2026-03-11T09:00:00+08:00"), t("2026-03-11T12:00:00+08:00")), reason: "pemeliharaan")])
        let builder2 = try MonthlyReportBuilder(inventory: edited, priority: PriorityPolicy(), report: ReportConfig())
        let frozen = try await MonthlyReport.load(month: march, builder: builder2, store: store, now: now + 2 * 86_400)
        XCTAssertEqual(frozen.status, "closed")
        XCTAssertEqual(try MonthSnapshot.encode(frozen.figures), snapshot, "byte-for-byte the closed figures")
        XCTAssertEqual(frozen.hash, MonthSnapshot.hash(snapshot))
        // What check would say about the edits.
        let found = try await ClosedMonthGuard(builder: builder2, lines: .init(networkFile: "network.yaml", calendarLine: 3,
                                                                              maintenanceLines: [40], specialPeriodLines: [])).check(store: store)
        XCTAssertTrue(found.contains { $0.line == 40 && $0.path == "maintenance[0]" }, "\(found)")
        XCTAssertTrue(found.contains { $0.path == "holiday 2026-03-20" }, "\(found)")
        XCTAssertTrue(found.allSatisfy { $0.message.contains("pantau month reopen 2026-03") }, "\(found)")

        // A correction: reopen with a reason, the month is provisional, close again = revision 1.
        _ = try await store.reopenMonth("2026-03", reason: "log BKD 10 Maret ditemukan", by: "Kabid", at: now + 3 * 86_400)
        let provisional = try await MonthlyReport.load(month: march, builder: builder2, store: store, now: now + 3 * 86_400)
        XCTAssertEqual(provisional.status, "provisional")
        XCTAssertEqual(provisional.figures.opds.first { $0.site == "bkd" }?.totals.downS, 2 * 3600)
        let snap1 = try MonthSnapshot.encode(provisional.figures)
        let rev1 = try await store.closeMonth("2026-03", snapshot: snap1, hash: MonthSnapshot.hash(snap1), by: "Kabid", note: "koreksi",
                                              at: now + 3 * 86_400)
        XCTAssertEqual(rev1.revision, 1)
        XCTAssertEqual(rev1.reason, "log BKD 10 Maret ditemukan")
        let r1 = try await MonthlyReport.load(month: march, builder: builder2, store: store, now: now + 4 * 86_400)
        XCTAssertEqual(r1.revision, 1)
        XCTAssertTrue(r1.changes.contains { $0.site == "bkd" && $0.figure == "down_s" && $0.before == "0" && $0.after == "7200" }, "\(r1.changes)")
        XCTAssertTrue(r1.changes.contains { $0.figure == "maintenance" }, "\(r1.changes)")
        // The earlier revision stays readable, unchanged.
        let r0 = try await MonthlyReport.load(month: march, revision: 0, builder: builder2, store: store, now: now + 4 * 86_400)
        XCTAssertEqual(try MonthSnapshot.encode(r0.figures), snapshot)
        // The printed document says which revision and why.
        let html = try MonthlyReportDocument(report: r1, config: ReportConfig(), lang: .id, logo: nil, signedOn: now).html()
        XCTAssertTrue(html.contains("Revisi 1: log BKD 10 Maret ditemukan"), "revision label")
        XCTAssertTrue(html.contains(r1.hash), "hash printed")
    }
}
