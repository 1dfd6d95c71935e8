import Foundation
import Logging
import XCTest
import PantauCore
import PantauBus
import PantauEngine
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// Issue 23: one FO cut, one ticket, with the right cause, at the timings of a real office.
/// The whole engine (ICMP, SNMP with path reads, traps, correlator, store) on a manual clock
/// against the simulated network, over random draws of what differs between offices: ICMP
/// interval (5-60 s) and confirm rounds (1-3), SNMP interval (10 s-5 min), the group window,
/// traps sent or lost, the agent holding the evidence not answering for a while after the cut,
/// and the instant of the cut. For every draw: exactly one outage ticket, opened once (no
/// second opening, nothing merged), ending with the true root, cause and sites cut off.
final class FieldTimingPropertyTests: XCTestCase {
    // dc -fo-trunk-> pop -> opd1 (fo), opd2 (fo), opd3 (copper); pop2 on a ring (fo-r1 from dc,
    // fo-r2 from pop) with opd4 behind it; dist behind core-dist with opd5 behind it.
    static let inv = Inventory(organization: "t", timezone: "Asia/Jakarta", calendar: CalendarSpec(), sla: SLA(), sites: [
        Site(id: "dc", name: "Pusat Data", role: .core, address: "10.0.0.1"),
        Site(id: "pop", name: "POP Kota", role: .distribution, address: "10.0.1.1", uplinks: ["fo-trunk"]),
        Site(id: "opd1", name: "Dinkes", criticality: .high, users: 150, address: "10.0.2.1", uplinks: ["fo-opd1"]),
        Site(id: "opd2", name: "Dishub", address: "10.0.2.2", uplinks: ["fo-opd2"]),
        Site(id: "opd3", name: "Kecamatan", criticality: .low, address: "10.0.2.3", uplinks: ["cu-opd3"]),
        Site(id: "pop2", name: "POP Pesisir", role: .distribution, address: "10.0.4.1", uplinks: ["fo-r1", "fo-r2"]),
        Site(id: "opd4", name: "Puskesmas", address: "10.0.4.3", uplinks: ["fo-opd4"]),
        Site(id: "dist", name: "POP Barat", role: .distribution, address: "10.0.5.1", uplinks: ["core-dist"]),
        Site(id: "opd5", name: "Disdik", criticality: .high, address: "10.0.5.3", uplinks: ["fo-opd5"]),
    ], links: [
        Link(id: "fo-trunk", kind: .foUnderground, from: "dc", to: "pop", a: LinkEnd(device: "core-sw", interface: "sfp1"),
             b: LinkEnd(device: "pop-sw", interface: "sfp1")),
        Link(id: "fo-opd1", kind: .foAerial, from: "pop", to: "opd1", a: LinkEnd(device: "pop-sw", interface: "ether1")),
        Link(id: "fo-opd2", kind: .foAerial, from: "pop", to: "opd2", a: LinkEnd(device: "pop-sw", interface: "ether2")),
        Link(id: "cu-opd3", kind: .copper, from: "pop", to: "opd3", a: LinkEnd(device: "pop-sw", interface: "ether3")),
        Link(id: "fo-r1", kind: .foUnderground, from: "dc", to: "pop2", a: LinkEnd(device: "core-sw", interface: "sfp2")),
        Link(id: "fo-r2", kind: .foAerial, from: "pop", to: "pop2", a: LinkEnd(device: "pop-sw", interface: "ether4")),
        Link(id: "fo-opd4", kind: .foAerial, from: "pop2", to: "opd4", a: LinkEnd(device: "pop2-sw", interface: "ether1")),
        Link(id: "core-dist", kind: .foUnderground, from: "dc", to: "dist", a: LinkEnd(device: "core-sw", interface: "sfp3"),
             b: LinkEnd(device: "dist-sw", interface: "sfp1")),
        Link(id: "fo-opd5", kind: .foAerial, from: "dist", to: "opd5", a: LinkEnd(device: "dist-sw", interface: "ether1")),
    ], devices: [
        Device(id: "core-sw", site: "dc", address: "10.0.0.2", vendor: .mikrotik, role: .core, snmpProfile: "p"),
        Device(id: "pop-sw", site: "pop", address: "10.0.1.2", vendor: .mikrotik, role: .distribution, snmpProfile: "p"),
        Device(id: "pop2-sw", site: "pop2", address: "10.0.4.2", vendor: .mikrotik, role: .distribution, snmpProfile: "p"),
        Device(id: "dist-sw", site: "dist", address: "10.0.5.2", vendor: .mikrotik, role: .distribution, snmpProfile: "p"),
    ], maintenance: [])

