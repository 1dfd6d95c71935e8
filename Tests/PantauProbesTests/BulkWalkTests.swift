import PantauCore
import PantauProbes
import XCTest

/// The walk state machine against the in-memory agent: exact results, bounded round trips,
/// and a misbehaving agent cannot make it loop.
final class BulkWalkTests: XCTestCase {
    /// A 48-port switch: every IF-MIB column the engine reads, plus unrelated objects around.
    func switchView(ports: UInt32 = 48, aliases: UInt32 = 48) -> AgentView {
        var v = AgentView()
        v[SNMPObjects.sysUpTime] = .timeticks(123_456)
        v["1.3.6.1.2.1.1.5.0"] = .octets(Array("sw".utf8))
        v["1.3.6.1.2.1.4.1.0"] = .integer(1)  // ipForwarding: after the tables, must not be collected
        for i in 1...ports {
            v[SNMPObjects.ifName.appending(i)] = .octets(Array("Gi0/\(i)".utf8))
            if i <= aliases { v[SNMPObjects.ifAlias.appending(i)] = .octets(Array("OPD \(i)".utf8)) }
            v[SNMPObjects.ifAdminStatus.appending(i)] = .integer(1)
            v[SNMPObjects.ifOperStatus.appending(i)] = .integer(i % 7 == 0 ? 2 : 1)
            v[SNMPObjects.ifHighSpeed.appending(i)] = .gauge32(1000)
            v[SNMPObjects.ifHCInOctets.appending(i)] = .counter64(UInt64(i) * 1_000_000_007)
            v[SNMPObjects.ifHCOutOctets.appending(i)] = .counter64(UInt64(i) * 3)
        }
        return v
    }

    func walk(_ view: AgentView, columns: [OID], useBulk: Bool = true, maxVarBinds: Int = 60) throws -> BulkWalk {
        var w = BulkWalk(scalars: [SNMPObjects.sysUpTime], columns: columns, useBulk: useBulk, maxVarBinds: maxVarBinds)
        var guardCount = 0
        while let plan = w.next() {
            guardCount += 1
            XCTAssertLessThan(guardCount, 10_000)
            XCTAssertLessThanOrEqual(plan.nonRepeaters + plan.oids.dropFirst(plan.nonRepeaters).count * plan.maxRepetitions,
                                     max(maxVarBinds, plan.oids.count), "a PDU asks for at most maxVarBinds bindings")
            try w.consume(view.answer(plan), errorStatus: 0, errorIndex: 0)
        }
        return w
    }

    /// The reference: every binding under each column root, plus the scalar.
    func expected(_ view: AgentView, columns: [OID]) -> Set<VarBind> {
        Set(view.bindings.filter { b in b.oid == SNMPObjects.sysUpTime || columns.contains { $0.isPrefix(of: b.oid) } })
    }

    func testMultiColumnBulkWalkIsExactAndCompact() throws {
        let cols = IFMIBDecoder.columns
        let view = switchView()
        let w = try walk(view, columns: cols)
        XCTAssertEqual(Set(w.collected), expected(view, columns: cols))
        XCTAssertEqual(w.collected.count, Set(w.collected).count, "no duplicates")
        // 60 bindings per PDU over the columns: rows per PDU = 59/|cols| first, 60/|cols| after.
        let first = 59 / cols.count, later = 60 / cols.count
        let bound = 1 + (48 - first + later - 1) / later + 1
        XCTAssertLessThanOrEqual(w.roundTrips, bound)
        XCTAssertTrue(w.nonIncreasing.isEmpty)
    }

    func testSparseColumnEndsOnItsOwn() throws {
        let cols = [SNMPObjects.ifName, SNMPObjects.ifAlias, SNMPObjects.ifOperStatus]
        let view = switchView(ports: 20, aliases: 3)
        let w = try walk(view, columns: cols, maxVarBinds: 10)
        XCTAssertEqual(Set(w.collected), expected(view, columns: cols))
        XCTAssertEqual(w.collected.filter { SNMPObjects.ifAlias.isPrefix(of: $0.oid) }.count, 3)
    }

    func testSNMPv1GetNextWalkGivesTheSameResult() throws {
        let cols = IFMIBDecoder.columns
        let view = switchView(ports: 12)
        let v1 = try walk(view, columns: cols, useBulk: false)
        let v2 = try walk(view, columns: cols)
        XCTAssertEqual(Set(v1.collected), Set(v2.collected))
        XCTAssertGreaterThan(v1.roundTrips, v2.roundTrips)
    }

    func testAgentThatRepeatsAnOIDCannotLoopTheWalk() throws {
        var w = BulkWalk(scalars: [], columns: [SNMPObjects.ifName], useBulk: true, maxVarBinds: 5)
        let stuck = VarBind(SNMPObjects.ifName.appending(3), .octets(Array("x".utf8)))
        var trips = 0
        while w.next() != nil {
            trips += 1
            XCTAssertLessThan(trips, 5)
            try w.consume(Array(repeating: stuck, count: 5), errorStatus: 0, errorIndex: 0)
        }
        XCTAssertEqual(w.nonIncreasing, [SNMPObjects.ifName])
        XCTAssertEqual(w.collected.count, 1)
    }

    func testGarbledAndErrorResponsesFail() {
        var w = BulkWalk(scalars: [SNMPObjects.sysUpTime, "1.3.6.1.2.1.1.5.0"], columns: [SNMPObjects.ifName], useBulk: true, maxVarBinds: 10)
        _ = w.next()
        XCTAssertThrowsError(try w.consume([VarBind(SNMPObjects.sysUpTime, .timeticks(1))], errorStatus: 0, errorIndex: 0)) { e in
            XCTAssertEqual((e as? SNMPFailure)?.kind, .garbled)
        }
        var g = BulkWalk(scalars: [], columns: [SNMPObjects.ifName], useBulk: true, maxVarBinds: 10)
        _ = g.next()
        XCTAssertThrowsError(try g.consume([], errorStatus: 5, errorIndex: 1)) { e in
            XCTAssertEqual((e as? SNMPFailure)?.kind, .agentError)
        }
    }

    func testRecordingTransportReportsDeadAndRejectingAgents() async {
        let t = RecordingSNMPTransport(views: ["ok": switchView(ports: 2), "dead": AgentView(behaviour: .silent),
                                               "auth": AgentView(behaviour: .rejectsCredentials)])
        let creds = SNMPCredentials.v2c("secret-community", profile: "p")
        let rs = await t.execute(["ok", "dead", "auth"].map {
            SNMPRequest(id: $0, host: "127.0.0.1", credentials: creds, scalars: [SNMPObjects.sysUpTime], columns: IFMIBDecoder.columns)
        })
        XCTAssertNil(rs[0].failure)
        XCTAssertEqual(rs[1].failure?.kind, .timeout)
        XCTAssertEqual(rs[2].failure?.kind, .authentication)
        XCTAssertFalse(rs.contains { $0.failure?.message.contains("secret-community") == true }, "secrets never in messages")
        XCTAssertEqual(t.requests.count, 3)
    }
}
