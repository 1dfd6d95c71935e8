/// ICMP echo messages (RFC 792) as Pantau sends them: a 16-byte payload carrying the
/// exchange nonce, the target index and the packet number, so replies are matched by
/// content (the kernel rewrites the identifier on datagram ICMP sockets).
public enum ICMPPacket {
    public static let echoRequest: UInt8 = 8
    public static let echoReply: UInt8 = 0
    /// ICMPv6 (RFC 4443): the kernel fills in the checksum (it covers a pseudo-header).
    public static let echoRequestV6: UInt8 = 128
    public static let echoReplyV6: UInt8 = 129
    public static let headerLength = 8
    public static let payloadLength = 16

    /// Builds an echo request into `buffer` (24 bytes).
    public static func encodeRequest(into buffer: inout [UInt8], identifier: UInt16, sequence: UInt16,
                                     nonce: UInt64, index: UInt32, packet: UInt16, v6: Bool = false) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: [v6 ? echoRequestV6 : echoRequest, 0, 0, 0])
        put16(&buffer, identifier)
        put16(&buffer, sequence)
        for i in 0..<8 { buffer.append(UInt8(truncatingIfNeeded: nonce >> (56 - 8 * UInt64(i)))) }
        for i in 0..<4 { buffer.append(UInt8(truncatingIfNeeded: index >> (24 - 8 * UInt32(i)))) }
        put16(&buffer, packet)
        put16(&buffer, 0)
        if v6 { return }
        let c = checksum(buffer[...])
        buffer[2] = UInt8(c >> 8)
        buffer[3] = UInt8(c & 0xff)
    }

    /// A decoded echo reply payload.
    public struct Reply: Hashable, Sendable {
        /// The echo identifier (rewritten by the kernel on datagram sockets).
        public var identifier: UInt16
        public var nonce: UInt64
        public var index: UInt32
        public var packet: UInt16
    }

    /// Decodes an echo reply that starts at `offset` (after any IP header); nil for anything else.
    public static func decodeReply(_ bytes: UnsafeRawBufferPointer, offset: Int, v6: Bool = false) -> Reply? {
        guard bytes.count - offset >= headerLength + payloadLength, bytes[offset] == (v6 ? echoReplyV6 : echoReply), bytes[offset + 1] == 0 else {
            return nil
        }
        let p = offset + headerLength
        var nonce: UInt64 = 0
        for i in 0..<8 { nonce = nonce << 8 | UInt64(bytes[p + i]) }
        var index: UInt32 = 0
        for i in 8..<12 { index = index << 8 | UInt32(bytes[p + i]) }
        let packet = UInt16(bytes[p + 12]) << 8 | UInt16(bytes[p + 13])
        let identifier = UInt16(bytes[offset + 4]) << 8 | UInt16(bytes[offset + 5])
        return Reply(identifier: identifier, nonce: nonce, index: index, packet: packet)
    }

    /// The Internet checksum (RFC 1071).
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.endIndex { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func put16(_ b: inout [UInt8], _ v: UInt16) {
        b.append(UInt8(v >> 8))
        b.append(UInt8(v & 0xff))
    }
}
