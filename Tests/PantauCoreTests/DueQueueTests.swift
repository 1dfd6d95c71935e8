import XCTest
import PantauCore

/// The poller's due-time heap against the plain scan it replaced (a dictionary of due times).
final class DueQueueTests: XCTestCase {
    func testMatchesAScanOverEveryTargetUnderRandomScheduling() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<50 {
            var q = DueQueue<Int>()
            var reference: [Int: Double] = [:]
            for step in 0..<2000 {
                let id = Int.random(in: 0..<200, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<6:
                    let at = Double(Int.random(in: 0..<1000, using: &rng)) / 4
                    q.schedule(id, at: at)
                    reference[id] = at
                case 6:
                    q.cancel(id)
                    reference[id] = nil
                case 7:
                    XCTAssertEqual(q.next(), reference.values.min(), "round \(round) step \(step)")
                default:
                    let t = Double(Int.random(in: 0..<1000, using: &rng)) / 4
                    let taken = q.take(through: t)
                    let expected = reference.filter { $0.value <= t }
                    XCTAssertEqual(Set(taken), Set(expected.keys), "round \(round) step \(step)")
                    XCTAssertEqual(taken.count, expected.count, "each target once")
                    let times = taken.map { expected[$0]! }
                    XCTAssertEqual(times, times.sorted(), "earliest first")
                    for k in expected.keys { reference[k] = nil }
                }
                XCTAssertEqual(q.count, reference.count)
                XCTAssertEqual(q.due(id), reference[id])
            }
        }
    }
}
