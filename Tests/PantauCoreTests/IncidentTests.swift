import Foundation
import PantauCore
import XCTest

/// Root causes over the topology, the incident lifecycle, priority and working-time targets.
final class IncidentTests: XCTestCase {
    // dc (core) ==fo-trunk==> pop -> opd1 (fo-opd1), opd2 (cu-opd2); red has two uplinks (fo-r1 from dc, fo-r2 from pop).
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core),
        Site(id: "pop", name: "POP", role: .distribution, uplinks: ["fo-trunk"]),
        Site(id: "opd1", name: "Dinkes", criticality: .high, users: 200, uplinks: ["fo-opd1"]),
        Site(id: "opd2", name: "Dishub", criticality: .low, uplinks: ["cu-opd2"]),
        Site(id: "red", name: "Setda", criticality: .critical, uplinks: ["fo-r1", "fo-r2"]),
    ], links: [
        Link(id: "fo-trunk", kind: .foUnderground, from: "dc", to: "pop"),
        Link(id: "fo-opd1", kind: .foAerial, from: "pop", to: "opd1"),
        Link(id: "cu-opd2", kind: .copper, from: "pop", to: "opd2"),
        Link(id: "fo-r1", kind: .foUnderground, from: "dc", to: "red"),
        Link(id: "fo-r2", kind: .foAerial, from: "pop", to: "red"),
    ], maintenance: [])

    func snapshot(downSites: [String] = [], downLinks: [String] = [], at: EpochSeconds = 1000) -> NetworkSnapshot {
        var s = NetworkSnapshot()
        for site in inv.sites { s.sites[site.id] = ElementState(downSites.contains(site.id) ? .down : .up, since: at) }
        for l in inv.links {
            s.links[l.id] = ElementState(downLinks.contains(l.id) ? .down : .up, since: at, detail: "port")
            // Every port read past the agent's cache after `at`: evidence of the state after the failure.
            s.portReads[l.id] = PortRead(at: at + 6, state: downLinks.contains(l.id) ? .down : .up, detail: "port")
        }
        return s
    }

    func testTrunkCutIsOneRootNamingEverySiteBehindIt() {
        let a = RootCauseAnalyzer(inventory: inv)
        let roots = a.analyze(snapshot(downSites: ["pop", "opd1", "opd2"], downLinks: ["fo-trunk"]))
        XCTAssertEqual(roots.map(\.key), ["link:fo-trunk"])
        XCTAssertEqual(roots[0].cause, .foCut)
        // red survives over fo-r1: not cut off.
        XCTAssertEqual(roots[0].affectedSites, ["opd1", "opd2", "pop"])
    }

    /// Issue 14: a link reported down while the sites behind it keep answering ICMP is
    /// contradicted: a notice naming the contradiction, no site cut off, no outage page.
    func testLinkDownContradictedByICMPAnswersCutsNobodyOff() {
        var snap = snapshot(downLinks: ["fo-trunk"], at: 1000)
        for site in ["pop", "opd1", "opd2"] { snap.answeredAt[site] = 1010 }
        let roots = RootCauseAnalyzer(inventory: inv).analyze(snap)
        XCTAssertEqual(roots.map(\.key), ["link:fo-trunk"])
        XCTAssertEqual(roots[0].affectedSites, [])
        XCTAssertFalse(roots[0].isOutage, "at most a notice")
        XCTAssertTrue(roots[0].evidence.last!.contains("contradicted: opd1, opd2, pop behind it still answer ICMP"), "\(roots[0].evidence)")
        // A reply from the round that began as the cut happened is not a contradiction; neither is silence.
        var real = snapshot(downSites: ["pop", "opd1", "opd2"], downLinks: ["fo-trunk"], at: 1000)
        for site in ["pop", "opd1", "opd2"] { real.answeredAt[site] = 1001 }
        let cut = RootCauseAnalyzer(inventory: inv).analyze(real)
        XCTAssertEqual(cut.map(\.affectedSites), [["opd1", "opd2", "pop"]])
        XCTAssertTrue(cut[0].isOutage)
    }

    func testRedundantUplinkCutIsANoticeNotAnOutage() {
        let roots = RootCauseAnalyzer(inventory: inv).analyze(snapshot(downLinks: ["fo-r2"]))
        XCTAssertEqual(roots.map(\.key), ["link:fo-r2"])
        XCTAssertFalse(roots[0].isOutage)
        XCTAssertTrue(roots[0].evidence.last!.contains("redundancy lost"))
        // Both uplinks cut: red is cut off, on one ticket that names both cuts (not two tickets
        // listing the same site); the other cut says where its sites are.
        let both = RootCauseAnalyzer(inventory: inv).analyze(snapshot(downSites: ["red"], downLinks: ["fo-r1", "fo-r2"]))
        XCTAssertEqual(both.map(\.affectedSites), [["red"], []])
        XCTAssertTrue(both[0].evidence.last!.contains("together with fo-r2 (already down): no path left to red"), "\(both[0].evidence)")
        XCTAssertTrue(both[1].evidence.last!.contains("together with fo-r1"), "\(both[1].evidence)")
    }

    func testSiteSilentBehindAnUpPortIsDeviceOrPower() {
        let roots = RootCauseAnalyzer(inventory: inv).analyze(snapshot(downSites: ["opd2"]))
        XCTAssertEqual(roots.map(\.key), ["site:opd2"])
        XCTAssertEqual(roots[0].cause, .opdDeviceOrPower)
        // Without port data the cause is not guessed.
        var s = snapshot(downSites: ["opd2"])
        s.links["cu-opd2"] = nil
        s.portReads["cu-opd2"] = nil
        XCTAssertEqual(RootCauseAnalyzer(inventory: inv).analyze(s)[0].cause, .siteDown)
        // A POP down without SNMP on the trunk: the POP is the root and its OPDs are behind it.
        var p = snapshot(downSites: ["pop", "opd1", "opd2"])
        p.links = [:]
        p.portReads = [:]
        let r = RootCauseAnalyzer(inventory: inv).analyze(p)
        XCTAssertEqual(r.map(\.key), ["site:pop"])
        XCTAssertEqual(r[0].affectedSites, ["opd1", "opd2", "pop"])
    }

    var policy: IncidentTracker.Policy {
        var p = IncidentTracker.Policy()
        p.groupWindow = 60
        return p
    }

    func testParentAndChildInEitherOrderGiveOneTicket() {
        let a = RootCauseAnalyzer(inventory: inv)
        var t = IncidentTracker(policy: policy)
        // The OPD's ICMP confirms first (looks like its own device)...
        var acts = t.evaluate(a.analyze(snapshot(downSites: ["opd1"])), failing: ["site:opd1"], healthy: [:], at: 1000)
        XCTAssertEqual(acts, [])
        // ...20 s later SNMP sees the trunk cut: a confirmed FO cut is a clear root, its ticket
        // opens at once, and the child folds in (no ticket of its own, then or later).
        let s = snapshot(downSites: ["pop", "opd1", "opd2"], downLinks: ["fo-trunk"])
        let failing: Set<String> = ["site:pop", "site:opd1", "site:opd2", "link:fo-trunk"]
        acts = t.evaluate(a.analyze(s), failing: failing, healthy: [:], at: 1020)
        XCTAssertEqual(acts.count, 1)
        guard case .open(let root) = acts[0] else { return XCTFail("\(acts)") }
        XCTAssertEqual(root.key, "link:fo-trunk")
        XCTAssertEqual(root.affectedSites, ["opd1", "opd2", "pop"])
        XCTAssertEqual(t.evaluate(a.analyze(s), failing: failing, healthy: [:], at: 1080), [])
    }

    /// With link roots waiting like any other, the group window still folds parent and child into one ticket.
    func testGroupWindowFoldsAChildConfirmedFirst() {
        let a = RootCauseAnalyzer(inventory: inv)
        var p = policy
        p.openLinkRootsAtOnce = false
        var t = IncidentTracker(policy: p)
        XCTAssertEqual(t.evaluate(a.analyze(snapshot(downSites: ["opd1"])), failing: ["site:opd1"], healthy: [:], at: 1000), [])
        let s = snapshot(downSites: ["pop", "opd1", "opd2"], downLinks: ["fo-trunk"])
        let failing: Set<String> = ["site:pop", "site:opd1", "site:opd2", "link:fo-trunk"]
        XCTAssertEqual(t.evaluate(a.analyze(s), failing: failing, healthy: [:], at: 1020), [])
        let acts = t.evaluate(a.analyze(s), failing: failing, healthy: [:], at: 1080)
        XCTAssertEqual(acts.count, 1)
        guard case .open(let root) = acts[0] else { return XCTFail("\(acts)") }
        XCTAssertEqual(root.key, "link:fo-trunk")
    }

    func testFlapIsOneIncidentAndUnknownIsNotRecovery() {
        let a = RootCauseAnalyzer(inventory: inv)
        var t = IncidentTracker(policy: policy)
        let down = a.analyze(snapshot(downSites: ["opd1"], downLinks: ["fo-opd1"]))
        var opened = 0, resolved: [EpochSeconds] = []
        var now: EpochSeconds = 0
        func step(_ isDown: Bool, unknown: Bool = false) {
            let acts = t.evaluate(isDown ? down : [], failing: isDown ? ["link:fo-opd1", "site:opd1"] : [],
                                  healthy: isDown || unknown ? [:] : ["link:fo-opd1": now, "site:opd1": now], at: now)
            for act in acts {
                if case .open = act { opened += 1 }
                if case .resolve(_, let at) = act { resolved.append(at) }
            }
            now += 30
        }
        for _ in 0..<4 { step(true) }
        // Flapping: up 60 s, down 30 s, five times.
        for _ in 0..<5 { step(false); step(false); step(true) }
        // Engine restarted: no data for a while must not resolve it.
        for _ in 0..<20 { step(false, unknown: true) }
        XCTAssertEqual(resolved, [])
        let upFrom = now
        for _ in 0..<12 { step(false) }
        XCTAssertEqual(opened, 1)
        XCTAssertEqual(resolved, [upFrom], "resolved at the moment it came back, after the hold")
        // The same root again within the reopen window: reopened, not new.
        let acts = t.evaluate(down, failing: ["link:fo-opd1"], healthy: [:], at: now + 600)
        XCTAssertEqual(acts.map { if case .reopen = $0 { "reopen" } else { "other" } }, ["reopen"])
    }

    func testAdoptedTicketsAreNotOpenedAgain() {
        let a = RootCauseAnalyzer(inventory: inv)
        let roots = a.analyze(snapshot(downSites: ["opd2"]))
        var t = IncidentTracker()
        t.adopt(open: roots[0])
        for i in 0..<10 {
            let acts = t.evaluate(roots, failing: ["site:opd2"], healthy: ["link:cu-opd2": 0], at: EpochSeconds(2000 + i * 30))
            XCTAssertFalse(acts.contains { if case .open = $0 { true } else { false } })
        }
    }

    /// A link down known only from a trap (no poll has read it back) never pages at once: a false
    /// trap corrected by the next poll gives no ticket; a trap the poll confirms opens at once.
    func testAProvisionalTrapRootWaitsForThePoll() {
        let a = RootCauseAnalyzer(inventory: inv)
        let cut = a.analyze(snapshot(downSites: [], downLinks: ["fo-trunk"]))
        XCTAssertEqual(cut.map(\.key), ["link:fo-trunk"])
        var t = IncidentTracker(policy: policy)
        XCTAssertEqual(t.evaluate(cut, failing: ["link:fo-trunk"], healthy: [:], at: 1000, provisional: ["link:fo-trunk"]), [],
                       "a trap alone: wait")
        // The re-poll reads the port up: the root is gone, no ticket then or after the window.
        XCTAssertEqual(t.evaluate([], failing: [], healthy: ["link:fo-trunk": 1001], at: 1002), [])
        XCTAssertEqual(t.evaluate([], failing: [], healthy: ["link:fo-trunk": 1001], at: 1200), [])
        // A real cut: the trap, then the poll confirms: the ticket opens at the confirmation.
        XCTAssertEqual(t.evaluate(cut, failing: ["link:fo-trunk"], healthy: [:], at: 2000, provisional: ["link:fo-trunk"]), [])
        let acts = t.evaluate(cut, failing: ["link:fo-trunk"], healthy: [:], at: 2001)
        XCTAssertEqual(acts, [.open(cut[0])])
    }

    /// Issue 31: with a group window shorter than the trap's read-back past the agent's cache
    /// (the lab's 4 s against snmpd's 5 s), a false trap on a redundant link opened a notice
    /// ("FO putus", P3) before the poll could correct it. A trap alone waits for its read-back.
    func testATrapAloneWaitsForItsReadBackWhateverTheGroupWindow() {
        var p = IncidentTracker.Policy()
        p.groupWindow = 4
        var t = IncidentTracker(policy: p)
        let notice = RootCause(element: .link("fo-r1"), cause: .foCut, affectedSites: [], startedAt: 1000, evidence: [])
        for at: EpochSeconds in [1000, 1004, 1005] {
            XCTAssertEqual(t.evaluate([notice], failing: ["link:fo-r1"], healthy: [:], at: at, provisional: ["link:fo-r1"]), [], "at \(at)")
        }
        // The read-back past the cache: the port is up, nothing was ever opened.
        XCTAssertEqual(t.evaluate([], failing: [], healthy: ["link:fo-r1": 1000], at: 1006), [])
        XCTAssertTrue(t.incidents.isEmpty)
        // A trap the poll can never read back (the device does not answer) opens after the wait.
        _ = t.evaluate([notice], failing: ["link:fo-r1"], healthy: [:], at: 2000, provisional: ["link:fo-r1"])
        XCTAssertEqual(t.evaluate([notice], failing: ["link:fo-r1"], healthy: [:], at: 2030, provisional: ["link:fo-r1"]), [.open(notice)])
    }

    /// An officer resolves the ticket by hand while the site is still down: the tracker lets
    /// the incident go, and the still-failing root reopens that ticket after the group window.
    func testManualResolveWhileStillDownReopens() {
        let a = RootCauseAnalyzer(inventory: inv)
        let roots = a.analyze(snapshot(downSites: ["opd2"]))
        var t = IncidentTracker(policy: policy)
        t.adopt(open: roots[0])
        XCTAssertEqual(t.reconcile(liveKeys: ["site:opd2"], at: 2000), [], "still live: nothing to do")
        XCTAssertEqual(t.reconcile(liveKeys: [], at: 2000), ["site:opd2"])
        XCTAssertEqual(t.evaluate(roots, failing: ["site:opd2"], healthy: [:], at: 2010), [], "a reopen waits the group window too")
        let acts = t.evaluate(roots, failing: ["site:opd2"], healthy: [:], at: 2070)
        XCTAssertEqual(acts, [.reopen(roots[0])])
    }

    /// A degradation is its own incident: it resolves only after the recovery hold counted from
    /// when it cleared (never "recovered" before it opened), and a flaky site that degrades again
    /// within the hold stays one ticket with flaps counted.
    func testDegradationHasItsOwnKeyHoldAndStart() {
        var t = IncidentTracker(policy: policy)  // group 60 s, hold 300 s
        let key = "site:opd2:degraded"
        func root(_ since: EpochSeconds) -> RootCause {
            RootCause(element: .site("opd2"), cause: .degraded, affectedSites: [], startedAt: since, evidence: ["opd2: loss 67% > 20%"])
        }
        XCTAssertEqual(root(0).key, key)
        var log: [String] = []
        func step(_ at: EpochSeconds, degradedSince: EpochSeconds?, clearedAt: EpochSeconds?) {
            let roots = degradedSince.map { [root($0)] } ?? []
            let acts = t.evaluate(roots, failing: degradedSince == nil ? [] : [key],
                                  healthy: clearedAt.map { [key: $0] } ?? [:], at: at)
            for act in acts {
                switch act {
                case .open(let r): log.append("open@\(at) start \(r.startedAt)")
                case .resolve(_, let rec): log.append("resolve@\(at) recovered \(rec)")
                case .relapse(_, _, let flaps): log.append("relapse@\(at) flaps \(flaps)")
                default: log.append("\(act)")
                }
            }
        }
        step(1000, degradedSince: 1000, clearedAt: nil)
        step(1060, degradedSince: 1000, clearedAt: nil)        // group window passed: notice opens
        step(1100, degradedSince: nil, clearedAt: 1090)        // cleared at 1090: the hold starts there
        step(1200, degradedSince: nil, clearedAt: 1090)        // 110 s into the hold: still open
        step(1250, degradedSince: 1240, clearedAt: nil)        // degraded again within the hold: a flap
        step(1300, degradedSince: nil, clearedAt: 1290)
        step(1595, degradedSince: nil, clearedAt: 1290)        // 305 s after clearing: resolved, at the clearing
        XCTAssertEqual(log, ["open@1060 start 1000", "relapse@1250 flaps 1", "resolve@1595 recovered 1290"])
    }

    var calendar: WorkingCalendar {
        var spec = CalendarSpec()
        spec.holidays[LocalDate(year: 2026, month: 3, day: 19)!] = "Hari Suci Nyepi"
        return WorkingCalendar(spec: spec, timeZone: TimeZone(identifier: "Asia/Jakarta")!)
    }

    func t(_ s: String) -> EpochSeconds { ISO8601.parse(s)! }

    func testPriorityFromImpactAndUrgencyWithReasons() {
        let a = RootCauseAnalyzer(inventory: inv)
        let trunk = a.analyze(snapshot(downSites: ["pop", "opd1", "opd2"], downLinks: ["fo-trunk"]))[0]
        let p = PriorityPolicy()
        // Tuesday 10:00 WIB: working hours. Score: pop medium 2 + opd1 high 4 + 2 (200 users) + opd2 low 1 + trunk 4 = 13.
        let d = p.decide(trunk, inventory: inv, calendar: calendar, at: t("2026-03-17T10:00:00+07:00"))
        XCTAssertEqual(d.priority, .p1)
        XCTAssertEqual(d.score, 13)
        XCTAssertTrue(d.reason.contains("impact high (score 13"), d.reason)
        XCTAssertTrue(d.reason.contains("urgency high (working hours, 6h0m left)"), d.reason)
        XCTAssertEqual(p.decide(trunk, inventory: inv, calendar: calendar, at: t("2026-03-17T15:30:00+07:00")).priority, .p2)
        XCTAssertEqual(p.decide(trunk, inventory: inv, calendar: calendar, at: t("2026-03-17T20:00:00+07:00")).priority, .p3)
        let nyepi = p.decide(trunk, inventory: inv, calendar: calendar, at: t("2026-03-19T10:00:00+07:00"))
        XCTAssertEqual(nyepi.urgency, .low)
        XCTAssertTrue(nyepi.reason.contains("holiday: Hari Suci Nyepi"))
        // One low-criticality OPD in working hours: impact low -> P3.
        let opd2 = a.analyze(snapshot(downSites: ["opd2"]))[0]
        XCTAssertEqual(p.decide(opd2, inventory: inv, calendar: calendar, at: t("2026-03-17T10:00:00+07:00")).priority, .p3)
    }

    func testWorkingTimeArithmetic() {
        let c = calendar
        // Friday 15:00 + 3 working hours = Monday 10:00 (weekend skipped).
        XCTAssertEqual(c.instant(afterWorking: 3 * 3600, from: t("2026-03-13T15:00:00+07:00")), t("2026-03-16T10:00:00+07:00"))
        // Wednesday 18:00 + 1 h, Thursday is Nyepi: Friday 09:00.
        XCTAssertEqual(c.instant(afterWorking: 3600, from: t("2026-03-18T18:00:00+07:00")), t("2026-03-20T09:00:00+07:00"))
        XCTAssertEqual(c.workingSeconds(from: t("2026-03-13T15:00:00+07:00"), to: t("2026-03-16T10:00:00+07:00")), 3 * 3600)
        // Property: adding then measuring gives back the same working time.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let start = t("2026-03-01T00:00:00+07:00") + EpochSeconds.random(in: 0..<(60 * 86_400), using: &rng)
            let w = Int64.random(in: 1...(40 * 3600), using: &rng)
            let end = c.instant(afterWorking: w, from: start)!
            XCTAssertEqual(c.workingSeconds(from: start, to: end), w)
        }
    }
}

