#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import PantauCore

/// Echo over one ICMP socket: raw when permitted (root or CAP_NET_RAW), else the
/// unprivileged datagram kind (`net.ipv4.ping_group_range`). One exchange at a time runs
/// on a dedicated dispatch queue, so the blocking poll loop never occupies Swift's
/// cooperative threads. Thousands of targets go out in one paced loop and replies are
/// matched by payload (nonce, target index, packet number) and source address.
///
/// Other ICMP traffic on the host (another monitor, a flood ping) must not cost us replies: a
/// raw socket sees every ICMP packet, and between rounds nobody reads it, so its buffer would
/// fill with foreign packets and drop our replies. Hence a kernel socket filter (classic BPF)
/// that admits only echo replies carrying our identifier, a large receive buffer, the socket
/// emptied before every exchange, and the identifier checked again in code. Datagram sockets
/// get only their own replies from the kernel already. What still arrives and is not ours is
/// counted (`EchoExchange.foreign`).
///
/// IPv6 targets go out on a second, ICMPv6 socket (raw or datagram, the same permissions) with
/// a kernel type filter that passes only echo replies; its absence (no IPv6 on the host) only
/// matters when a target is IPv6, whose requests then count as not sent.
public final class SocketEchoTransport: EchoTransport, @unchecked Sendable {
    /// Which socket kind was opened.
    public enum Mode: String, Sendable { case raw, datagram }

    public let mode: Mode
    private let fd: Int32
    /// The ICMPv6 socket (-1: none) and its kind.
    private let fd6: Int32
    public let mode6: Mode?
    private let queue = DispatchQueue(label: "pantau.icmp")
    private var sequence: UInt16 = 0
    /// The nonces of the last exchanges (on `queue`): a reply carrying one of them is ours, late;
    /// one with our identifier and any other nonce is forged or another program's, and counted.
    private var recentNonces: [UInt64] = []
    private let identifier: UInt16

