import Foundation
import Synchronization
import XCTest
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauReports
import PantauSQLite
import PantauStoreKit

/// Sites given by host name or IPv6: pinged at the address the name resolves to; a name that
/// never resolved is its own state (`unresolved`), recorded as no data and never as down; a name
/// that stops resolving keeps its last address.
final class HostNameTests: XCTestCase {
    final class FlakyResolver: HostResolver {
        let failing = Mutex(false)
        func resolve(_ name: String) async -> Result<[UInt8], ResolutionFailure> {
            if failing.withLock({ $0 }) { return .failure(ResolutionFailure("Temporary failure in name resolution")) }
            return name == "bkd.intra.test" ? .success([10, 0, 0, 2]) : .failure(ResolutionFailure("Name or service not known"))
        }
    }

    func testNamesResolveUnresolvedIsNotDownAndAResolverOutageKeepsTheLastAddress() async throws {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core, address: "10.0.0.1"),
            Site(id: "bkd", name: "BKD", address: "bkd.intra.test", uplinks: ["l1"]),
            Site(id: "ghost", name: "Hantu", address: "ghost.intra.test", uplinks: ["l2"]),
            Site(id: "v6", name: "OPD IPv6", address: "2001:db8::30", uplinks: ["l3"]),
        ], links: [Link(id: "l1", kind: .foAerial, from: "dc", to: "bkd"), Link(id: "l2", kind: .foAerial, from: "dc", to: "ghost"),
                   Link(id: "l3", kind: .foAerial, from: "dc", to: "v6")], maintenance: [])
        var probes = ProbeConfig(icmpDefaults: ICMPSettings(intervalSeconds: 60, packets: 2, timeoutMs: 1000,
                                                            roundsToConfirmDown: 2, roundsToConfirmUp: 1))
        probes.resolveIntervalSeconds = 300
        let start = Double(ISO8601.parse("2026-03-02T08:00:00+07:00")!)
        let clock = ManualClock(start)
        let resolver = FlakyResolver()
        let asked = Mutex<Set<String>>([])
        let fake = RecordingEchoTransport { address, _ in
            asked.withLock { _ = $0.insert(address) }
            // The resolver fails from 08:10 on; the site keeps answering at its last address.
            if clock.now() >= start + 600 { resolver.failing.withLock { $0 = true } }
            return 0.5
        }
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-hn-\(UUID().uuidString).sqlite").path)
        let events = try await TestEngine(inventory: inv, probes: probes, store: store, transport: fake, clock: clock, runFor: 1800,
                                          resolver: resolver).run()
        let changes = events.compactMap { e -> String? in
            if case .stateChanged(let t, let f, let to, _) = e, to != .unknown || f != .up { return "\(t) \(f)->\(to)" }
            return nil
        }
        XCTAssertTrue(changes.contains("bkd unknown->up") && changes.contains("v6 unknown->up"), "\(changes)")
        XCTAssertFalse(changes.contains { $0.hasPrefix("ghost") }, "an unresolved name is never down (nor up): \(changes)")
        XCTAssertFalse(changes.contains("bkd up->down"), "a resolver outage does not take a resolved site down: \(changes)")
        XCTAssertEqual(asked.withLock { $0 }, ["10.0.0.1", "10.0.0.2", "2001:db8::30"], "ghost was never pinged")

        // status: ghost is its own state, with the resolver's words (engine still vouching: query at the last round).
        let status = try await StatusQuery(inventory: inv, probes: probes, snmp: SNMPProbeConfig())
            .build(store: store, now: Int64(start) + 1790)
        let ghost = status.sites.first { $0.id == "ghost" }
        XCTAssertEqual(ghost?.state, .unresolved)
        XCTAssertTrue(ghost?.detail?.contains("ghost.intra.test did not resolve (") == true, "\(String(describing: ghost))")
        // availability: no data, not down.
        let r = try await AvailabilityQuery(inventory: inv).compute(store: store, span: TimeRange(Int64(start), Int64(start) + 1800),
                                                                    sites: ["bkd", "ghost"])
        XCTAssertEqual(r.map(\.target), ["bkd", "ghost"])
        XCTAssertEqual(r[1].downSeconds, 0)
        XCTAssertEqual(r[1].unknownSeconds, 1800)
        XCTAssertEqual(r[0].upSeconds, 1800, "bkd stayed up through the resolver outage")
    }
}
