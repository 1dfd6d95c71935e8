import Foundation
import XCTest
import PantauCore
import PantauProbes

/// Issue 31 (low): echo replies carrying the engine's identifier (they pass the kernel filter)
/// but no request of it (a forged nonce, a target index out of range, a reply from an address
/// that was not asked) were dropped uncounted. They are foreign now, and still never matched.
final class ForgedICMPTests: XCTestCase {
    static func forgedReply(identifier: UInt16, nonce: UInt64, index: UInt32) -> [UInt8] {
        var b: [UInt8] = []
        ICMPPacket.encodeRequest(into: &b, identifier: identifier, sequence: 1, nonce: nonce, index: index, packet: 0)
        b[0] = ICMPPacket.echoReply
        b[2] = 0; b[3] = 0
        let c = ICMPPacket.checksum(b[...])
        b[2] = UInt8(c >> 8); b[3] = UInt8(c & 0xff)
        return b
    }

    func testRepliesForgedWithOurIdentifierAreCountedAndNeverMatched() async throws {
        let transport: SocketEchoTransport
        do { transport = try SocketEchoTransport() } catch { throw XCTSkip("ICMP sockets not permitted here: \(error)") }
        guard transport.mode == .raw else { throw XCTSkip("datagram ICMP: the kernel keeps others' replies off the socket") }
        let sender = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        guard sender >= 0 else { throw XCTSkip("no raw socket to forge with") }
        defer { close(sender) }
        let identifier = UInt16(truncatingIfNeeded: getpid())
        // One target at 127.0.0.1, 20 packets 50 ms apart: the exchange lasts about a second.
        let target = EchoTarget(address: [127, 0, 0, 1], packets: 20, packetGapMs: 50, timeoutMs: 1000)
        let forging = Task.detached {
            try await Task.sleep(nanoseconds: 200_000_000)
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_addr.s_addr = inet_addr("127.0.0.1")
            // 10 with a foreign nonce, 10 with an index no exchange has (nonce unknown too).
            for i in 0..<20 {
                let p = ForgedICMPTests.forgedReply(identifier: identifier, nonce: 0xF0F0_0000 + UInt64(i), index: i < 10 ? 0 : 9_999)
                _ = p.withUnsafeBytes { b in
                    withUnsafePointer(to: &sa) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sender, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
                    }
                }
                try await Task.sleep(nanoseconds: 10_000_000)
            }
        }
        let ex = try await transport.exchange([target], maxRate: 1000)
        try await forging.value
        XCTAssertEqual(ex.sent, [20])
        XCTAssertEqual(ex.replies.count, 20, "every real reply matched, none of the forged ones")
        XCTAssertEqual(ex.foreign, 20, "the forged replies are counted")
        // The next exchange: a late reply of this one would be ours, not foreign.
        let next = try await transport.exchange([EchoTarget(address: [127, 0, 0, 1], packets: 1, packetGapMs: 0, timeoutMs: 500)], maxRate: 1000)
        XCTAssertEqual(next.foreign, 0)
    }
}
