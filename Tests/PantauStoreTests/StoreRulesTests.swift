import XCTest
import PantauCore
import PantauStoreKit

/// The store contract's rules on their own: pure functions, no database, no clock. Every store
/// writes what they return (the store tests check that it does).
final class StoreRulesTests: XCTestCase {
    let root = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: ["opd1", "pop"], startedAt: 1000, evidence: ["down"])
    let p2 = PriorityDecision(priority: .p2, impact: .high, urgency: .medium, score: 12, reason: "P2")
    let p1 = PriorityDecision(priority: .p1, impact: .high, urgency: .high, score: 14, reason: "P1")
    let p3 = PriorityDecision(priority: .p3, impact: .medium, urgency: .medium, score: 8, reason: "P3")

    func ticket(_ state: Ticket.State = .open, resolvedAt: EpochSeconds? = nil, kind: String = "outage") -> Ticket {
        var t = TicketRules.create(root: root, decision: p2, at: 1100, number: "GGN-2026-03-0001").ticket
        t.id = 7
        t.state = state
        t.resolvedAt = resolvedAt
        t.kind = kind
        return t
    }

    func testOpeningGoesToTheLiveTicketThenAReopenWithinTheWindowThenANewOne() {
        let live = ticket()
        XCTAssertEqual(TicketRules.opening(live: live, recentlyResolved: nil, at: 2000, reopenWithin: 3600), .unchanged(live))
        let resolved = ticket(.resolved, resolvedAt: 1500)
        XCTAssertEqual(TicketRules.opening(live: nil, recentlyResolved: resolved, at: 5100, reopenWithin: 3600), .reopen(resolved))
        XCTAssertEqual(TicketRules.opening(live: nil, recentlyResolved: resolved, at: 5101, reopenWithin: 3600), .create)
        XCTAssertEqual(TicketRules.opening(live: nil, recentlyResolved: ticket(.closed, resolvedAt: 1500), at: 2000, reopenWithin: 3600), .create,
                       "a closed ticket is never reopened")
    }

    /// Issue 31: a real FO cut reopening an earlier notice stayed a notice (a channel without
    /// notices heard nothing, the escalation never ran). Over random notice/outage sequences of
    /// reopens and updates: the kind is the current episode's evidence (an outage once any of its
    /// evidence cut a site off), which is what channels (`notices: false` skips notices), the
    /// escalation (outages and reports) and the report (outages) go by.
    func testKindFollowsTheEpisodesEvidenceOverRandomSequences() {
        var rng = SystemRandomNumberGenerator()
        let notice = RootCause(element: .link("fo-trunk"), cause: .foCut, affectedSites: [], startedAt: 1000, evidence: ["redundancy lost"])
        for _ in 0..<300 {
            var t = TicketRules.create(root: notice, decision: p3, at: 1000, number: "GGN-2026-03-0001").ticket
            var episodeOutage = false
            var at: EpochSeconds = 1000
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                at += 60
                let outage = Bool.random(using: &rng)
                var r = outage ? root : notice
                r.startedAt = at
                let w: TicketWrite
                if t.state == .resolved, Bool.random(using: &rng) {
                    w = TicketRules.reopen(t, root: r, decision: outage ? p1 : p3, at: at)
                    episodeOutage = outage
                } else if t.state == .open, Bool.random(using: &rng) {
                    w = TicketRules.resolve(t, recoveredAt: at, at: at, detail: "up")
                } else if t.state == .open {
                    w = TicketRules.update(t, root: r, affectedEver: Array(Set(t.affectedSites).union(r.affectedSites)).sorted(),
                                           decision: outage ? p1 : p3, at: at)
                    episodeOutage = episodeOutage || outage
                } else { continue }
                t = w.ticket
                XCTAssertEqual(t.kind, episodeOutage ? "outage" : "notice", "after \(w.change): \(t)")
            }
        }
    }

    func testPriorityOnlyRisesUnlessTheCauseChanges() {
        let t = ticket()
        XCTAssertEqual(TicketRules.update(t, root: root, affectedEver: t.affectedSites, decision: p3, at: 2000).ticket.priority, .p2)
        let raised = TicketRules.update(t, root: root, affectedEver: t.affectedSites, decision: p1, at: 2000)
        XCTAssertEqual(raised.ticket.priority, .p1)
        XCTAssertEqual(raised.announce, .updated)
        var other = root
        other.cause = .uplinkDown
        let lowered = TicketRules.update(t, root: other, affectedEver: t.affectedSites, decision: p3, at: 2000)
        XCTAssertEqual(lowered.ticket.priority, .p3, "a new cause is a new judgement")
        XCTAssertEqual(lowered.events.map(\.kind), ["priority", "cause"])
        let same = TicketRules.update(t, root: root, affectedEver: t.affectedSites, decision: p2, at: 2000)
        XCTAssertNil(same.announce, "nothing people need to hear")
        let grew = TicketRules.update(t, root: root, affectedEver: t.affectedSites + ["opd2"], decision: p2, at: 2000)
        XCTAssertEqual(grew.events.map(\.text), ["also cut off: opd2"])
    }

    func testOfficerSteps() throws {
        let resolved = ticket(.resolved, resolvedAt: 1500)
        let acked = try TicketRules.acknowledge(resolved, by: "Budi", at: 1600).ticket
        XCTAssertEqual(acked.state, .resolved, "recovered before anyone took it: it only gets its officer")
        XCTAssertEqual(acked.assignedTo, "Budi")
        XCTAssertThrowsError(try TicketRules.acknowledge(ticket(.closed), by: "Budi", at: 1600))
        XCTAssertThrowsError(try TicketRules.resolveManually(resolved, by: "Budi", note: "", at: 1600))
        XCTAssertThrowsError(try TicketRules.close(ticket(), beritaAcara: BeritaAcara(officers: ["A"], problemSummary: "p", workSummary: "w",
                                                                                       alternativeSolution: "-", location: ""), at: 1700))
        XCTAssertEqual(TicketRules.relapse(ticket(), flaps: 0, at: 1700).ticket.flaps, 1)
        var flappy = ticket()
        flappy.flaps = 4
        XCTAssertEqual(TicketRules.relapse(flappy, flaps: 2, at: 1700).ticket.flaps, 5, "counted by the ticket, not the process")
    }

    func testEachEscalationLevelOnceWhileLive() {
        let t = ticket()
        let up = HelpdeskRules.escalate(t, to: 2, text: "x", at: 2000)
        XCTAssertEqual(up?.ticket.escalationLevel, 2)
        XCTAssertNil(HelpdeskRules.escalate(up!.ticket, to: 2, text: "x", at: 2100))
        XCTAssertNil(HelpdeskRules.escalate(ticket(.resolved, resolvedAt: 1500), to: 3, text: "x", at: 2100))
    }

    func testMonthRevisions() throws {
        let first = try MonthRules.close("2026-03", last: nil, snapshot: "{}", hash: "h", by: "a", note: "", at: 10)
        XCTAssertEqual(first.revision, 0)
        XCTAssertThrowsError(try MonthRules.close("2026-03", last: first, snapshot: "{}", hash: "h", by: "a", note: "", at: 11))
        XCTAssertThrowsError(try MonthRules.reopen("2026-04", last: nil, reason: "r", by: "a", at: 12))
        let reopened = try MonthRules.reopen("2026-03", last: first, reason: "late import", by: "b", at: 12)
        XCTAssertThrowsError(try MonthRules.reopen("2026-03", last: reopened, reason: "again", by: "b", at: 13))
        let second = try MonthRules.close("2026-03", last: reopened, snapshot: "{}", hash: "h2", by: "a", note: "", at: 14)
        XCTAssertEqual(second.revision, 1)
        XCTAssertEqual(second.reason, "late import")
    }

    func testNumbers() {
        XCTAssertEqual(Ticket.number(prefix: "GGN", month: "2026-03", sequence: 7), "GGN-2026-03-0007")
        XCTAssertEqual(Ticket.number(prefix: "TKT", month: "2026-12", sequence: 12345), "TKT-2026-12-12345")
        XCTAssertEqual(Ticket.month(ofNumber: "TKT-2026-12-0001"), "2026-12")
        XCTAssertEqual(Ticket.normalizedNumber(" 2026-03-0001", prefix: "tkt"), "TKT-2026-03-0001")
        XCTAssertEqual(TicketRules.lookup("2026-03-0001").bareSuffix, "-2026-03-0001")
        XCTAssertNil(TicketRules.lookup("GGN-2026-03-0001").bareSuffix)
    }

    /// `ImportRules.classify` (a binary search and a sweep) against a plain reference that looks
    /// at every stored interval for every row, on random files and stored histories (several
    /// sources overlapping each other, earlier imports identical or not).
    func testImportClassificationAgreesWithAReference() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<400 {
            var stored: [ImportRules.Stored] = []
            for i in 0..<Int.random(in: 0...12, using: &rng) {
                let from = EpochSeconds.random(in: 0...200, using: &rng)
                stored.append(ImportRules.Stored(state: Bool.random(using: &rng) ? "up" : "down", from: from,
                                                 end: from + EpochSeconds.random(in: 1...40, using: &rng),
                                                 kind: Bool.random(using: &rng) ? "import" : "engine", source: Int64(i)))
            }
            stored.sort { ($0.from, $0.end) < ($1.from, $1.end) }
            // Rows that do not overlap each other (checkFile refuses those first); some copy a stored interval.
            var rows: [HistoryRow] = []
            var t = EpochSeconds.random(in: 0...20, using: &rng)
            while t < 240, rows.count < 10 {
                if let s = stored.randomElement(using: &rng), Int.random(in: 0..<4, using: &rng) == 0, s.from >= t {
                    rows.append(HistoryRow(line: rows.count + 2, target: "x", state: TargetState(rawValue: s.state)!, range: TimeRange(s.from, s.end)))
                    t = s.end + EpochSeconds.random(in: 0...10, using: &rng)
                    continue
                }
                let len = EpochSeconds.random(in: 1...30, using: &rng)
                rows.append(HistoryRow(line: rows.count + 2, target: "x", state: Bool.random(using: &rng) ? .up : .down, range: TimeRange(t, t + len)))
                t += len + EpochSeconds.random(in: 0...15, using: &rng)
            }
            let got = ImportRules.classify(rows, stored: stored, file: "f.csv")
            // Reference: the stored intervals each row overlaps.
            var fresh: [HistoryRow] = [], present = 0, refused: [Int] = []
            for r in rows {
                let hits = stored.filter { $0.from < r.range.end && $0.end > r.range.start }
                if hits.isEmpty { fresh.append(r) } else if hits.count == 1, let e = hits.first, e.kind == "import", e.state == r.state.rawValue,
                                                              e.from == r.range.start, e.end == r.range.end { present += 1 } else { refused.append(r.line) }
            }
            XCTAssertEqual(got.fresh, fresh, "round \(round)")
            XCTAssertEqual(got.present, present, "round \(round)")
            XCTAssertEqual(got.problems.map(\.line), refused, "round \(round)")
        }
    }
}
