import Foundation
import XCTest
import PantauCore
import PantauNotify
import PantauStoreKit

/// Issue 23: the wording never claims more than the evidence. A reported ticket on a site the
/// monitoring sees up is announced as an OPD's report; a moved root is one update naming it.
final class ComposerWordingTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core),
        Site(id: "dinkes", name: "Dinas Kesehatan", uplinks: ["fo-dinkes"]),
    ], links: [Link(id: "fo-dinkes", kind: .foAerial, from: "dc", to: "dinkes")], maintenance: [])

    func ticket(kind: String, cause: SuspectedCause, root: String) -> Ticket {
        Ticket(id: 1, number: "GGN-2026-12-0001", rootKey: root, kind: kind, cause: cause, state: .open, priority: .p3,
               priorityReason: "impact low (score 2; 1 site(s): dinkes medium 2) x urgency high (working hours, 6h10m left) = P3", affectedSites: ["dinkes"],
               evidence: ["dinkes (Dinas Kesehatan): 3/3 lost since 08:50:01"],
               startedAt: 1_000, openedAt: 1_000, acknowledgedAt: nil, assignedTo: nil, resolvedAt: nil, recoveredAt: nil, closedAt: nil,
               reopened: 0, flaps: 0, beritaAcara: nil)
    }

    func testAReportIsAnnouncedAsAReportNeverAsASilentSite() {
        var channel = NotifyChannel(name: "noc", kind: .webhook(url: "http://127.0.0.1:9/hook", headers: [:]))
        channel.notices = true
        let c = NotificationComposer(inventory: inv, channels: [channel])
        let drafts = c.drafts(ticket(kind: Ticket.reportedKind, cause: .reported, root: "report:dinkes"), .opened)
        XCTAssertEqual(drafts.count, 1)
        let text = drafts[0].subject + "\n" + drafts[0].body
        XCTAssertTrue(text.contains("LAPORAN OPD"), text)
        XCTAssertTrue(text.contains("Dilaporkan OPD"), text)
        XCTAssertFalse(text.contains("GANGGUAN"), text)
        XCTAssertFalse(text.contains("situs tidak menjawab"), text)
        XCTAssertFalse(text.contains("Situs terputus"), text)
        XCTAssertTrue(text.contains("Kantor yang melapor (1)"), text)
    }

    func testAMovedRootIsOneUpdateNamingIt() {
        let c = NotificationComposer(inventory: inv, channels: [NotifyChannel(name: "noc", kind: .webhook(url: "http://127.0.0.1:9/hook", headers: [:]))])
        let drafts = c.drafts(ticket(kind: "outage", cause: .foCut, root: "link:fo-dinkes"), .rerooted)
        XCTAssertEqual(drafts.count, 1)
        XCTAssertTrue(drafts[0].subject.contains("PEMBARUAN: AKAR MASALAH"), drafts[0].subject)
        XCTAssertTrue(drafts[0].body.contains("nomor tiket tetap"), drafts[0].body)
        XCTAssertFalse(drafts[0].subject.contains("GANGGUAN"), drafts[0].subject)
        // An uncertain cause says so.
        let uncertain = c.drafts(ticket(kind: "outage", cause: .siteDown, root: "site:dinkes"), .opened)
        XCTAssertTrue(uncertain[0].body.contains("penyebab belum pasti"), uncertain[0].body)
    }

    /// Issue 27: what reaches a requester's WhatsApp and the team's channels is Indonesian
    /// throughout: no English sentence, the engine's lines rendered, dates as people write them.
    func testMessagesAreIndonesianThroughout() {
        let c = NotificationComposer(inventory: inv, channels: [NotifyChannel(name: "noc", kind: .webhook(url: "http://127.0.0.1:9/hook", headers: [:]))],
                                     requesterChannels: [.whatsapp: "noc"])
        var t = ticket(kind: "outage", cause: .siteDown, root: "site:dinkes")
        t.requesters = [Requester(site: "dinkes", name: "Sari", contact: Contact(kind: .whatsapp, address: "+6281200001111"), via: "web",
                                  text: "jaringan mati", reportedBy: "Sari", at: 1_000)]
        var texts = c.drafts(t, .opened).map(\.body)
        t.state = .closed
        t.closedAt = 5_000
        t.beritaAcara = BeritaAcara(officers: ["Andi (NIP 1)"], problemSummary: "kabel putus", workSummary: "sambung ulang", alternativeSolution: "-", location: "Dinkes")
        texts += c.drafts(t, .closed).map(\.body)
        XCTAssertGreaterThanOrEqual(texts.count, 3, "team message, acknowledgement and closing to the requester")
        for text in texts {
            for english in ["We have", "you will", "is closed", "summarises", "impact", "urgency", "lost since", "working hours"] {
                XCTAssertFalse(text.contains(english), "'\(english)' in:\n\(text)")
            }
            XCTAssertNil(text.range(of: #"\d{4}-\d{2}-\d{2}T"#, options: .regularExpression), "a raw timestamp in:\n\(text)")
        }
    }
}
