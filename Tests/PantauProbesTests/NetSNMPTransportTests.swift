import Foundation
import PantauCore
import PantauNetSNMP
import PantauProbes
import PantauTestSupport
import Synchronization
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

    /// Issue 30: the C shim tracked each session's socket in an `fd_set` (descriptors below
    /// 1,024 only): a session whose socket number was 1,024 or more was never read (its device
    /// looked silent although it answered) and `FD_SET` wrote past the set on the stack. With
    /// 1,100 descriptors already open in the process, walks still answer.
    func testSessionsPastDescriptor1024AreRead() async throws {
        let a = try agent()
        var l = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &l)
        if l.rlim_cur < 2048 { l.rlim_cur = min(l.rlim_max, 4096); setrlimit(Int32(RLIMIT_NOFILE.rawValue), &l) }
        try XCTSkipIf(l.rlim_cur < 1200, "SKIPPED: this host allows only \(l.rlim_cur) open files")
        var filler: [Int32] = []
        defer { for fd in filler { close(fd) } }
        while filler.count < 1100 { let fd = open("/dev/null", O_RDONLY); guard fd >= 0 else { break }; filler.append(fd) }
        XCTAssertGreaterThanOrEqual(filler.max() ?? 0, 1024, "the next sockets are past FD_SETSIZE")
        let t = NetSNMPTransport()
        let replies = await t.execute((0..<8).map { request(a, .v2c(SNMPDAgent.community), id: "sw\($0)") })
        XCTAssertEqual(replies.filter { $0.failure == nil }.count, 8, "\(replies.compactMap { $0.failure.map { "\($0)" } })")
        XCTAssertTrue(replies.allSatisfy { r in r.varBinds.contains { $0.oid == SNMPObjects.sysUpTime } })
    }

    /// Issue 30: every device kept its socket open, so 5,000 devices needed 5,000 descriptors.
    /// Idle sessions past the bound are closed (longest idle first) and reopened on the next walk.
    func testIdleSessionsPastTheBoundAreClosedAndWalksStillAnswer() async throws {
        let a = try agent()
        let t = NetSNMPTransport(maxInFlight: 4, maxIdleSessions: 3)
        func openSockets() -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).filter { fd in
                ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "").hasPrefix("socket:")
            }.count
        }
        let before = openSockets()
        for round in 0..<3 {
            let replies = await t.execute((0..<12).map { request(a, .v2c(SNMPDAgent.community), id: "sw\($0)") })
            XCTAssertEqual(replies.filter { $0.failure == nil }.count, 12, "round \(round): \(replies.compactMap { $0.failure.map { "\($0)" } })")
            // Sessions close on the I/O thread right after the batch is handed back.
            let deadline = Date().addingTimeInterval(2)
            while openSockets() - before > 3, Date() < deadline { usleep(10_000) }
            XCTAssertLessThanOrEqual(openSockets() - before, 3, "round \(round): 12 devices, at most 3 idle sessions kept")
        }
    }

    /// A dead agent costs its own timeout and nothing more; live devices finish at once.
    /// A device without ifXTable (here: a view that hides it, as on old CPEs and SNMPv1-only
    /// agents) still gets traffic counters: the 32-bit ifInOctets/ifOutOctets, marked as such.
    func testDeviceWithoutIfXTableFallsBackTo32BitCounters() async throws {
        let a = try agent(extra: """
            view noifx included .1
            view noifx excluded .1.3.6.1.2.1.31
            rocommunity legacy-ro default -V noifx
            """)
        let t = NetSNMPTransport()
        let device = Device(id: "old-cpe", site: "x", address: "127.0.0.1", port: a.port, vendor: .generic, role: .cpe, snmpProfile: "p")
        var target = SNMPTarget(device: device, credentials: .v2c("legacy-ro"), settings: SNMPSettings())
        let first = await SNMPProber(transport: t).probe([target])[0]
        XCTAssertNil(first.failure)
        XCTAssertFalse(first.interfaces.isEmpty)
        XCTAssertTrue(first.interfaces.allSatisfy { $0.inOctets == nil }, "no 64-bit counters through this view")
        target.legacyCounters = true
        let second = await SNMPProber(transport: t).probe([target])[0]
        let lo = try XCTUnwrap(second.interfaces.first { $0.name == "lo" })
        XCTAssertEqual(lo.counterBits, 32)
        XCTAssertNotNil(lo.inOctets)
        XCTAssertNotNil(lo.outOctets)
        XCTAssertEqual(SNMPTarget(device: device, credentials: SNMPCredentials(profile: "v1", version: .v1, community: "c"),
                                  settings: SNMPSettings()).legacyCounters, true, "SNMPv1 has no Counter64: 32-bit from the start")
    }

    func testDeadAgentsDoNotStallLiveOnes() async throws {
        let a = try agent()
        let t = NetSNMPTransport(maxInFlight: 64)
        // Dead agents: ports held open and never read, so nothing (not even another of our own
        // sessions handed the same ephemeral port) can answer on them.
        let silent = SilentUDPPorts(count: 20)
        var reqs = silent.ports.enumerated().map { i, port in
            SNMPRequest(id: "dead\(i)", host: "127.0.0.1", port: port, credentials: .v2c("x"),
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
        withExtendedLifetime(silent) {}
    }

    /// Issue 14: garbled, truncated or wrong-request-id replies were all logged as "no response
    /// after 2 tries". An agent that answers every request with garbage is named as such.
    func testGarbledRepliesAreNamedNotTimeouts() async throws {
        let port = SNMPDAgent.freePort()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-garble-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        // A UDP "agent" on loopback that answers each datagram with bytes that are not SNMP, for at most 30 s.
        let script = """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); s.settimeout(0.5)
            print("ready", flush=True); end = time.time() + 30
            while time.time() < end:
                try: data, peer = s.recvfrom(65535)
                except socket.timeout: continue
                s.sendto(b"\\x30\\x03\\x02\\x01" + data[:3], peer)
            """
        let p = try Spawned(["/usr/bin/python3", "-c", script, "\(port)"], output: out)
        defer { p.signal(SIGKILL); _ = p.wait() }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("ready") { usleep(20_000) }
        let t = NetSNMPTransport()
        let r = await t.execute([SNMPRequest(id: "garbled", host: "127.0.0.1", port: port, credentials: .v2c("x"),
                                             scalars: [SNMPObjects.sysUpTime], timeoutSeconds: 0.3, retries: 1)])[0]
        XCTAssertEqual(r.failure?.kind, .garbled, "\(r.failure as Any)")
        XCTAssertTrue(r.failure?.message.contains("not a valid answer") ?? false, "\(r.failure as Any)")
        // Issue 30: the count is of datagrams (one garbage answer per try: 2), never of loop turns.
        XCTAssertTrue(r.failure?.message.contains(": 2 reply datagram(s)") ?? false, "\(r.failure as Any)")
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
    /// The trap receiver on loopback: snmptrap v1, v2c, v3 authPriv and an INFORM are received
    /// with the right trap OID and varbinds; a v3 trap with a wrong password is rejected.
    func testTrapReceiverAllVersions() async throws {
        try XCTSkipUnless(SNMPDAgent.available, "net-snmp tools are not installed (scripts/setup.sh installs them)")
        let port = SNMPDAgent.freePort()
        let engineID = "0x80001f8880c0ffee0042"
        let v3 = SNMPCredentials.v3(user: "trap-user", auth: .sha256, authPassword: "trap-auth-secret", priv: .aes,
                                    privPassword: "trap-priv-secret", profile: "traps")
        let t = NetSNMPTransport()
        let received = Mutex<[SNMPTrap]>([]), rejected = Mutex<[SNMPTrapRejection]>([])
        let error = await t.listen(address: "udp:127.0.0.1:\(port)", v3Users: [(engineID: engineID, credentials: v3)],
                                   onTrap: { trap in received.withLock { $0.append(trap) } },
                                   onReject: { r in rejected.withLock { $0.append(r) } })
        XCTAssertNil(error)
        let dest = "udp:127.0.0.1:\(port)"
        let ifIndex = "1.3.6.1.2.1.2.2.1.1.7 i 7"
        let cmds = [
            // v1 linkDown: generic trap 2 -> snmpTrapOID linkDown (RFC 3584).
            "snmptrap -v 1 -c pub \(dest) 1.3.6.1.4.1.8072.3.2.10 127.0.0.1 2 0 '' \(ifIndex)",
            "snmptrap -v 2c -c pub \(dest) '' 1.3.6.1.6.3.1.1.5.4 \(ifIndex)",
            "snmptrap -v 3 -e \(engineID) -u trap-user -l authPriv -a SHA-256 -A trap-auth-secret -x AES -X trap-priv-secret \(dest) '' 1.3.6.1.6.3.1.1.5.3 \(ifIndex)",
            "snmpinform -v 2c -c pub -t 1 -r 1 \(dest) '' 1.3.6.1.6.3.1.1.5.4 \(ifIndex)",
            "snmptrap -v 3 -e \(engineID) -u trap-user -l authPriv -a SHA-256 -A wrong-auth-pass -x AES -X trap-priv-secret \(dest) '' 1.3.6.1.6.3.1.1.5.3 \(ifIndex)",
        ]
        for c in cmds {
            let r = try Shell.run(["/bin/sh", "-c", c])
            XCTAssertEqual(r.status, 0, "\(c): \(r.output)")
        }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && (received.withLock { $0.count } < 4 || rejected.withLock { $0.isEmpty }) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let traps = received.withLock { $0 }
        XCTAssertEqual(traps.map(\.version), [.v1, .v2c, .v3, .v2c])
        XCTAssertEqual(traps.map(\.trapOID), ["1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4"])
        for trap in traps {
            XCTAssertEqual(trap.source, "127.0.0.1")
            XCTAssertTrue(trap.varBinds.contains(VarBind("1.3.6.1.2.1.2.2.1.1.7", .integer(7))), "\(trap.varBinds)")
        }
        XCTAssertEqual(traps[2].user, "trap-user")
        XCTAssertEqual(rejected.withLock { $0 }.map(\.reason), [.badCredentials])
    }
}
