import XCTest
import PantauCore
@testable import PantauEngine

final class TrapFloodTests: XCTestCase {
    /// A flood of spoofed traps from ever new addresses costs bounded memory: past the key
    /// limit they are counted under "other"; nothing is lost from the totals; each pair is
    /// logged once.
    func testRejectedTrapsAreCountedInBoundedMemory() {
        var c = TrapRejectionCounter()
        var firstSeen = 0
        for i in 0..<20_000 {
            if c.count(source: "10.\(i / 65536).\(i / 256 % 256).\(i % 256)", reason: "unknown-sender", at: EpochSeconds(i)) { firstSeen += 1 }
        }
        for _ in 0..<500 { c.count(source: "10.0.0.1", reason: "bad-credentials", at: 7) }
        let counts = c.take()
        XCTAssertLessThanOrEqual(counts.count, c.maxKeys + 2, "bounded by the key limit")
        XCTAssertEqual(counts.reduce(0) { $0 + $1.count }, 20_500, "every rejection counted")
        XCTAssertEqual(counts.first { $0.source == "other" && $0.reason == "unknown-sender" }?.count, 20_000 - c.maxKeys)
        XCTAssertLessThanOrEqual(firstSeen, c.maxKeys, "logged once per pair, and only up to the limit")
        XCTAssertTrue(c.take().isEmpty, "a take starts a fresh minute")
    }
}
