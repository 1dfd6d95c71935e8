import Foundation
import PantauCore
import PantauNetSNMP
import PantauProbes
import PantauTestSupport
import XCTest

/// The net-snmp transport against a real snmpd on loopback.
final class NetSNMPTransportTests: XCTestCase {
    static let v3 = SNMPCredentials.v3(user: SNMPDAgent.v3User, auth: .sha, authPassword: SNMPDAgent.v3AuthPassword,
                                       priv: .aes, privPassword: SNMPDAgent.v3PrivPassword)

    func agent(extra: String = "") throws -> SNMPDAgent {
        try XCTSkipUnless(SNMPDAgent.available, "snmpd is not installed (scripts/setup.sh installs it)")
        return try SNMPDAgent(extraConfig: extra)
    }

    func request(_ a: SNMPDAgent, _ c: SNMPCredentials, id: String = "sw") -> SNMPRequest {
        SNMPRequest(id: id, host: "127.0.0.1", port: a.port, credentials: c, scalars: [SNMPObjects.sysUpTime, SNMPObjects.sysName],
                    columns: SNMPObjects.interfaceColumns, timeoutSeconds: 1, retries: 1)
    }

    /// Our multi-column GETBULK walk returns exactly what `snmpbulkwalk` returns, column by column.
    func testWalkMatchesSnmpbulkwalk() async throws {
        let a = try agent()
        let t = NetSNMPTransport()
        for creds in [SNMPCredentials.v2c(SNMPDAgent.community), Self.v3,
                      .v3(user: SNMPDAgent.v3User256, auth: .sha256, authPassword: SNMPDAgent.v3AuthPassword, priv: .aes,
                          privPassword: SNMPDAgent.v3PrivPassword)] {
            let r = await t.execute([request(a, creds)])[0]
            XCTAssertNil(r.failure, "\(creds)")
            XCTAssertTrue(r.varBinds.contains { $0.oid == SNMPObjects.sysUpTime }, "\(creds)")
            XCTAssertEqual(r.varBinds.first { $0.oid == SNMPObjects.sysName }?.value.text, "pantau-test-agent")
            for column in [SNMPObjects.ifName, SNMPObjects.ifOperStatus, SNMPObjects.ifHighSpeed] {
                let ours = r.varBinds.filter { column.isPrefix(of: $0.oid) }.map(\.oid.description)
                let out = try Shell.run(["/usr/bin/snmpbulkwalk", "-v2c", "-c", SNMPDAgent.community, "-On",
                                         "udp:127.0.0.1:\(a.port)", column.description]).output
                let theirs = out.split(separator: "\n").compactMap { $0.split(separator: " ").first.map { String($0.dropFirst()) } }
                XCTAssertFalse(theirs.isEmpty)
                XCTAssertEqual(ours, theirs, "column \(column) with \(creds)")
            }
            XCTAssertTrue(r.varBinds.contains { $0.value.text == "lo" })
        }
    }

    /// A dead agent costs its own timeout and nothing more; live devices finish at once.
    func testDeadAgentsDoNotStallLiveOnes() async throws {
        let a = try agent()
        let t = NetSNMPTransport(maxInFlight: 64)
        var reqs = (0..<20).map { i in
            SNMPRequest(id: "dead\(i)", host: "127.0.0.1", port: SNMPDAgent.freePort(), credentials: .v2c("x"),
                        scalars: [SNMPObjects.sysUpTime], timeoutSeconds: 0.3, retries: 1)
        }
        reqs += (0..<5).map { request(a, .v2c(SNMPDAgent.community), id: "live\($0)") }
        let start = Date()
        let rs = await t.execute(reqs)
        let wall = Date().timeIntervalSince(start)
        XCTAssertEqual(rs.map(\.id), reqs.map(\.id))
        for r in rs where r.id.hasPrefix("dead") { XCTAssertEqual(r.failure?.kind, .timeout, "\(r.failure as Any)") }
        for r in rs where r.id.hasPrefix("live") {
            XCTAssertNil(r.failure)
            XCTAssertLessThan(r.elapsedSeconds, 0.3, "a live device waited for dead ones")
        }
        XCTAssertLessThan(wall, 1.5, "20 dead agents with 0.3 s x 2 tries took \(wall) s")
    }

    /// Wrong secrets fail with a clear kind, and no secret in the message.
    func testWrongCredentials() async throws {
        let a = try agent(extra: "createUser pantau-v3-never SHA \"right-password-1\" AES \"right-password-2\"\nrouser pantau-v3-never priv")
        let t = NetSNMPTransport()
        let badV3 = SNMPCredentials.v3(user: "pantau-v3-never", auth: .sha, authPassword: "wrong-password-1", priv: .aes,
                                       privPassword: "wrong-password-2", profile: "opd-v3")
        var wrongCommunity = request(a, .v2c("not-the-community", profile: "legacy"))
        wrongCommunity.timeoutSeconds = 0.3
        let rs = await t.execute([request(a, badV3), wrongCommunity])
        XCTAssertEqual(rs[0].failure?.kind, .authentication, "\(rs[0].failure as Any)")
        XCTAssertEqual(rs[1].failure?.kind, .timeout)
        for r in rs {
            let text = "\(r.failure!)"
            for secret in ["wrong-password", "not-the-community"] { XCTAssertFalse(text.contains(secret), text) }
        }
    }
}
