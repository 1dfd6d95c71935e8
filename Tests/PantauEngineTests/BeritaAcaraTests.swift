import Foundation
import XCTest
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

final class BeritaAcaraTests: XCTestCase {
    /// What an officer reads on the document they sign: site names (never a database dump),
    /// who handled it, dates in Bahasa Indonesia, SLA lines in Bahasa Indonesia, names to sign.
    func testTheSignedDocumentReadsRight() async throws {
        let inv = Inventory(organization: "Diskominfo Kabupaten Uji", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1"),
            Site(id: "kec-lepar", name: "Kantor Camat Lepar Pongok", address: "10.0.0.2", uplinks: ["fo-laut"]),
        ], links: [Link(id: "fo-laut", kind: .foUndersea, from: "dc", to: "kec-lepar", name: "Kabel laut Selat Lepar")], maintenance: [])
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-ba-\(UUID().uuidString).sqlite").path)
        let opened = ISO8601.parse("2026-11-30T08:08:02+07:00")!
        let root = RootCause(element: .link("fo-laut"), cause: .foCut, affectedSites: ["kec-lepar"], startedAt: opened - 10,
                             evidence: ["fo-laut (fo-undersea): core/sfp1 admin-up, oper-down"])
        let d = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 13, reason: "impact high x urgency high = P1")
        let (t, _) = try await store.openTicket(root, decision: d, at: opened, month: "2026-11", reopenWithin: 0)
        _ = try await store.acknowledgeTicket(t.number, by: "Budi Santoso (NIP 198001012005011001)", at: opened + 300)
        _ = try await store.resolveTicket(rootKey: root.key, recoveredAt: opened + 3600, at: opened + 3900, detail: "recovered")
        let ba = BeritaAcara(officers: ["Budi Santoso (NIP 198001012005011001)", "Sari (NIP 199002022015022002)"],
                             problemSummary: "Kabel laut putus", workSummary: "Penyambungan ulang", alternativeSolution: "-", location: "Selat Lepar")
        _ = try await store.closeTicket(t.number, beritaAcara: ba, at: opened + 7200)
        let closed = try await store.ticket(t.number)!
        let events = try await store.ticketEvents(closed.id)
        let timers = TicketTimers(ticket: closed, inventory: inv, policy: PriorityPolicy(), now: opened + 8000)
        let html = try BeritaAcaraDocument(ticket: closed, events: events, timers: timers, inventory: inv, city: "Toboali").html()
        let text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
        XCTAssertFalse(html.contains("SQL("), "no database dump")
        XCTAssertTrue(text.contains("Kantor Camat Lepar Pongok (kec-lepar)"), text)
        XCTAssertTrue(text.contains("Ditugaskan Kepada : Budi Santoso (NIP 198001012005011001)"), text)
        XCTAssertTrue(text.contains("30 November 2026 pukul 08.08 WIB"), text)
        XCTAssertTrue(text.contains("Waktu tanggap: target"), text)
        XCTAssertFalse(text.contains("response target"), "no English SLA lines in the Indonesian document")
        XCTAssertTrue(text.contains("Toboali, 30 November 2026"), text)
        XCTAssertTrue(text.contains("Kabel laut Selat Lepar (fo-undersea, dc - kec-lepar)"), text)
        XCTAssertEqual(html.components(separatedBy: "Budi Santoso").count - 1, 3, "assigned, officer list, signature")
    }
}
