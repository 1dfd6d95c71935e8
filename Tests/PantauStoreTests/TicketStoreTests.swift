import Foundation
import Synchronization
import XCTest
import PantauCore
import PantauSQLite
import PantauStoreKit
import PantauTestSupport

/// The ticket lifecycle: numbers people can say, one live ticket per root cause, reopening,
/// the officer's steps, and the outbox written with the change it reports. Run on SQLite here
/// and, unchanged, on PostgreSQL by `PostgresTicketStoreTests` (the store contract).
class TicketStoreTests: XCTestCase {
    func store() async throws -> any TicketStore & OutboxStore {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-t-\(UUID().uuidString).sqlite").path)
    }

    let trunk = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: ["opd1", "pop"], startedAt: 1000,
                          evidence: ["fo-trunk (fo-underground): core/sfp1 admin-up, oper-down"])
    let decision = PriorityDecision(priority: .p2, impact: .high, urgency: .medium, score: 12, reason: "impact high x urgency medium = P2")

    let mail: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { t, c in
        [OutboxDraft(dedupeKey: "\(t.number):\(c.rawValue):\(t.reopened):tg", channel: "telegram", subject: t.number, body: c.rawValue)]
    }

    /// Issue 14: after a channel outage the recovery ("PULIH") was delivered before the outage
    /// ("GANGGUAN") it answers. Per ticket and channel, messages leave in the order written.
    func testOutboxKeepsEachTicketsOrderPerChannel() async throws {
        let s = try await store()
        let (a, _) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600, messages: mail)
        let other = RootCause(element: .site("opd9"), cause: .siteDown, affectedSites: ["opd9"], startedAt: 1000, evidence: [])
        _ = try await s.openTicket(other, decision: decision, at: 1150, month: "2026-03", reopenWithin: 3600, messages: mail)
        _ = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 1190, at: 1200, detail: "up", messages: mail)
        let opened = try await s.pendingOutbox(at: 1200, limit: 100)
        XCTAssertEqual(opened.map(\.body), ["opened", "opened"], "the recovery waits behind its outage: \(opened.map(\.dedupeKey))")
        // The channel is down: the outage message is retried later; the other ticket is not held up.
        try await s.markFailed(opened[0].id, error: "503", retryAt: 1300)
        try await s.markSent(opened[1].id, at: 1201)
        await XCTAssertEqualAsync(try await s.pendingOutbox(at: 1250, limit: 100).map(\.body), [], "nothing of \(a.number) jumps the queue")
        let retry = try await s.pendingOutbox(at: 1300, limit: 100)
        XCTAssertEqual(retry.map(\.body), ["opened"])
        try await s.markSent(retry[0].id, at: 1300)
        await XCTAssertEqualAsync(try await s.pendingOutbox(at: 1300, limit: 100).map(\.body), ["resolved"])
        try await s.markSent(try await s.pendingOutbox(at: 1300, limit: 100)[0].id, at: 1300)
        // A message given up for good does not block the ones after it.
        let third = RootCause(element: .site("opd7"), cause: .siteDown, affectedSites: ["opd7"], startedAt: 1400, evidence: [])
        _ = try await s.openTicket(third, decision: decision, at: 1400, month: "2026-03", reopenWithin: 3600, messages: mail)
        try await s.markFailed(try await s.pendingOutbox(at: 1400, limit: 100)[0].id, error: "chat not found", retryAt: nil)
        _ = try await s.resolveTicket(rootKey: third.key, recoveredAt: 1450, at: 1460, detail: "up", messages: mail)
        await XCTAssertEqualAsync(try await s.pendingOutbox(at: 1460, limit: 100).map(\.body), ["resolved"])
    }

    /// Issue 31 (low): a delivery cut off by a kill -9 left `attempts` at 0 (the attempt was
    /// written only after the send returned). It is written before the send now: the unfinished
    /// attempt counts, is said as maybe delivered, and the retry that follows counts too.
    func testAnAttemptCutOffMidSendIsCounted() async throws {
        let s = try await store()
        _ = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600, messages: mail)
        let m = try await s.pendingOutbox(at: 1200, limit: 100)[0]
        XCTAssertEqual(m.attempts, 0)
        try await s.beginAttempt(m.id, at: 1200)  // ... and the process dies during the send
        let row = try await s.outbox().first { $0.message.id == m.id }!
        XCTAssertEqual(row.message.attempts, 1)
        XCTAssertTrue(row.lastError?.contains("may have been delivered") == true, "\(row.lastError ?? "nil")")
        let again = try await s.pendingOutbox(at: 1200, limit: 100)
        XCTAssertEqual(again.map(\.id), [m.id], "still undelivered: retried")
        XCTAssertEqual(again[0].attempts, 1, "the backoff knows of the cut-off attempt")
        try await s.beginAttempt(m.id, at: 1300)
        try await s.markSent(m.id, at: 1301)
        let done = try await s.outbox().first { $0.message.id == m.id }!
        XCTAssertEqual(done.message.attempts, 2)
        XCTAssertNil(done.lastError)
        XCTAssertEqual(done.sentAt, 1301)
    }

    /// Issue 14: a later change of cause was recorded but never sent.
    func testChangeOfCauseIsSent() async throws {
        let s = try await store()
        let mailWithCause: @Sendable (Ticket, TicketChange) -> [OutboxDraft] = { t, c in
            [OutboxDraft(dedupeKey: "\(t.number):\(c.rawValue):\(t.cause.rawValue):tg", channel: "telegram", subject: t.number,
                         body: "\(c.rawValue) \(t.cause.rawValue)")]
        }
        _ = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600, messages: mailWithCause)
        var uplink = trunk
        uplink.cause = .uplinkDown
        _ = try await s.updateTicket(rootKey: trunk.key, root: uplink, affectedEver: trunk.affectedSites, decision: decision, at: 1200,
                                     messages: mailWithCause)
        await XCTAssertEqualAsync(try await s.outbox().map(\.message.body), ["opened fo-cut", "updated uplink-down"])
    }

    /// Issue 23: a silent site's ticket, then the poll finds the cut above it: the same ticket
    /// takes the link as its root (the number people wrote down stays), one update is announced
    /// and no second ticket opens; a second site ticket the cut also explains merges into it.
    func testACutFoundLaterTakesTheSiteTicketOver() async throws {
        let s = try await store()
        let pop = RootCause(element: .site("pop"), cause: .siteDown, affectedSites: ["opd1", "pop"], startedAt: 1000, evidence: ["pop silent"])
        let opd9 = RootCause(element: .site("opd9"), cause: .siteDown, affectedSites: ["opd9"], startedAt: 1001, evidence: ["opd9 silent"])
        let (first, _) = try await s.openTicket(pop, decision: decision, at: 1040, month: "2026-03", reopenWithin: 3600, messages: mail)
        let (second, _) = try await s.openTicket(opd9, decision: decision, at: 1041, month: "2026-03", reopenWithin: 3600, messages: mail)
        var cut = trunk
        cut.affectedSites = ["opd1", "opd9", "pop"]
        let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high x urgency high = P1")
        let (t, change) = try await s.openTicket(cut, decision: p1, at: 1100, month: "2026-03", reopenWithin: 3600, prefix: "GGN",
                                                 explaining: [pop.key, opd9.key], messages: mail)
        XCTAssertEqual(change, .rerooted)
        XCTAssertEqual(t.number, first.number)
        XCTAssertEqual(t.rootKey, "link:fo-trunk")
        XCTAssertEqual(t.cause, .foCut)
        XCTAssertEqual(t.priority, .p1, "judged again for the new cause")
        XCTAssertEqual(t.affectedSites, ["opd1", "opd9", "pop"])
        XCTAssertEqual(t.startedAt, 1000, "the outage began when the site fell silent")
        let merged = try await s.ticket(second.number)
        XCTAssertEqual(merged?.state, .closed)
        XCTAssertEqual(merged?.mergedInto, first.number)
        let live = try await s.tickets(states: [.open, .acknowledged])
        XCTAssertEqual(live.map(\.number), [first.number])
        let ledger = try await s.ticketEvents(t.id)
        XCTAssertTrue(ledger.contains { $0.kind == "rerooted" && $0.text.contains("site:pop (site-down) to link:fo-trunk") }, "\(ledger)")
        await XCTAssertEqualAsync(try await s.outbox().map(\.message.body), ["opened", "opened", "rerooted"])
        // Opening the same root again changes nothing (idempotent).
        let (again, c2) = try await s.openTicket(cut, decision: p1, at: 1110, month: "2026-03", reopenWithin: 3600, prefix: "GGN",
                                                 explaining: [pop.key], messages: mail)
        XCTAssertEqual(c2, .unchanged)
        XCTAssertEqual(again.number, first.number)
    }

    /// Issue 14: the flap counter restarted at 1 after every restart of the engine (a new
    /// tracker counts from 0); the ticket counts its flaps.
    func testFlapsCountAcrossRestarts() async throws {
        let s = try await store()
        _ = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
        try await s.recordRelapse(rootKey: trunk.key, at: 1200, flaps: 1)
        try await s.recordRelapse(rootKey: trunk.key, at: 1300, flaps: 2)
        try await s.recordRelapse(rootKey: trunk.key, at: 1400, flaps: 1)  // a restarted engine's first flap
        await XCTAssertEqualAsync(try await s.tickets(states: nil).first?.flaps, 3)
    }

    func testNumbersIdempotentOpenAndOutbox() async throws {
        let s = try await store()
        let (a, c1) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600, messages: mail)
        XCTAssertEqual(a.number, "GGN-2026-03-0001")
        XCTAssertEqual(c1, .opened)
        // Addressed as people say it.
        for said in ["GGN-2026-03-0001", "ggn-2026-03-0001", "2026-03-0001", " 2026-03-0001 "] {
            await XCTAssertEqualAsync(try await s.ticket(said)?.number, "GGN-2026-03-0001", said)
        }
        do {
            _ = try await s.acknowledgeTicket("2026-03-0099", by: "x", at: 1101)
            XCTFail("no such ticket")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("Finding the ticket (2026-03-0099) failed: no such ticket"), "\(error)")
        }
        // The same root again (a restart, a retried write, a duplicate trap): the same ticket, no new message.
        let (b, c2) = try await s.openTicket(trunk, decision: decision, at: 1200, month: "2026-03", reopenWithin: 3600, messages: mail)
        XCTAssertEqual(b.number, a.number)
        XCTAssertEqual(c2, .unchanged)
        await XCTAssertEqualAsync(try await s.pendingOutbox(at: 2000, limit: 100).count, 1)
        let other = RootCause(element: .site("opd9"), cause: .opdDeviceOrPower, affectedSites: ["opd9"], startedAt: 1000, evidence: [])
        await XCTAssertEqualAsync(try await s.openTicket(other, decision: decision, at: 1300, month: "2026-03", reopenWithin: 3600).0.number, "GGN-2026-03-0002")
        let april = RootCause(element: .site("opd8"), cause: .siteDown, affectedSites: ["opd8"], startedAt: 1000, evidence: [])
        await XCTAssertEqualAsync(try await s.openTicket(april, decision: decision, at: 1400, month: "2026-04", reopenWithin: 3600).0.number, "GGN-2026-04-0001")
        XCTAssertEqual(a.priority, .p2)
        XCTAssertEqual(a.affectedSites, ["opd1", "pop"])
    }

    func testOfficerStepsAndBeritaAcara() async throws {
        let s = try await store()
        let (t, _) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
        await XCTAssertThrowsErrorAsync(try await s.closeTicket(t.number, beritaAcara: BeritaAcara(officers: ["A"], problemSummary: "", workSummary: "",
                                                                                  alternativeSolution: "", location: ""), at: 1150))
        await XCTAssertEqualAsync(try await s.acknowledgeTicket(t.number, by: "Budi (NIP 198001012005011001)", at: 1200).state, .acknowledged)
        let resolved = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 2000, at: 2300, detail: "recovered")
        let r = try XCTUnwrap(resolved)
        XCTAssertEqual(r.state, .resolved)
        XCTAssertEqual(r.recoveredAt, 2000)
        let ba = BeritaAcara(officers: ["Budi (NIP 198001012005011001)", "Sari (NIP 199002022015022002)"],
                             problemSummary: "Kabel FO udara putus tertimpa pohon", workSummary: "Penyambungan ulang (splicing) 2 core",
                             alternativeSolution: "Jalur radio sementara", location: "Tiang 14 Jl. Merdeka")
        let closed = try await s.closeTicket(t.number, beritaAcara: ba, at: 3000)
        XCTAssertEqual(closed.state, .closed)
        await XCTAssertEqualAsync(try await s.ticket(t.number)?.beritaAcara, ba)
        await XCTAssertEqualAsync(try await s.ticketEvents(t.id).map(\.kind), ["opened", "acknowledged", "resolved", "closed"])
        await XCTAssertThrowsErrorAsync(try await s.acknowledgeTicket("GGN-2026-03-9999", by: "x", at: 1)) { e in
            XCTAssertTrue("\(e)".contains("GGN-2026-03-9999"))
        }
    }

    func testReopenWithinWindowElseNewTicket() async throws {
        let s = try await store()
        let (t, _) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
        _ = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 2000, at: 2300, detail: "")
        let (again, change) = try await s.openTicket(trunk, decision: decision, at: 4000, month: "2026-03", reopenWithin: 3600)
        XCTAssertEqual(change, .reopened)
        XCTAssertEqual(again.number, t.number)
        XCTAssertEqual(again.reopened, 1)
        XCTAssertEqual(again.state, .open)
        _ = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 5000, at: 5300, detail: "")
        // Long after: a new incident, a new number.
        let (later, c2) = try await s.openTicket(trunk, decision: decision, at: 20_000, month: "2026-03", reopenWithin: 3600)
        XCTAssertEqual(c2, .opened)
        XCTAssertEqual(later.number, "GGN-2026-03-0002")
    }

    /// An office's own number prefix (`number_prefix: TKT`): its numbers are found as people say
    /// them, bare or in any case, by every store (`TicketRules.lookup`), and the faces' spelling
    /// with the office prefix names the same ticket.
    func testAnOfficePrefixIsFoundBareAndInAnyCase() async throws {
        let s = try await store()
        let (t, _) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600, prefix: "TKT",
                                            messages: { _, _ in [] })
        XCTAssertEqual(t.number, "TKT-2026-03-0001")
        for typed in ["2026-03-0001", "tkt-2026-03-0001", " TKT-2026-03-0001 ", Ticket.normalizedNumber("2026-03-0001", prefix: "TKT")] {
            let found = try await s.ticket(typed)
            XCTAssertEqual(found?.number, t.number, typed)
        }
        let acked = try await s.acknowledgeTicket("2026-03-0001", by: "Budi", at: 1200)
        XCTAssertEqual(acked.state, .acknowledged)
        let missing = try await s.ticket("2026-03-0009")
        XCTAssertNil(missing)
    }

    /// A notice (a link down with nobody cut off) resolved, then the same root failing for real
    /// within the reopen window: the reopened ticket is an outage, with the real cause and sites.
    func testARealCutReopeningANoticeIsAnOutage() async throws {
        let s = try await store()
        let notice = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: [], startedAt: 1000, evidence: ["contradicted"])
        let (n, _) = try await s.openTicket(notice, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
        XCTAssertEqual(n.kind, "notice")
        _ = try await s.resolveTicket(rootKey: notice.key, recoveredAt: 1200, at: 1300, detail: "")
        let (again, change) = try await s.openTicket(trunk, decision: decision, at: 2000, month: "2026-03", reopenWithin: 3600)
        XCTAssertEqual(change, .reopened)
        XCTAssertEqual(again.number, n.number)
        XCTAssertEqual(again.kind, "outage")
        XCTAssertEqual(again.affectedSites, ["opd1", "pop"])
    }

    /// A reopen is a new episode: its own start, cause and priority; the first episode keeps
    /// its own times, so no duration includes the time the element was up in between.
    func testReopenStartsANewEpisodeWithItsOwnStartAndPriority() async throws {
        let s = try await store()
        let (t, _) = try await s.openTicket(trunk, decision: decision, at: 1100, month: "2026-03", reopenWithin: 3600)
        _ = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 2000, at: 2300, detail: "")
        var again = trunk
        again.startedAt = 3000
        let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "impact high x urgency high = P1")
        let (r, change) = try await s.openTicket(again, decision: p1, at: 3060, month: "2026-03", reopenWithin: 3600)
        XCTAssertEqual(change, .reopened)
        XCTAssertEqual(r.startedAt, 3000, "the episode's own start, not the first failure")
        XCTAssertEqual(r.priority, .p1, "priority judged again for the new episode")
        await XCTAssertEqualAsync(try await s.ticketEpisodes(t.id).map { [$0.startedAt, $0.recoveredAt ?? -1] }, [[1000, 2000], [3000, -1]])
        _ = try await s.resolveTicket(rootKey: trunk.key, recoveredAt: 3500, at: 3800, detail: "")
        await XCTAssertEqualAsync(try await s.ticketEpisodes(t.id).map { $0.recoveredAt ?? -1 }, [2000, 3500])
    }

    /// `pantau run` and `pantau status` may open a new database at the same moment: migrations
    /// are serialised, none fails with "table already exists".
    func testConcurrentOpenOfANewDatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-c-\(UUID().uuidString).sqlite").path
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do { _ = try Store(path: path) } catch { errors.withLock { $0.append("\(error)") } }
        }
        XCTAssertEqual(errors.withLock { $0 }, [])
    }
}
