import XCTest
import PantauCore
import PantauProbes

final class ICMPPacketTests: XCTestCase {
    func testEncodeDecodeAndChecksum() {
        var b: [UInt8] = []
        ICMPPacket.encodeRequest(into: &b, identifier: 0x1234, sequence: 7, nonce: 0xDEAD_BEEF_0102_0304, index: 70_000, packet: 2)
        XCTAssertEqual(b.count, 24)
        XCTAssertEqual(ICMPPacket.checksum(b[...]), 0, "a packet including its checksum sums to zero")
        b[0] = ICMPPacket.echoReply
        let r = b.withUnsafeBytes { ICMPPacket.decodeReply($0, offset: 0) }
        XCTAssertEqual(r?.nonce, 0xDEAD_BEEF_0102_0304); XCTAssertEqual(r?.index, 70_000); XCTAssertEqual(r?.packet, 2)
        b[0] = 3  // destination unreachable is not a reply
        XCTAssertNil(b.withUnsafeBytes { ICMPPacket.decodeReply($0, offset: 0) })
    }

    func testProberComputesLossRttAndJitterFromTheFake() async throws {
        let fake = RecordingEchoTransport { address, packet in
            address == "10.0.0.1" ? [1.0, 3.0, 2.0][packet] : (address == "10.0.0.2" && packet == 0 ? 5 : nil)
        }
        let p = ICMPProber(transport: fake, maxRate: 1000)
        let s = ICMPSettings(packets: 3)
        let obs = try await p.probe([ICMPTarget(id: "a", address: [10, 0, 0, 1], settings: s),
                                     ICMPTarget(id: "b", address: [10, 0, 0, 2], settings: s),
                                     ICMPTarget(id: "c", address: [10, 0, 0, 3], settings: s)])
        XCTAssertEqual(obs.map(\.received), [3, 1, 0])
        XCTAssertEqual(obs[0].jitterMs, 1.5)   // |3-1| and |2-3|
        XCTAssertEqual(obs[1].lossPct, 200.0 / 3, accuracy: 1e-9)
        XCTAssertFalse(obs[2].reachable)
        XCTAssertEqual(fake.exchanges.count, 1)
    }
}

/// Real packets on a real socket, to loopback addresses only.
final class LoopbackICMPTests: XCTestCase {
    func testPingsLoopbackAddressesOnOneSocket() async throws {
        let transport: SocketEchoTransport
        do { transport = try SocketEchoTransport() } catch {
            throw XCTSkip("ICMP sockets not permitted here: \(error)")
        }
        let targets = (1...300).map { EchoTarget(address: [127, 20, UInt8($0 / 250), UInt8($0 % 250 + 1)], packets: 2, packetGapMs: 5, timeoutMs: 1000) }
        let ex = try await transport.exchange(targets, maxRate: 50_000)
        XCTAssertEqual(ex.sent.reduce(0, +), 600)
        XCTAssertEqual(ex.replies.count, 600, "every loopback address answers both packets")
        XCTAssertEqual(Set(ex.replies.map { $0.target * 2 + $0.packet }).count, 600, "each reply matched to its own request")
        XCTAssertTrue(ex.replies.allSatisfy { $0.rttMs >= 0 && $0.rttMs < 1000 })
    }
}

/// IPv6 over the ICMPv6 socket, mixed with IPv4 in one exchange: ::1 answers, and an IPv4 and
/// an IPv6 target are each matched to their own requests.
final class LoopbackICMPv6Tests: XCTestCase {
    func testPingsIPv6AndIPv4InOneExchange() async throws {
        let transport: SocketEchoTransport
        do { transport = try SocketEchoTransport() } catch {
            throw XCTSkip("ICMP sockets not permitted here: \(error)")
        }
        guard transport.mode6 != nil else { throw XCTSkip("no ICMPv6 socket on this host (IPv6 disabled?)") }
        let loop6 = IPAddressText.parse("::1")!
        let targets = [EchoTarget(address: loop6, packets: 3, packetGapMs: 5, timeoutMs: 1000),
                       EchoTarget(address: [127, 0, 0, 1], packets: 3, packetGapMs: 5, timeoutMs: 1000),
                       EchoTarget(address: loop6, packets: 2, packetGapMs: 5, timeoutMs: 1000)]
        let ex = try await transport.exchange(targets, maxRate: 10_000)
        XCTAssertEqual(ex.sent, [3, 3, 2])
        XCTAssertEqual(Dictionary(grouping: ex.replies, by: \.target).mapValues(\.count), [0: 3, 1: 3, 2: 2],
                       "every request answered once, by its own target")
        XCTAssertEqual(ex.foreign, 0)
    }
}
