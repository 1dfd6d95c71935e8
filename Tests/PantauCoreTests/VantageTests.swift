import XCTest
@testable import PantauCore

/// Several engines watching one target: the combined history against a second-by-second
/// reference, and the current state's rules (an engine behind a cut cannot vouch for "up").
final class VantageTests: XCTestCase {
    typealias SplitMix = AvailabilityPropertyTests.SplitMix

    /// Random disjoint intervals of one source within [0, 600).
    func randomSource(_ rng: inout SplitMix) -> [StateInterval] {
        var t = Int64.random(in: 0...60, using: &rng), out: [StateInterval] = []
        while t < 600 {
            let len = Int64.random(in: 1...90, using: &rng)
            let state: TargetState = [.up, .down, .down, .unknown][Int.random(in: 0...3, using: &rng)]
            out.append(StateInterval(target: "opd1", state: state, range: TimeRange(t, min(600, t + len))))
            t += len + (Bool.random(using: &rng) ? 0 : Int64.random(in: 1...40, using: &rng))  // gaps: no data
        }
        return out
    }

    /// The rule, one second at a time.
    func reference(_ sources: [[StateInterval]], at s: Int64) -> TargetState? {
        let covering = sources.flatMap { $0 }.filter { $0.range.contains(s) }.map(\.state)
        if covering.isEmpty { return nil }
        if covering.contains(.up) { return .up }
        return covering.contains(.down) ? .down : .unknown
    }

    func testMergedHistoryMatchesASecondBySecondReference() {
        var rng = SplitMix(state: 20_261_130)
        for round in 0..<300 {
            let sources = (0..<Int.random(in: 2...4, using: &rng)).map { _ in randomSource(&rng) }
            let merged = Vantage.merge(target: "opd1", sources)
            for (a, b) in zip(merged, merged.dropFirst()) {
                XCTAssertLessThanOrEqual(a.range.end, b.range.start, "round \(round): disjoint and ordered")
                XCTAssertFalse(a.range.end == b.range.start && a.state == b.state, "round \(round): adjacent pieces of one state are joined")
            }
            for s in Int64(0)..<600 {
                let got = merged.first { $0.range.contains(s) }?.state
                XCTAssertEqual(got, reference(sources, at: s), "round \(round), second \(s)")
                if got != reference(sources, at: s) { return }
            }
        }
    }

    func testOneSourceComesBackUnchanged() {
        let one = [StateInterval(target: "x", state: .up, range: TimeRange(0, 10)), StateInterval(target: "x", state: .up, range: TimeRange(10, 20))]
        XCTAssertEqual(Vantage.merge(target: "x", [one, []]), one, "one engine's history is the SQLite store's answer, split sessions and all")
    }

    func testCurrentState() {
        // Both up: up since the earliest.
        XCTAssertEqual(Vantage.current([.init(state: .up, since: 100, heardAt: 500), .init(state: .up, since: 50, heardAt: 500)])?.since, 50)
        // One sees it down, the other still hears it answer after that: up.
        XCTAssertEqual(Vantage.current([.init(state: .down, since: 400, heardAt: 500), .init(state: .up, since: 50, heardAt: 450)])?.state, .up)
        // The other's last word predates the failure, or is of the same second (an engine behind the cut, spooling): down.
        XCTAssertEqual(Vantage.current([.init(state: .down, since: 400, heardAt: 500), .init(state: .up, since: 50, heardAt: 400)])?.state, .down)
        let cut = Vantage.current([.init(state: .down, since: 400, heardAt: 500), .init(state: .up, since: 50, heardAt: 390)])
        XCTAssertEqual(cut?.state, .down)
        XCTAssertEqual(cut?.since, 400)
        // Every one down: down since the last to see it.
        XCTAssertEqual(Vantage.current([.init(state: .down, since: 400, heardAt: 500), .init(state: .down, since: 420, heardAt: 500)])?.since, 420)
        XCTAssertNil(Vantage.current([]), "no live engine: no state (unknown), never down")
    }
}