    /// A fault and what a network engineer would write on its ticket.
    struct Scenario {
        var name: String
        var faults: [(kind: SimulatedFault.Kind, offset: Double)]
        /// Acceptable roots (a ring cut in two places may rest on either cut, naming the other).
        var roots: Set<String>
        var cause: SuspectedCause
        var affected: [String]
        /// linkDown traps: (sender address, ifIndex, offset after the cut).
        var traps: [(source: String, ifIndex: Int, offset: Double)]
        /// The agent holding the evidence (made silent for a while in some draws).
        var evidenceDevice: String
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "trunk cut", faults: [(.linkCut("fo-trunk"), 0)], roots: ["link:fo-trunk"], cause: .foCut,
                 affected: ["opd1", "opd2", "opd3", "pop"], traps: [("10.0.0.2", 1, 0)], evidenceDevice: "core-sw"),
        Scenario(name: "distribution uplink cut", faults: [(.linkCut("core-dist"), 0)], roots: ["link:core-dist"], cause: .foCut,
                 affected: ["dist", "opd5"], traps: [("10.0.0.2", 3, 0)], evidenceDevice: "core-sw"),
        Scenario(name: "OPD fibre cut", faults: [(.linkCut("fo-opd1"), 0)], roots: ["link:fo-opd1"], cause: .foCut,
                 affected: ["opd1"], traps: [("10.0.1.2", 1, 0)], evidenceDevice: "pop-sw"),
        Scenario(name: "OPD copper cut", faults: [(.linkCut("cu-opd3"), 0)], roots: ["link:cu-opd3"], cause: .uplinkDown,
                 affected: ["opd3"], traps: [("10.0.1.2", 3, 0)], evidenceDevice: "pop-sw"),
        Scenario(name: "OPD power off", faults: [(.siteDown("opd2"), 0)], roots: ["site:opd2"], cause: .opdDeviceOrPower,
                 affected: ["opd2"], traps: [], evidenceDevice: "pop-sw"),
        Scenario(name: "POP power off (parent above child)", faults: [(.siteDown("dist"), 0)], roots: ["site:dist"], cause: .opdDeviceOrPower,
                 affected: ["dist", "opd5"], traps: [], evidenceDevice: "core-sw"),
        Scenario(name: "ring cut twice", faults: [(.linkCut("fo-r1"), 0), (.linkCut("fo-r2"), 400)], roots: ["link:fo-r1", "link:fo-r2"],
                 cause: .foCut, affected: ["opd4", "pop2"], traps: [("10.0.0.2", 2, 0), ("10.0.1.2", 4, 400)], evidenceDevice: "pop-sw"),
    ]

    struct Draw: CustomStringConvertible {
        var scenario: Int
        var icmpInterval: Int
        var confirm: Int
        var snmpInterval: Int
        var groupWindow: Int64
        var traps: Bool
        var cutOffset: Double
        /// The evidence device does not answer SNMP from the cut for this long (0: answers).
        var silentFor: Double
        var description: String {
            "\(FieldTimingPropertyTests.scenarios[scenario].name): icmp \(icmpInterval)s x\(confirm), snmp \(snmpInterval)s, window \(groupWindow)s, "
                + "traps \(traps), cut at +\(Int(cutOffset))s, evidence agent silent \(Int(silentFor))s"
        }
    }

    let start = Double(ISO8601.parse("2026-03-17T08:00:00+07:00")!)  // a Tuesday

    func testEveryDrawGivesOneTicketPerRootWithTheTrueCause() async throws {
        var rng = MonthlyReportPropertyTests.SplitMix(state: UInt64(ProcessInfo.processInfo.environment["PANTAU_PROPERTY_SEED"] ?? "") ?? 0x23_2026)
        let draws = Int(ProcessInfo.processInfo.environment["PANTAU_PROPERTY_DRAWS"] ?? "") ?? 28
        for i in 0..<draws {
            let d = Draw(scenario: i % Self.scenarios.count,
                         icmpInterval: Int.random(in: 5...60, using: &rng), confirm: Int.random(in: 1...3, using: &rng),
                         snmpInterval: [10, 30, 60, 120, 300, 300][Int.random(in: 0...5, using: &rng)],
                         groupWindow: [0, 15, 120][Int.random(in: 0...2, using: &rng)], traps: Bool.random(using: &rng),
                         cutOffset: Double(Int.random(in: 600...900, using: &rng)) + Double(Int.random(in: 0...9, using: &rng)) / 10,
                         silentFor: Bool.random(using: &rng) ? 0 : Double(Int.random(in: 20...400, using: &rng)))
            try await check(d)
        }
    }

    func check(_ d: Draw) async throws {
        let sc = Self.scenarios[d.scenario]
        let inv = Self.inv
        let cut = start + d.cutOffset
        let faults = sc.faults.map { SimulatedFault($0.kind, from: cut + $0.offset, to: start + 86_400) }
        let clock = ManualClock(start)
        let network = SimulatedEchoTransport(inventory: inv, clock: clock, faults: faults)
        let store = try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("pantau-field-\(UUID().uuidString).sqlite").path)
        var icmp = ICMPSettings()
        icmp.intervalSeconds = d.icmpInterval
        icmp.roundsToConfirmDown = d.confirm
        icmp.packets = 2
        icmp.timeoutMs = 1000
        var snmpConfig = SNMPProbeConfig()
        snmpConfig.trapListen = nil
        snmpConfig.defaults.intervalSeconds = d.snmpInterval
        var config = IncidentConfig()
        config.tracker.groupWindow = d.groupWindow
        let runFor = d.cutOffset + 1500 + (sc.faults.map(\.offset).max() ?? 0)
        let silent = (device: sc.evidenceDevice, from: cut, to: cut + d.silentFor)
        let pollerBox = PollerRef()
        let schedule: [(at: Double, trap: SNMPTrap)] = d.traps ? sc.traps.map { t in
            (cut + t.offset + 1.5, SNMPTrap(source: t.source, version: .v2c, community: "sim", user: nil, trapOID: SNMPObjects.linkDown,
                                           varBinds: [VarBind(SNMPObjects.ifIndex.appending(UInt32(t.ifIndex)), .integer(Int64(t.ifIndex)))]))
        } : []
        let sender = IncidentScenarioTests.sendTraps(schedule, clock: clock, to: pollerBox)
        let events = try await TestEngine(inventory: inv, probes: ProbeConfig(icmpDefaults: icmp), store: store, transport: network, clock: clock,
                                          runFor: runFor, snmp: { bus in
            let p = SNMPPoller(inventory: inv, config: snmpConfig, credentials: ["p": .v2c("sim", profile: "p")],
                               transport: SimulatedSNMPTransport(inventory: inv, network: network, clock: clock, silent: { dev, t in
                                   dev == silent.device && t >= silent.from && t < silent.to
                               }),
                               samples: store, bus: bus, clock: clock, logger: Logger(label: "t"), runFor: runFor)
            pollerBox.set(p)
            return p
        }, incidents: config).run()
        _ = try? await sender.value

        let tickets = try await store.tickets()
        let summary = tickets.map { "\($0.number) \($0.kind) \($0.cause.rawValue) \($0.rootKey) [\($0.affectedSites.joined(separator: ","))]"
            + ($0.mergedInto.map { " merged into \($0)" } ?? "") }.joined(separator: "; ")
        let outages = tickets.filter { $0.kind == "outage" || $0.mergedInto != nil }
        XCTAssertEqual(outages.count, 1, "\(d): \(summary)")
        guard outages.count == 1, let t = outages.first else { return }
        XCTAssertTrue(sc.roots.contains(t.rootKey), "\(d): root \(t.rootKey); \(summary)")
        XCTAssertEqual(t.cause, sc.cause, "\(d): \(summary); evidence \(t.evidence)")
        XCTAssertEqual(t.affectedSites, sc.affected, "\(d): \(summary)")
        XCTAssertNil(t.mergedInto, "\(d)")
        // One opening message: the outage's ticket opened once (a root moved later is an update).
        let openings = events.compactMap { e -> String? in
            if case .ticket(let number, let change, _, _, _, _, _) = e, number == t.number, change == "opened" || change == "reopened" { return change }
            return nil
        }
        XCTAssertEqual(openings, ["opened"], "\(d): \(summary)")
        // Only notices besides it (the ring's first cut: redundancy lost).
        XCTAssertTrue(tickets.filter { $0.number != t.number }.allSatisfy { $0.kind == "notice" }, "\(d): \(summary)")
        // Where the evidence was there to read, the cause was right from the opening.
        if d.silentFor == 0 {
            let ledger = try await store.ticketEvents(t.id).map(\.kind)
            XCTAssertFalse(ledger.contains("cause"), "\(d): the cause changed after opening: \(ledger); \(summary)")
        }
    }
}
