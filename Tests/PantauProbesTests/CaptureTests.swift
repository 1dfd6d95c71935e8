import Foundation
import PantauCapture
import PantauCore
import PantauProbes
import PantauTestSupport
import XCTest

/// The libpcap capture against a capture file (exact counts) and live on loopback.
final class CaptureTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/gen-pcap.py").path

    func sites(_ n: Int) -> [Site] {
        (0..<n).map { Site(id: "opd\($0)", name: "OPD \($0)", subnets: [IPv4Subnet("10.\(100 + $0).0.0/24")!]) }
    }

    func waitEnded(_ tap: TrafficTap, seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !tap.ended.withLock({ $0.done }) && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(tap.ended.withLock { $0.done }, "the file was read to its end")
    }

    /// Every byte and packet of a generated file lands on the right OPD and direction, with
    /// VLAN tags, ARP frames, destinations outside every subnet and frames cut by the snap length.
    func testReplayCountsEveryOPDExactly() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let gen = try Shell.run(["/usr/bin/python3", Self.script, file, "30000", "--sites", "4", "--snap", "64"])
        let expected = try JSONSerialization.jsonObject(with: Data(gen.output.utf8)) as! [String: Any]
        let capture = PcapCapture(.file(file), config: CaptureConfig())
        let tap = TrafficTap(map: SubnetMap(sites: sites(4)), bucketSeconds: 60, interface: file)
        try capture.start(tap)
        try waitEnded(tap)
        capture.stop()
        XCTAssertNil(tap.ended.withLock { $0.error })
        let rows = tap.counter.withLock { $0.drain(upTo: .max) }
        let perSite = (expected["sites"] as! [String: [String: Int]])
        for i in 0..<4 {
            let want = perSite["10.\(100 + i).0.0/24"]!
            let got = rows.filter { $0.site == "opd\(i)" }
            XCTAssertEqual(got.map(\.inBytes).reduce(0, +), Int64(want["in_bytes"]!), "opd\(i) in")
            XCTAssertEqual(got.map(\.outBytes).reduce(0, +), Int64(want["out_bytes"]!), "opd\(i) out")
            XCTAssertEqual(got.map(\.inPackets).reduce(0, +), Int64(want["in_packets"]!))
            XCTAssertEqual(got.map(\.outPackets).reduce(0, +), Int64(want["out_packets"]!))
        }
        let stats = tap.statistics.withLock { $0 }
        XCTAssertEqual(stats.received, 30000)
        XCTAssertEqual(stats.nonIP, Int64(expected["non_ip"] as! Int))
        let first: EpochSeconds = 1_780_000_000 - 1_780_000_000 % 60
        XCTAssertEqual(Set(rows.map(\.bucket)), Set([first, first + 60]), "packets are bucketed by their own timestamps")
        let top = tap.counter.withLock { $0.takeTopTalkers(3) }
        XCTAssertEqual(top.count, 3)
        XCTAssertTrue(top[0].bytes >= top[1].bytes && top[1].bytes >= top[2].bytes)
    }

    /// Live on `lo`: datagrams sent to ourselves are counted once each (filter on our port), and
    /// libpcap's own counters are read (no kernel drops at this rate).
    func testLiveCaptureOnLoopback() throws {
        let port = SNMPDAgent.freePort()
        var config = CaptureConfig()
        config.filter = "udp and dst port \(port)"
        let capture = PcapCapture(.interface("lo"), config: config)
        let tap = TrafficTap(map: SubnetMap(sites: [Site(id: "loopback", name: "lo", subnets: [IPv4Subnet("127.0.0.0/8")!])]),
                             bucketSeconds: 60, interface: "lo")
        do { try capture.start(tap) } catch let e as CaptureError where e.code == .permission {
            throw XCTSkip("capturing needs root or CAP_NET_RAW here: \(e)")
        }
        defer { capture.stop() }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let payload = [UInt8](repeating: 0x55, count: 472)  // 500-byte IP packets
        for _ in 0..<300 {
            _ = withUnsafePointer(to: &addr) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, payload, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        let deadline = Date().addingTimeInterval(10)
        var seen: Int64 = 0
        repeat {
            usleep(20_000)
            seen = tap.counter.withLock { c in
                var copy = c
                return copy.drain(upTo: .max).map(\.inPackets).reduce(0, +)
            }
        } while seen < 300 && Date() < deadline
        XCTAssertEqual(seen, 300)
        let rows = tap.counter.withLock { $0.drain(upTo: .max) }
        XCTAssertEqual(rows.map(\.inBytes).reduce(0, +), 300 * 500)
        XCTAssertEqual(rows.map(\.outBytes).reduce(0, +), 300 * 500, "both ends are in the loopback 'site'")
        let stats = tap.statistics.withLock { $0 }
        XCTAssertGreaterThanOrEqual(stats.received, 300)
        XCTAssertEqual(stats.dropped, 0)
    }

    /// Mistakes are named: an interface that does not exist, a filter that does not compile.
    func testClearErrors() throws {
        let tap = TrafficTap(map: SubnetMap(sites: []), bucketSeconds: 60, interface: "x")
        XCTAssertThrowsError(try PcapCapture(.interface("pantau-nosuch0"), config: CaptureConfig()).start(tap)) { e in
            let e = e as! CaptureError
            XCTAssertTrue([.noSuchInterface, .permission].contains(e.code), "\(e)")
            XCTAssertTrue("\(e)".contains("pantau-nosuch0"), "\(e)")
        }
        var bad = CaptureConfig()
        bad.filter = "udp and prot 53"
        XCTAssertThrowsError(try PcapCapture(.interface("lo"), config: bad).start(tap)) { e in
            let e = e as! CaptureError
            if e.code == .permission { return }
            XCTAssertEqual(e.code, .filter, "\(e)")
            XCTAssertTrue("\(e)".contains("udp and prot 53"), "\(e)")
        }
        XCTAssertThrowsError(try PcapCapture(.file("/nonexistent/x.pcap"), config: CaptureConfig()).start(tap)) { e in
            XCTAssertTrue("\(e)".contains("/nonexistent/x.pcap"), "\(e)")
        }
    }
}
