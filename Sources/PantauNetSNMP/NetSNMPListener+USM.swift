import CNetSNMP
import Foundation
import PantauProbes

/// SNMPv3 notifications that fail USM (an unknown user, a wrong authentication key, a wrong
/// privacy key, an unknown engine ID, outside the time window) are dropped inside net-snmp
/// before any callback: Pantau would never hear of them. The listener therefore reads net-snmp's
/// USM counters around each datagram it hands to net-snmp, and the sender from the socket
/// (peeked before the read): a counter that moved is a rejected notification from that sender.
extension NetSNMPListener {
    static let usmCounters: [Int32] = [
        STAT_USMSTATSUNSUPPORTEDSECLEVELS, STAT_USMSTATSNOTINTIMEWINDOWS, STAT_USMSTATSUNKNOWNUSERNAMES,
        STAT_USMSTATSUNKNOWNENGINEIDS, STAT_USMSTATSWRONGDIGESTS, STAT_USMSTATSDECRYPTIONERRORS,
    ].map { Int32($0) }

    static func usmTotal() -> UInt64 { usmCounters.reduce(0) { $0 + UInt64(snmp_get_statistic($1)) } }

    /// Reads one datagram through `body` (net-snmp's read), reporting it as rejected when
    /// net-snmp's USM counters moved meanwhile.
    func read(fd: Int32, _ body: () -> Void) {
        let sender = Self.peekSender(fd)
        let before = Self.usmTotal()
        handedOver = false
        body()
        // One datagram, one rejection (several counters may move for it); one net-snmp accepted
        // and handed over (or rejected through the callback) is not counted again.
        if Self.usmTotal() != before, !handedOver { onReject(SNMPTrapRejection(source: sender, reason: .badCredentials)) }
    }

    /// The IPv4 sender of the datagram waiting on `fd` ("" when unknown), without taking it.
    static func peekSender(_ fd: Int32) -> String {
        var addr = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var byte: UInt8 = 0
        let n = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT), $0, &len) }
        }
        guard n >= 0, addr.ss_family == sa_family_t(AF_INET) else { return "" }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                withUnsafeBytes(of: sin.pointee.sin_addr.s_addr) { $0.map(String.init).joined(separator: ".") }
            }
        }
    }
}
