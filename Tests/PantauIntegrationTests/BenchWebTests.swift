import Foundation
import XCTest

/// Issue 27: `pantau bench web` printed no readiness line (a trailing closure had bound to the
/// failure handler), so `scripts/bench-web.sh` could not find the server it benchmarks.
final class BenchWebTests: XCTestCase {
    func testTheBenchServerSaysWhereItListens() throws {
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Harness.run(Harness.pantau, ["bench", "web", "--sites", "40", "--seconds", "2",
                                                   "--db", dir.appendingPathComponent("b.sqlite").path], timeout: 120)
        XCTAssertEqual(out.status, 0, out.stderr)
        let line = try XCTUnwrap(out.stdout.split(separator: "\n").first { $0.hasPrefix("http://127.0.0.1:") }, out.stdout + out.stderr)
        let fields = line.split(separator: " ")
        XCTAssertEqual(fields.count, 3, String(line))
        XCTAssertTrue(fields[1].hasPrefix("pnt_"), "the bench's API token: \(line)")
    }
}
