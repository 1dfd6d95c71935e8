import Foundation
import XCTest
import PantauCore
import PantauReports
import PantauSQLite
import PantauStoreKit

final class StatusQueryTests: XCTestCase {
    /// One OPD behind an SNMP-watched link, and an empty store.
    static func oneOPDWithASwitch() throws -> (Inventory, Store) {
        let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
            Site(id: "dc", name: "dc", role: .core, address: "10.0.0.1"),
            Site(id: "bkd", name: "bkd", address: "10.0.0.2", uplinks: ["fo"]),
        ], links: [Link(id: "fo", kind: .foUnderground, from: "dc", to: "bkd", a: LinkEnd(device: "sw", interface: "sfp1"))],
        devices: [Device(id: "sw", site: "dc", address: "10.0.0.3", vendor: .mikrotik, role: .core, snmpProfile: "p")], maintenance: [])
        return (inv, try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-sq-\(UUID().uuidString).sqlite").path))
    }

    /// Staleness is per source: a site held by an ICMP prober that stopped beating is unknown
    /// from its last heartbeat while the SNMP prober, still beating, vouches for its link.
    func testAStaleICMPSourceMakesSitesUnknownWhileSNMPBeatsOn() async throws {
        let (inv, store) = try Self.oneOPDWithASwitch()
        let icmp = try await store.beginSource(ObservationSource(.icmp), at: 1000)
        let snmp = try await store.beginSource(ObservationSource(.snmp), at: 1000)
        try await store.record(ObservationBatch(source: ObservationSource(.icmp), at: 1010, observations: [
            Observation(kind: .site, element: "bkd", source: ObservationSource(.icmp), what: .state(from: .unknown, to: .up), since: 1000)],
            cycle: CycleReport(startedAt: 1009.5, durationMs: 12, done: 2, answered: 2, late: 0)), session: icmp)
        try await store.record(ObservationBatch(source: ObservationSource(.snmp), at: 1990, observations: [
            Observation(kind: .link, element: "fo", source: ObservationSource(.snmp), what: .state(from: .unknown, to: .up), since: 1000)]),
            session: snmp)
        let q = StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: SNMPProbeConfig())
        let r = try await q.build(store: store, now: 2000)
        XCTAssertEqual(r.sites.first { $0.id == "bkd" }?.state, .unknown, "ICMP silent since 1010: no longer vouched for")
        XCTAssertEqual(r.links.first?.state, .up, "SNMP beat at 1990")
        XCTAssertEqual(r.sources.map { "\($0.source) \($0.state)" }, ["icmp@local stale", "snmp@local running"])
        XCTAssertEqual(r.sources.first?.done, 2)
        // The JSON contract is the Codable type, encoded with JSONEncoder.
        let json = String(decoding: try JSONEncoder.pantau.encode(r), as: UTF8.self)
        XCTAssertTrue(json.contains("\"last_seen\""), json)
    }

    /// Issue 29: with SNMP polled every 10 s (stale after ~27 s) the bandwidth and capture sources,
    /// beating every 30 s, read "macet" for a few seconds of every beat. Each is stale past its own beat.
    func testEverySourceIsStaleFromItsOwnHeartbeat() async throws {
        let (inv, store) = try Self.oneOPDWithASwitch()
        for prober in [ObservationSource.Prober.snmp, .bandwidth, .capture] {
            let s = try await store.beginSource(ObservationSource(prober), at: 1000)
            try await store.record(ObservationBatch(source: ObservationSource(prober), at: prober == .snmp ? 1995 : 1971), session: s)
        }
        var snmp = SNMPProbeConfig()
        snmp.defaults.intervalSeconds = 10
        let q = StatusQuery(inventory: inv, probes: ProbeConfig(), snmp: snmp)
        // 29 s after the bandwidth and capture beats (one 30 s beat not yet due): running.
        var r = try await q.build(store: store, now: 2000)
        XCTAssertEqual(r.sources.map { "\($0.source) \($0.state)" }, ["bandwidth@local running", "capture@local running", "snmp@local running"])
        // Two beats missed: stale.
        r = try await q.build(store: store, now: 2042)
        XCTAssertEqual(r.sources.map { "\($0.source) \($0.state)" }, ["bandwidth@local stale", "capture@local stale", "snmp@local stale"])
    }
}
