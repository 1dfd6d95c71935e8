import Foundation
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauWeb
import XCTest

/// The live view is fed by the store writer's stream of what is recorded: a change goes to the
/// browsers the moment it is recorded (pushed, not polled), filtered per user.
final class LiveHubTests: XCTestCase {
    func testARecordedChangeReachesALiveClientWithinTwoSeconds() async throws {
        let f = try await WebFixture()
        let recorded = ObservationBus()
        let hub = LiveHub(inventory: f.inventory)
        hub.attach(recorded)
        let running = Task { try await hub.run() }
        defer { running.cancel() }
        let noc = hub.subscribe(Access(WebUser(name: "noc", displayName: "n", role: .noc)))
        let opd = hub.subscribe(Access(WebUser(name: "o", displayName: "o", role: .opd, sites: ["dinkes"])))
        let started = Date()
        recorded.publish(ObservationBatch(source: ObservationSource(.snmp), at: 100, observations: [
            Observation(kind: .link, element: "fo-bkd", source: ObservationSource(.snmp), what: .state(from: .up, to: .down), since: 99),
            Observation(kind: .site, element: "dinkes", source: ObservationSource(.icmp), what: .state(from: .up, to: .down), since: 99),
        ]))
        var n = noc.makeAsyncIterator(), o = opd.makeAsyncIterator()
        let first = await n.next()
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(first, .state(target: "fo-bkd", state: "down", since: 99, sites: ["pop", "bkd"]))
        XCTAssertLessThan(elapsed, 2, "a recorded change reaches a live client within 2 s (took \(elapsed) s)")
        let second = await n.next()
        XCTAssertEqual(second, .state(target: "dinkes", state: "down", since: 99, sites: ["dinkes"]))
        // The dinkes OPD user hears only its own site, not the link to bkd.
        let own = await o.next()
        XCTAssertEqual(own, .state(target: "dinkes", state: "down", since: 99, sites: ["dinkes"]))
        // Shutting the web face down ends every stream; later clients get a finished stream.
        hub.close()
        let end = await n.next()
        XCTAssertNil(end)
        var late = hub.subscribe(Access(WebUser(name: "x", displayName: "x", role: .noc))).makeAsyncIterator()
        let none = await late.next()
        XCTAssertNil(none)
    }
}
