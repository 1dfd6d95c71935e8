import XCTest
import PantauCore

final class StateMachineTests: XCTestCase {
    func testConfirmsDownFromFirstFailure() {
        var m = ConfirmingStateMachine(policy: ConfirmPolicy(roundsToConfirmDown: 3, roundsToConfirmUp: 2))
        XCTAssertNil(m.observe(reachable: true, at: 0))
        XCTAssertEqual(m.observe(reachable: true, at: 30), .record(from: .unknown, to: .up, since: 0))
        XCTAssertNil(m.observe(reachable: false, at: 60))
        XCTAssertNil(m.observe(reachable: false, at: 90))
        XCTAssertEqual(m.observe(reachable: false, at: 120), .record(from: .up, to: .down, since: 60))
        XCTAssertEqual(m.state, .down)
        XCTAssertNil(m.observe(reachable: true, at: 150))
        XCTAssertEqual(m.observe(reachable: true, at: 180), .record(from: .down, to: .up, since: 150))
    }

    func testABlipIsNotAChange() {
        var m = ConfirmingStateMachine(policy: ConfirmPolicy(roundsToConfirmDown: 2, roundsToConfirmUp: 1), state: .up, since: 0)
        XCTAssertNil(m.observe(reachable: false, at: 10))
        XCTAssertNil(m.observe(reachable: true, at: 20))   // streak broken
        XCTAssertNil(m.observe(reachable: false, at: 30))
        XCTAssertEqual(m.observe(reachable: false, at: 40), .record(from: .up, to: .down, since: 30))
    }

    func testStopMakesUnknown() {
        var m = ConfirmingStateMachine(policy: ConfirmPolicy(roundsToConfirmDown: 1, roundsToConfirmUp: 1))
        _ = m.observe(reachable: true, at: 5)
        XCTAssertEqual(m.stop(at: 9), .record(from: .up, to: .unknown, since: 9))
        XCTAssertNil(m.stop(at: 10))
    }
}

final class TopologyTests: XCTestCase {
    func inventory() -> Inventory {
        Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core),
            Site(id: "a", name: "a", role: .distribution, uplinks: ["l-a"]),
            Site(id: "b", name: "b", role: .distribution, uplinks: ["l-b"]),
            Site(id: "x", name: "x", uplinks: ["l-ax"]),
            Site(id: "y", name: "y", uplinks: ["l-ay", "l-by"]),
        ], links: [
            Link(id: "l-a", kind: .foUndersea, from: "dc", to: "a"), Link(id: "l-b", kind: .foAerial, from: "dc", to: "b"),
            Link(id: "l-ax", kind: .copper, from: "a", to: "x"), Link(id: "l-ay", kind: .copper, from: "a", to: "y"),
            Link(id: "l-by", kind: .wireless, from: "b", to: "y"),
        ], maintenance: [])
    }

    func testRedundantSiteSurvivesOneCut() {
        let inv = inventory()
        let t = Topology(inv)
        XCTAssertEqual(t.parents(of: "y"), ["a", "b"])
        XCTAssertEqual(t.reachable(inventory: inv, failedSites: [], failedLinks: ["l-a"]), ["dc", "b", "y"])
        XCTAssertEqual(t.reachable(inventory: inv, failedSites: ["b"], failedLinks: ["l-a"]), ["dc"])
        XCTAssertEqual(t.cutOffBy(["a"]), ["x"])
        XCTAssertEqual(t.unreachableFromCore(), [])
    }
}