/// Issue 23: the cause of a silent site rests on reads taken after it failed, and a root found
/// later takes the ticket over instead of opening a second one.
final class EvidenceAndRerootTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core),
        Site(id: "dist", name: "POP", role: .distribution, uplinks: ["core-dist"]),
        Site(id: "opd1", name: "Dinkes", uplinks: ["fo-opd1"]),
    ], links: [
        Link(id: "core-dist", kind: .foUnderground, from: "dc", to: "dist", a: LinkEnd(device: "core-sw", interface: "sfp1")),
        Link(id: "fo-opd1", kind: .foAerial, from: "dist", to: "opd1", a: LinkEnd(device: "dist-sw", interface: "ether1")),
    ], maintenance: [])

    func snapshot(down: [String], since: EpochSeconds = 1000) -> NetworkSnapshot {
        var s = NetworkSnapshot()
        for site in inv.sites { s.sites[site.id] = ElementState(down.contains(site.id) ? .down : .up, since: down.contains(site.id) ? since : 0) }
        for l in inv.links { s.links[l.id] = ElementState(.up, since: 0, detail: "port up") }
        return s
    }

    func testAPortReadBeforeTheFailureIsNotEvidence() {
        let a = RootCauseAnalyzer(inventory: inv)
        var s = snapshot(down: ["dist", "opd1"])
        s.portReads["core-dist"] = PortRead(at: 990, state: .up, detail: "core-sw/sfp1 up")
        let before = a.analyze(s)
        XCTAssertEqual(before.map(\.key), ["site:dist"])
        XCTAssertEqual(before[0].cause, .siteDown, "a read from before the failure says nothing about it")
        XCTAssertTrue(before[0].evidence.joined().contains("no port reading of core-dist since the failure"), "\(before[0].evidence)")
        XCTAssertTrue(before[0].evidence.joined().contains("penyebab belum pasti"))
        XCTAssertEqual(a.awaitingPortEvidence(before, s), ["site:dist"])
        // The device does not answer the path read: named as such, still not certain.
        s.portReads["core-dist"] = PortRead(at: 1005, state: .unknown, detail: "core-sw/sfp1: device not answering")
        let silent = a.analyze(s)
        XCTAssertEqual(silent[0].cause, .siteDown)
        XCTAssertTrue(silent[0].evidence.joined().contains("no SNMP answer at"), "\(silent[0].evidence)")
        XCTAssertEqual(a.awaitingPortEvidence(silent, s), [], "an answer (even none) after the failure ends the wait")
        // The port read up after the failure: its own device or power.
        s.portReads["core-dist"] = PortRead(at: 1005, state: .up, detail: "core-sw/sfp1 up")
        let up = a.analyze(s)
        XCTAssertEqual(up[0].cause, .opdDeviceOrPower)
        XCTAssertEqual(up[0].affectedSites, ["dist", "opd1"])
    }

    func testThePathReadStopsAtASiteThatAnswers() {
        let a = RootCauseAnalyzer(inventory: inv)
        XCTAssertEqual(a.pathLinks(to: "opd1", in: snapshot(down: ["opd1"])), ["fo-opd1"])
        XCTAssertEqual(a.pathLinks(to: "opd1", in: snapshot(down: ["dist", "opd1"])), ["fo-opd1", "core-dist"])
    }

    func testACutFoundLaterTakesTheSiteTicketOver() {
        var p = IncidentTracker.Policy()
        p.groupWindow = 0
        var t = IncidentTracker(policy: p)
        let site = RootCause(element: .site("dist"), cause: .siteDown, affectedSites: ["dist", "opd1"], startedAt: 1000, evidence: [])
        // The path read did not come: the site opens after the evidence wait, not before.
        XCTAssertEqual(t.evaluate([site], failing: ["site:dist", "site:opd1"], healthy: [:], at: 1010, awaiting: ["site:dist"]), [])
        XCTAssertEqual(t.evaluate([site], failing: ["site:dist", "site:opd1"], healthy: [:], at: 1040, awaiting: ["site:dist"]), [.open(site)])
        // The poll then shows the port down: the same ticket takes the link, no second opening.
        let cut = RootCause(element: .link("core-dist"), cause: .foCut, affectedSites: ["dist", "opd1"], startedAt: 1100, evidence: [])
        let actions = t.evaluate([cut], failing: ["site:dist", "site:opd1", "link:core-dist"], healthy: [:], at: 1100)
        XCTAssertEqual(actions, [.reroot(cut, from: ["site:dist"], affectedEver: ["dist", "opd1"])])
        XCTAssertEqual(Set(t.incidents.keys), ["link:core-dist"])
        // Recovery resolves the rerooted incident.
        _ = t.evaluate([], failing: [], healthy: ["link:core-dist": 1200, "site:dist": 1200], at: 1200)
        XCTAssertEqual(t.evaluate([], failing: [], healthy: ["link:core-dist": 1200, "site:dist": 1200], at: 1600),
                       [.resolve(key: "link:core-dist", recoveredAt: 1200)])
    }

    func testAParentFoundDownLaterTakesTheChildTicketOver() {
        var p = IncidentTracker.Policy()
        p.groupWindow = 0
        var t = IncidentTracker(policy: p)
        // The child's port is on the parent's switch: no SNMP answer, so its cause is not certain.
        let child = RootCause(element: .site("opd1"), cause: .siteDown, affectedSites: ["opd1"], startedAt: 1000, evidence: [])
        XCTAssertEqual(t.evaluate([child], failing: ["site:opd1"], healthy: [:], at: 1000), [.open(child)])
        let parent = RootCause(element: .site("dist"), cause: .opdDeviceOrPower, affectedSites: ["dist", "opd1"], startedAt: 1030, evidence: [])
        XCTAssertEqual(t.evaluate([parent], failing: ["site:opd1", "site:dist"], healthy: [:], at: 1030),
                       [.reroot(parent, from: ["site:opd1"], affectedEver: ["dist", "opd1"])])
    }

    func testAnEarlierPowerFailureIsNotTakenOverByALaterCut() {
        var p = IncidentTracker.Policy()
        p.groupWindow = 0
        var t = IncidentTracker(policy: p)
        let power = RootCause(element: .site("opd1"), cause: .opdDeviceOrPower, affectedSites: ["opd1"], startedAt: 1000, evidence: [])
        _ = t.evaluate([power], failing: ["site:opd1"], healthy: [:], at: 1000)
        // Hours later the POP's fibre is cut: a second root, its own ticket.
        let cut = RootCause(element: .link("core-dist"), cause: .foCut, affectedSites: ["dist", "opd1"], startedAt: 9000, evidence: [])
        XCTAssertEqual(t.evaluate([cut], failing: ["site:opd1", "site:dist", "link:core-dist"], healthy: [:], at: 9000), [.open(cut)])
        // Seconds later is a separate failure too, for a cause that rests on evidence (the
        // namespace lab: an OPD's power ticket still open when the trunk was cut 20 s later).
        var u = IncidentTracker(policy: p)
        _ = u.evaluate([power], failing: ["site:opd1"], healthy: [:], at: 1000)
        var soon = cut
        soon.startedAt = 1020
        XCTAssertEqual(u.evaluate([soon], failing: ["site:opd1", "site:dist", "link:core-dist"], healthy: [:], at: 1020), [.open(soon)])
    }
}
