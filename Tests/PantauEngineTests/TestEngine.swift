import Foundation
import Logging
import Synchronization
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauProbes
import PantauSQLite
import PantauStoreKit

/// Builds the engine's siblings on one bus the way `pantau run` does, for tests on a manual
/// clock: ICMP over `transport`, optional SNMP and correlator, all stopping after `runFor`.
struct TestEngine {
    var inventory: Inventory
    var probes = ProbeConfig()
    var store: Store
    var transport: any EchoTransport
    var clock: any WallClock
    var runFor: Double
    var snmp: ((ObservationBus) -> SNMPPoller)?
    var incidents: IncidentConfig?
    var recorderPolicy = HistoryRecorder.Policy()
    /// Host names of sites given by name (none resolve by default: no lookup leaves the test).
    var resolver: any HostResolver = StaticHostResolver([:])
    /// Scheduled bandwidth tests, when given.
    var bandwidth: ((ObservationBus, ProbeSuspensions) -> BandwidthTestService)?
    var suspensions = ProbeSuspensions()
    /// The mirror-port capture, when given.
    var capture: ((ObservationBus) -> CaptureService)?

    /// Runs to the end; returns every event in order.
    func run() async throws -> [EngineEvent] {
        let events = Mutex<[EngineEvent]>([])
        let onEvent: @Sendable (EngineEvent) -> Void = { e in events.withLock { $0.append(e) } }
        let logger = Logger(label: "test")
        let bus = ObservationBus()
        // Ticket changes come on the feed, as the console hears them.
        let tickets = TicketFeed()
        tickets.listen { onEvent(EngineEvent($0)) }
        let icmp = ICMPProbeService(inventory: inventory, probes: probes, transport: transport, bus: bus, clock: clock,
                                    logger: logger, runFor: runFor, resolver: resolver, suspensions: suspensions)
        let bandwidthService = bandwidth?(bus, suspensions)
        let manager = incidents.map {
            IncidentManager(inventory: inventory, config: $0, store: store, bus: bus, clock: clock, logger: logger, runFor: runFor,
                            tickets: tickets)
        }
        let snmpPoller = snmp?(bus)
        let captureService = capture?(bus)
        // ICMP, the stop timer, and SNMP and the correlator when present, schedule on the clock.
        if clock is ManualClock { (clock as! ManualClock).setParticipants(1 + (icmp.targetCount > 0 ? 1 : 0) + (snmpPoller == nil ? 0 : 1) + (manager == nil ? 0 : 1)
                                                                   + (bandwidthService?.scheduled.isEmpty == false ? 1 : 0)
                                                                   + (captureService == nil ? 0 : 1)) }
        let engine = ProbeEngine(store: store, bus: bus, clock: clock, logger: logger, icmp: icmp, snmp: snmpPoller,
                                 incidents: manager, bandwidth: bandwidthService, capture: captureService, recorderPolicy: recorderPolicy, runFor: runFor, onEvent: onEvent)
        try await engine.run()
        return events.withLock { $0 }
    }
}
