import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit
import Synchronization
import XCTest

/// The capture service on the test clock with a recording transport: minute buckets reach the
/// store through the recorder, with top talkers and the capture's counters; a capture that cannot
/// start says why and the engine goes on.
final class CaptureServiceTests: XCTestCase {
    let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1", subnets: [IPv4Subnet("10.99.0.0/16")!]),
        Site(id: "dinkes", name: "Dinas Kesehatan", address: "10.0.0.2", uplinks: ["fo"], subnets: [IPv4Subnet("10.21.15.0/24")!]),
    ], links: [Link(id: "fo", kind: .foAerial, from: "dc", to: "dinkes")], maintenance: [])
    let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)

    func store() throws -> Store {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-cap-\(UUID().uuidString).sqlite").path)
    }

    func testMinuteBucketsTalkersAndCountersReachTheStore() async throws {
        let t0 = EpochSeconds(start)
        // 3 minutes of traffic: 100 packets of 1000 bytes a minute from the DC to Dinkes, 10 back, one ARP frame.
        var packets: [RecordingCaptureTransport.Packet] = []
        for minute in 0..<3 {
            for i in 0..<100 {
                packets.append(.init(PacketHeader(source: 0x0A63_000A, destination: 0x0A15_0F15, length: 1000, proto: 6, port: 443),
                                     at: t0 + EpochSeconds(minute * 60 + i % 60)))
            }
            for i in 0..<10 {
                packets.append(.init(PacketHeader(source: 0x0A15_0F16, destination: 0x0A63_000B, length: 500, proto: 17, port: 53),
                                     at: t0 + EpochSeconds(minute * 60 + i)))
            }
        }
        packets.append(.init(nil, at: t0))
        let transport = RecordingCaptureTransport(packets)
        let s = try store()
        var config = CaptureConfig()
        config.interface = "mirror0"
        let clock = ManualClock(start)
        let inv = self.inv
        _ = try await TestEngine(inventory: inv, store: s, transport: RecordingEchoTransport { _, _ in 0.5 }, clock: clock, runFor: 300,
                                 capture: { bus in
            CaptureService(inventory: inv, config: config, transport: transport, bus: bus, clock: clock, logger: Logger(label: "t"), runFor: 300)
        }).run()
        XCTAssertEqual(transport.calls.withLock { $0 }, ["start", "stop"])
        let rows = try await s.opdTraffic(TimeRange(t0, t0 + 600), resolution: 60, sites: nil)
        XCTAssertEqual(rows.filter { $0.site == "dinkes" }.map(\.inBytes), [100_000, 100_000, 100_000])
        XCTAssertEqual(rows.filter { $0.site == "dinkes" }.map(\.outBytes), [5_000, 5_000, 5_000])
        XCTAssertEqual(rows.filter { $0.site == "dc" }.map(\.outPackets), [100, 100, 100])
        let hourly = try await s.opdTraffic(TimeRange(t0, t0 + 3600), resolution: 3600, sites: ["dinkes"])
        XCTAssertEqual(hourly.map(\.inBytes), [300_000], "the hour adds its minutes")
        let talkers = try await s.topTalkers(TimeRange(t0 - 60, t0 + 600))
        XCTAssertEqual(talkers.first?.source, "10.99.0.10")
        XCTAssertEqual(talkers.first?.destination, "10.21.15.21")
        XCTAssertEqual(talkers.first?.service, "tcp/443")
        XCTAssertEqual(talkers.map(\.bytes).reduce(0, +), 3 * 100_000 + 3 * 5_000)
        let stats = try await s.captureStatistics()
        XCTAssertEqual(stats.first?.stats.interface, "mirror0")
        XCTAssertEqual(stats.first?.stats.received, 331)
        XCTAssertEqual(stats.first?.stats.nonIP, 1)
        // The capture is its own source with its own heartbeat, and `pantau status` shows its counters.
        let sources = try await s.sourceHealth()
        XCTAssertTrue(sources.contains { $0.prober == "capture" }, "\(sources)")
        let status = try await StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: SNMPProbeConfig()).build(store: s, now: t0 + 400)
        XCTAssertEqual(status.capture?.first?.interface, "mirror0")
        XCTAssertEqual(status.capture?.first?.received, 331)
        XCTAssertEqual(status.capture?.first?.dropped, 0)
    }

    func testACaptureThatCannotStartSaysWhyAndTheEngineGoesOn() async throws {
        let transport = RecordingCaptureTransport(failure: CaptureError(.permission, operation: "opening eth1", message: "needs CAP_NET_RAW"))
        let told = Mutex<CaptureError?>(nil)
        let s = try store()
        let clock = ManualClock(start)
        let inv = self.inv
        let events = try await TestEngine(inventory: inv, store: s, transport: RecordingEchoTransport { _, _ in 0.5 }, clock: clock, runFor: 120,
                                          capture: { bus in
            CaptureService(inventory: inv, config: CaptureConfig(), transport: transport, bus: bus, clock: clock, logger: Logger(label: "t"),
                           runFor: 120) { e in told.withLock { $0 = e } }
        }).run()
        XCTAssertEqual(told.withLock { $0 }?.code, .permission)
        XCTAssertTrue(events.contains { if case .stateChanged("dinkes", .unknown, .up, _) = $0 { true } else { false } }, "ICMP went on: \(events)")
    }
}