    /// Opens the socket; throws a `PantauError(.permission)` that says how to allow ICMP when neither kind is allowed.
    public init() throws {
        var s = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
        var mode = Mode.raw
        let rawErrno = errno
        if s < 0 {
            s = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), Int32(IPPROTO_ICMP))
            mode = .datagram
        }
        guard s >= 0 else {
            let dgErrno = errno
            throw PantauError(.permission, operation: "opening an ICMP socket", message: """
                raw ICMP refused (\(String(cString: strerror(rawErrno)))) and datagram ICMP refused \
                (\(String(cString: strerror(dgErrno)))). Run as root, give the binary CAP_NET_RAW \
                (setcap cap_net_raw+ep pantau), or allow unprivileged ping for your group \
                (sysctl -w net.ipv4.ping_group_range="0 2147483647").
                """)
        }
        fd = s
        self.mode = mode
        identifier = UInt16(truncatingIfNeeded: getpid())
        Self.configure(fd)
        kernelFilter = mode == .raw && Self.attachReplyFilter(fd, identifier: identifier)
        var s6 = socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6))
        var m6: Mode? = .raw
        if s6 < 0 {
            s6 = socket(AF_INET6, Int32(SOCK_DGRAM.rawValue), Int32(IPPROTO_ICMPV6))
            m6 = s6 < 0 ? nil : .datagram
        }
        fd6 = s6
        mode6 = m6
        if s6 >= 0 {
            Self.configure(s6)
            if m6 == .raw { Self.attachV6TypeFilter(s6) }
        }
    }

    static func configure(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var buf: Int32 = 8 << 20
        // Root may exceed net.core.rmem_max (SO_RCVBUFFORCE); otherwise the kernel caps SO_RCVBUF.
        if setsockopt(fd, SOL_SOCKET, Self.SO_RCVBUFFORCE, &buf, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, socklen_t(MemoryLayout<Int32>.size))
        }
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, socklen_t(MemoryLayout<Int32>.size))
    }

    /// ICMP6_FILTER (RFC 3542): block every ICMPv6 type but echo reply on the raw socket.
    static func attachV6TypeFilter(_ fd: Int32) {
        var filter = [UInt32](repeating: 0xffff_ffff, count: 8)   // a set bit blocks that type
        let t = Int(ICMPPacket.echoReplyV6)
        filter[t >> 5] &= ~(UInt32(1) << UInt32(t & 31))
        _ = filter.withUnsafeMutableBytes { setsockopt(fd, Int32(IPPROTO_ICMPV6), 1 /* ICMP6_FILTER */, $0.baseAddress, socklen_t($0.count)) }
    }

    /// The kernel drops foreign ICMP before it reaches this socket (raw sockets only).
    public private(set) var kernelFilter = false

    static let SO_RCVBUFFORCE: Int32 = 33
    static let SO_ATTACH_FILTER: Int32 = 26

    /// Attaches a classic BPF program to the raw socket: accept an ICMP echo reply (type 0)
    /// whose identifier is ours, drop everything else. A raw IPv4 socket's filter sees the
    /// packet from the IP header on.
    static func attachReplyFilter(_ fd: Int32, identifier: UInt16) -> Bool {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } packed into one UInt64 (little endian).
        func op(_ code: UInt16, _ jt: UInt8, _ jf: UInt8, _ k: UInt32) -> UInt64 {
            UInt64(code) | UInt64(jt) << 16 | UInt64(jf) << 24 | UInt64(k) << 32
        }
        let program: [UInt64] = [
            op(0xb1, 0, 0, 0),                    // ldxb 4*([0]&0xf)   X = IP header length
            op(0x50, 0, 0, 0),                    // ldb [x+0]          ICMP type
            op(0x15, 0, 3, UInt32(ICMPPacket.echoReply)),  // jeq #0, next, drop
            op(0x48, 0, 0, 4),                    // ldh [x+4]          identifier (network order)
            op(0x15, 0, 1, UInt32(identifier)),   // jeq #id, accept, drop
            op(0x06, 0, 0, 0x0004_0000),          // ret #262144        accept
            op(0x06, 0, 0, 0),                    // ret #0             drop
        ]
        struct SockFprog { var len: UInt16; var filter: UnsafePointer<UInt64> }
        return program.withUnsafeBufferPointer { p in
            var prog = SockFprog(len: UInt16(p.count), filter: p.baseAddress!)
            return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, socklen_t(MemoryLayout<SockFprog>.size)) == 0
        }
    }

    /// Reads and discards whatever waits on the socket (late replies of an earlier exchange,
    /// foreign packets that arrived before the filter); returns how many were not ours.
    func flush(into foreign: inout Int) {
        var b = [UInt8](repeating: 0, count: 2048)
        for (sock, v6) in [(fd, false), (fd6, true)] where sock >= 0 {
            let m = v6 ? (mode6 ?? .raw) : mode
            for _ in 0..<100_000 {
                let n = b.withUnsafeMutableBytes { recv(sock, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                let mine: Bool = b.withUnsafeBytes { raw in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    let offset = m == .raw && !v6 ? Int(bytes[0] & 0x0f) * 4 : 0
                    guard let r = ICMPPacket.decodeReply(bytes, offset: offset, v6: v6) else { return false }
                    return m == .datagram || r.identifier == identifier
                }
                if !mine { foreign += 1 }
            }
        }
    }

    deinit {
        close(fd)
        if fd6 >= 0 { close(fd6) }
    }

    public func exchange(_ targets: [EchoTarget], maxRate: Int) async throws -> EchoExchange {
        try await withCheckedThrowingContinuation { cont in
            queue.async {
                cont.resume(returning: self.run(targets, maxRate: max(1, maxRate)))
            }
        }
    }

    struct Send: Comparable {
        var dueNs: UInt64
        var target: Int32
        var packet: Int32
        static func < (a: Send, b: Send) -> Bool { (a.dueNs, a.target, a.packet) < (b.dueNs, b.target, b.packet) }
    }

    /// The blocking send/receive loop of one exchange (runs on `queue`).
    func run(_ targets: [EchoTarget], maxRate: Int) -> EchoExchange {
        let nonce = UInt64.random(in: 1...UInt64.max)
        let earlier = recentNonces
        defer { recentNonces = Array((recentNonces + [nonce]).suffix(8)) }
        var plan: [Send] = []
        var firstSlot = [Int](repeating: 0, count: targets.count + 1)
        for (i, t) in targets.enumerated() {
            firstSlot[i + 1] = firstSlot[i] + t.packets
            for p in 0..<t.packets {
                plan.append(Send(dueNs: UInt64(p) * UInt64(t.packetGapMs) * 1_000_000, target: Int32(i), packet: Int32(p)))
            }
        }
        plan.sort()
        let slots = firstSlot[targets.count]
        var sentAt = [UInt64](repeating: 0, count: slots)   // 0 = not sent
        var answered = [Bool](repeating: false, count: slots)
        var sent = [Int](repeating: 0, count: targets.count)
        var replies: [EchoReply] = []
        replies.reserveCapacity(slots)
        var outstanding = 0
        var lastDeadline: UInt64 = 0
        let addrs: [UInt32] = targets.map { a in
            a.isIPv6 ? 0 : UInt32(a.address[0]) | UInt32(a.address[1]) << 8 | UInt32(a.address[2]) << 16 | UInt32(a.address[3]) << 24
        }
        let addrs6: [in6_addr?] = targets.map { a in
            guard a.isIPv6 else { return nil }
            var x = in6_addr()
            withUnsafeMutableBytes(of: &x) { for i in 0..<16 { $0[i] = a.address[i] } }
            return x
        }
        let start = monotonicNs()
        let spacingNs = UInt64(1_000_000_000 / maxRate)
        let burst = Double(max(1, min(256, maxRate / 100)))
        var tokens = burst
        var lastRefill = start
        var next = 0
        var packet = [UInt8]()
        packet.reserveCapacity(32)
        var rbuf = [UInt8](repeating: 0, count: 2048)
        var foreign = 0
        flush(into: &foreign)

        while true {
            var now = monotonicNs()
            tokens = min(burst, tokens + Double(now - lastRefill) / Double(spacingNs))
            lastRefill = now
            while next < plan.count, plan[next].dueNs <= now - start, tokens >= 1 {
                let s = plan[next]
                let t = Int(s.target)
                sequence &+= 1
                let v6 = addrs6[t] != nil
                ICMPPacket.encodeRequest(into: &packet, identifier: identifier, sequence: sequence, nonce: nonce,
                                         index: UInt32(s.target), packet: UInt16(s.packet), v6: v6)
                let rc: Int
                if let a6 = addrs6[t] {
                    var sa6 = sockaddr_in6()
                    sa6.sin6_family = sa_family_t(AF_INET6)
                    sa6.sin6_addr = a6
                    rc = fd6 < 0 ? -1 : packet.withUnsafeBytes { p in
                        withUnsafePointer(to: &sa6) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(fd6, p.baseAddress, p.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                            }
                        }
                    }
                } else {
                    var sa = sockaddr_in()
                    sa.sin_family = sa_family_t(AF_INET)
                    sa.sin_addr.s_addr = addrs[t]
                    rc = packet.withUnsafeBytes { p in
                        withUnsafePointer(to: &sa) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(fd, p.baseAddress, p.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                            }
                        }
                    }
                }
                if rc < 0 && (v6 ? fd6 : fd) >= 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                    var pfd = pollfd(fd: v6 ? fd6 : fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&pfd, 1, 5)
                    break  // retry this request on the next pass
                }
                now = monotonicNs()
                if rc >= 0 {
                    sentAt[firstSlot[t] + Int(s.packet)] = now
                    sent[t] += 1
                    outstanding += 1
                    lastDeadline = max(lastDeadline, now + UInt64(targets[t].timeoutMs) * 1_000_000)
                }
                next += 1
                tokens -= 1
            }
            if next == plan.count && (outstanding == 0 || now >= lastDeadline) { break }
            // Wait for replies until the next send is due (or the last deadline).
            var waitNs: UInt64 = next < plan.count
                ? (plan[next].dueNs > now - start ? plan[next].dueNs - (now - start) : spacingNs)
                : (lastDeadline > now ? lastDeadline - now : 0)
            if next < plan.count && tokens < 1 { waitNs = min(waitNs, spacingNs) }
            var pfds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            if fd6 >= 0 { pfds.append(pollfd(fd: fd6, events: Int16(POLLIN), revents: 0)) }
            // poll() has millisecond resolution: round up so a paced send loop sleeps instead of spinning.
            let waitMs = waitNs == 0 ? 0 : Int32(min(UInt64(Int32.max), (waitNs + 999_999) / 1_000_000))
            let ready = poll(&pfds, nfds_t(pfds.count), waitMs)
            guard ready > 0 else { continue }
            // Drain every datagram that is waiting, on each socket.
            for (sock, v6) in [(fd, false), (fd6, true)] where sock >= 0 {
                let m = v6 ? (mode6 ?? .raw) : mode
                while true {
                    var from = sockaddr_in6()   // large enough for either family
                    var fromLen = socklen_t(MemoryLayout<sockaddr_in6>.size)
                    let n = rbuf.withUnsafeMutableBytes { b in
                        withUnsafeMutablePointer(to: &from) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(sock, b.baseAddress, b.count, 0, $0, &fromLen) }
                        }
                    }
                    if n <= 0 { break }
                    let at = monotonicNs()
                    let reply: ICMPPacket.Reply? = rbuf.withUnsafeBytes { b in
                        let raw = UnsafeRawBufferPointer(rebasing: b[0..<n])
                        let offset = m == .raw && !v6 ? Int(raw[0] & 0x0f) * 4 : 0
                        return ICMPPacket.decodeReply(raw, offset: offset, v6: v6)
                    }
                    guard let r = reply, m == .datagram || r.identifier == identifier else { foreign += 1; continue }
                    // Ours from an earlier exchange: late, not foreign. Any other nonce, index or packet
                    // number, or a reply from an address we did not ask, is not a reply to us: counted.
                    guard r.nonce == nonce else { if !earlier.contains(r.nonce) { foreign += 1 }; continue }
                    guard Int(r.index) < targets.count else { foreign += 1; continue }
                    let t = Int(r.index), p = Int(r.packet)
                    let sameSource: Bool = v6 ? addrs6[t].map { a in withUnsafeBytes(of: a) { x in withUnsafeBytes(of: from.sin6_addr) { y in x.elementsEqual(y) } } } ?? false
                        : withUnsafeBytes(of: &from) { $0.load(fromByteOffset: 4, as: UInt32.self) } == addrs[t] && addrs6[t] == nil
                    guard p < targets[t].packets, sameSource else { foreign += 1; continue }
                    let slot = firstSlot[t] + p
                    guard sentAt[slot] != 0, !answered[slot] else { continue }
                    let rtt = at - sentAt[slot]
                    guard rtt <= UInt64(targets[t].timeoutMs) * 1_000_000 else { continue }  // late: counts as lost
                    answered[slot] = true
                    outstanding -= 1
                    replies.append(EchoReply(target: t, packet: p, rttMs: Double(rtt) / 1_000_000))
                }
            }
        }
        return EchoExchange(sent: sent, replies: replies, foreign: foreign)
    }
}

@inline(__always)
func monotonicNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
