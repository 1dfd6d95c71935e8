#if canImport(Glibc)
import Glibc
#endif
import PantauCore
import PantauProbes

/// SNMPv3 engine ID discovery (RFC 3414 §4): an unauthenticated, reportable GET with an empty
/// engine ID, answered by a Report that carries the agent's engine ID, boots and time.
///
/// net-snmp 5.9 does this inside `snmp_sess_open`, synchronously: on the one I/O thread that
/// drives every session, a dead SNMPv3 device then froze all polling for its timeout x tries
/// (40 dead devices: 80 s). Pantau discovers on a plain UDP socket off that thread and opens
/// the net-snmp session with the engine ID already known, so net-snmp never probes.
enum SNMPv3Discovery {
    struct Found: Sendable, Hashable {
        var engineID: [UInt8]
        var boots: UInt32
        var time: UInt32
    }

    /// The discovery message (BER).
    static func request(msgID: Int32) -> [UInt8] {
        let usm = tlv(0x30, tlv(0x04, []) + integer(0) + integer(0) + tlv(0x04, []) + tlv(0x04, []) + tlv(0x04, []))
        let global = tlv(0x30, integer(msgID) + integer(65_507) + tlv(0x04, [0x04]) + integer(3))
        let pdu = tlv(0xA0, integer(msgID) + integer(0) + integer(0) + tlv(0x30, []))
        let scoped = tlv(0x30, tlv(0x04, []) + tlv(0x04, []) + pdu)
        return tlv(0x30, integer(3) + global + tlv(0x04, usm) + scoped)
    }

    /// The engine ID, boots and time from the agent's answer; nil for anything else.
    static func parse(_ b: [UInt8], msgID: Int32) -> Found? {
        var r = Reader(bytes: b)
        guard let msg = r.read(0x30) else { return nil }
        var m = Reader(bytes: b, at: msg.lowerBound, end: msg.upperBound)
        guard let v = m.read(0x02), Reader.int(b, v) == 3, let g = m.read(0x30), let sec = m.read(0x04) else { return nil }
        var gr = Reader(bytes: b, at: g.lowerBound, end: g.upperBound)
        guard let id = gr.read(0x02), Reader.int(b, id) == Int64(msgID) else { return nil }
        var sr = Reader(bytes: b, at: sec.lowerBound, end: sec.upperBound)
        guard let usm = sr.read(0x30) else { return nil }
        var u = Reader(bytes: b, at: usm.lowerBound, end: usm.upperBound)
        guard let engine = u.read(0x04), let boots = u.read(0x02), let time = u.read(0x02), !engine.isEmpty else { return nil }
        return Found(engineID: Array(b[engine]), boots: UInt32(clamping: Reader.int(b, boots)),
                     time: UInt32(clamping: Reader.int(b, time)))
    }

    /// Asks `host:port`, `tries` times `timeoutSeconds` apart. Blocks the calling thread.
    static func discover(host: String, port: UInt16, timeoutSeconds: Double, tries: Int) -> Result<Found, SNMPFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let ai = res else {
            return .failure(SNMPFailure(.session, "\(host):\(port): not an IP address"))
        }
        defer { freeaddrinfo(res) }
        let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
        guard fd >= 0 else { return .failure(SNMPFailure(.session, "\(host):\(port): cannot open a UDP socket")) }
        defer { close(fd) }
        // Connected: an ICMP port unreachable ends the wait at once (ECONNREFUSED).
        guard connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            return .failure(SNMPFailure(.session, "\(host):\(port): \(String(cString: strerror(errno)))"))
        }
        var buf = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<max(1, tries) {
            let msgID = Int32.random(in: 1...Int32.max)
            let req = request(msgID: msgID)
            _ = req.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            let deadline = NetSNMPClock.now() + timeoutSeconds
            while true {
                let left = deadline - NetSNMPClock.now()
                if left <= 0 { break }
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, Int32(max(1, (left * 1000).rounded(.up)))) > 0 else { break }
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 {
                    if errno == ECONNREFUSED {
                        return .failure(SNMPFailure(.timeout, "\(host):\(port): no SNMP agent (port unreachable)"))
                    }
                    break
                }
                if let found = parse(Array(buf[0..<n]), msgID: msgID) { return .success(found) }
                // Something else (a late answer to an earlier try, garbage): keep waiting.
            }
        }
        return .failure(SNMPFailure(.timeout, "\(host):\(port): no response after \(max(1, tries)) tries of \(timeoutSeconds) s (SNMPv3 engine discovery)"))
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out = [tag]
        let n = content.count
        if n < 0x80 {
            out.append(UInt8(n))
        } else {
            var len: [UInt8] = []
            var v = n
            while v > 0 { len.insert(UInt8(v & 0xff), at: 0); v >>= 8 }
            out.append(0x80 | UInt8(len.count))
            out += len
        }
        return out + content
    }

    static func integer(_ v: Int32) -> [UInt8] {
        var bytes = withUnsafeBytes(of: v.bigEndian, Array.init)
        // Minimal two's complement: drop leading bytes that only repeat the sign.
        while bytes.count > 1, (bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xff && bytes[1] & 0x80 != 0) {
            bytes.removeFirst()
        }
        return tlv(0x02, bytes)
    }

    /// A forward-only BER reader over one buffer.
    struct Reader {
        let bytes: [UInt8]
        var at: Int
        let end: Int

        init(bytes: [UInt8], at: Int = 0, end: Int? = nil) {
            self.bytes = bytes
            self.at = at
            self.end = end ?? bytes.count
        }

        /// The content range of the next element if it has `tag`.
        mutating func read(_ tag: UInt8) -> Range<Int>? {
            guard at + 2 <= end, bytes[at] == tag else { return nil }
            var i = at + 1
            var len = Int(bytes[i])
            i += 1
            if len & 0x80 != 0 {
                let k = len & 0x7f
                guard k >= 1, k <= 4, i + k <= end else { return nil }
                len = 0
                for j in 0..<k { len = len << 8 | Int(bytes[i + j]) }
                i += k
            }
            guard i + len <= end else { return nil }
            at = i + len
            return i..<(i + len)
        }

        static func int(_ b: [UInt8], _ r: Range<Int>) -> Int64 {
            guard !r.isEmpty, r.count <= 8 else { return -1 }
            var v: Int64 = b[r.lowerBound] & 0x80 != 0 ? -1 : 0
            for i in r { v = v << 8 | Int64(b[i]) }
            return v
        }
    }
}
