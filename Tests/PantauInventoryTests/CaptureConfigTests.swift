import Foundation
import XCTest
import PantauCore
import PantauInventory

/// `probes/capture.yaml`: the shipped sample parses (capture off), values land, mistakes are named by file:line.
final class CaptureConfigTests: XCTestCase {
    func load(_ yaml: String) -> (LoadedConfiguration?, [String]) { loadWithProbeFile("capture.yaml", yaml) }

    func testSampleValuesAndMistakes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sample = try String(contentsOf: root.appendingPathComponent("probes/capture.yaml"), encoding: .utf8)
        let (c, errors) = load(sample)
        XCTAssertEqual(errors, [])
        XCTAssertNil(c?.capture.interface, "the shipped sample leaves the capture off")
        XCTAssertEqual(c?.capture.snapLength, 128)
        XCTAssertEqual(c?.retention.topTalkerSeconds, 86_400)
        let (v, e2) = load("capture:\n  interface: eth1\n  filter: \"not port 22\"\n  bucket: 5m\n  talker_retention: 2h\n  promiscuous: false\n")
        XCTAssertEqual(e2, [])
        XCTAssertEqual(v?.capture.interface, "eth1")
        XCTAssertEqual(v?.capture.filter, "not port 22")
        XCTAssertEqual(v?.capture.bucketSeconds, 300)
        XCTAssertEqual(v?.capture.promiscuous, false)
        XCTAssertEqual(v?.retention.topTalkerSeconds, 7200)
        let (_, e3) = load("capture:\n  interface: eth1\n  snap_length: 10\n  bucket: 7m\n  top_talker: 5\n")
        XCTAssertEqual(e3.count, 3, "\(e3)")
        XCTAssertTrue(e3.contains { $0.hasPrefix("probes/capture.yaml:3: capture.snap_length:") }, "\(e3)")
        XCTAssertTrue(e3.contains { $0.hasPrefix("probes/capture.yaml:4: capture.bucket:") && $0.contains("divides an hour") }, "\(e3)")
        XCTAssertTrue(e3.contains { $0.contains("capture.yaml:5") && $0.contains("top_talker") }, "\(e3)")
    }
}
