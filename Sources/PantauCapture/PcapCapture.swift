import CPcap
import Foundation
import PantauCore
import PantauProbes
import Synchronization

/// libpcap on a live SPAN/mirror interface or a capture file, read on its own thread
/// (`pcap_dispatch` with a 100 ms timeout, never `pcap_loop`), counting into a `TrafficTap`.
/// Headers only: the snap length keeps payload out of memory, and nothing of it is stored.
public final class PcapCapture: CaptureTransport {
    public enum Source: Sendable, Hashable {
        case interface(String)
        /// A tcpdump/pcap file, replayed as fast as it can be read (benchmarks, tests).
        case file(String)
    }

    let source: Source
    let config: CaptureConfig
    let running = Mutex<Running?>(nil)
    let stopping = Atomic<Bool>(false)

    final class Running: @unchecked Sendable {
        let pcap: OpaquePointer
        let finished = DispatchSemaphore(value: 0)
        init(_ pcap: OpaquePointer) { self.pcap = pcap }
    }

    public init(_ source: Source, config: CaptureConfig) {
        self.source = source
        self.config = config
    }

    var name: String {
        switch source {
        case .interface(let n): n
        case .file(let f): f
        }
    }

    public func start(_ tap: TrafficTap) throws {
        let p = try open()
        let linkLayer: LinkLayer
        do {
            try applyFilter(p)
            let dlt = pcap_datalink(p)
            guard let l = LinkLayer(dlt: dlt) else {
                throw CaptureError(.linkLayer, operation: "reading \(name)",
                                   message: "link type \(pcap_datalink_val_to_name(dlt).map { String(cString: $0) } ?? "DLT \(dlt)") is not read by Pantau (Ethernet, Linux cooked or raw IP are)")
            }
            linkLayer = l
        } catch {
            pcap_close(p)
            throw error
        }
        let r = Running(p)
        running.withLock { $0 = r }
        stopping.store(false, ordering: .relaxed)
        let isFile = if case .file = source { true } else { false }
        let thread = Thread { [self] in
            loop(r, tap: tap, linkLayer: linkLayer, isFile: isFile)
            r.finished.signal()
        }
        thread.name = "pantau-capture"
        thread.start()
    }

    /// How long the thread keeps reading after a stop: the kernel hands over a partly filled
    /// ring block only when its timeout (100 ms) passes, and those packets count too.
    static let drainSeconds = 0.3

    public func stop() {
        guard let r = running.withLock({ x in defer { x = nil }; return x }) else { return }
        stopping.store(true, ordering: .relaxed)
        // A read with no packets may block past its timeout (TPACKET_V3 waits for a block):
        // past the drain time, wake it.
        if r.finished.wait(timeout: .now() + Self.drainSeconds + 0.05) == .timedOut {
            pcap_breakloop(r.pcap)
            r.finished.wait()
        }
        pcap_close(r.pcap)
    }

    /// Opens the source with the configured snap length, buffer and timeout.
    func open() throws -> OpaquePointer {
        var err = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        switch source {
        case .file(let path):
            guard let p = pcap_open_offline(path, &err) else {
                throw CaptureError(.failed, operation: "opening the capture file \(path)", message: Self.text(err))
            }
            return p
        case .interface(let ifname):
            guard let p = pcap_create(ifname, &err) else {
                throw CaptureError(.failed, operation: "opening \(ifname)", message: Self.text(err))
            }
            pcap_set_snaplen(p, Int32(config.snapLength))
            pcap_set_promisc(p, config.promiscuous ? 1 : 0)
            pcap_set_timeout(p, 100)
            pcap_set_buffer_size(p, Int32(config.bufferMB) << 20)
            let rc = pcap_activate(p)
            guard rc >= 0 else {
                let detail = String(cString: pcap_geterr(p))
                pcap_close(p)
                switch rc {
                case PCAP_ERROR_PERM_DENIED, PCAP_ERROR_PROMISC_PERM_DENIED:
                    throw CaptureError(.permission, operation: "opening \(ifname)",
                                       message: "capturing needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN "
                                           + "(sudo setcap cap_net_raw,cap_net_admin=eip \(CommandLine.arguments[0])): \(detail)")
                case PCAP_ERROR_NO_SUCH_DEVICE:
                    throw CaptureError(.noSuchInterface, operation: "opening \(ifname)",
                                       message: "no such interface (capture.interface in probes/capture.yaml): \(detail)")
                default:
                    throw CaptureError(.failed, operation: "opening \(ifname)", message: detail)
                }
            }
            return p
        }
    }

    /// A C string from an error buffer.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func applyFilter(_ p: OpaquePointer) throws {
        guard !config.filter.isEmpty else { return }
        var program = bpf_program()
        guard pcap_compile(p, &program, config.filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(.filter, operation: "compiling the filter '\(config.filter)'", message: String(cString: pcap_geterr(p)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(p, &program) == 0 else {
            throw CaptureError(.filter, operation: "setting the filter '\(config.filter)'", message: String(cString: pcap_geterr(p)))
        }
    }

    /// Reads batches until stopped (or the end of a file), merging each batch into the tap.
    func loop(_ r: Running, tap: TrafficTap, linkLayer: LinkLayer, isFile: Bool) {
        let state = UnsafeMutablePointer<CaptureState>.allocate(capacity: 1)
        state.initialize(to: tap.counter.withLock {
            CaptureState(linkLayer: linkLayer, counter: OPDTrafficCounter(map: $0.map, bucketSeconds: $0.bucketSeconds))
        })
        defer { state.deinitialize(count: 1); state.deallocate() }
        let user = UnsafeMutableRawPointer(state).assumingMemoryBound(to: UInt8.self)
        var ended: CaptureError?
        var drainUntil: Double?
        while true {
            if stopping.load(ordering: .relaxed) {
                // Files: stop at once. Live: read what the kernel still holds, then stop.
                if isFile { break }
                let now = Date().timeIntervalSince1970
                if let until = drainUntil { if now >= until { break } } else { drainUntil = now + Self.drainSeconds }
            }
            let n = pcap_dispatch(r.pcap, 8192, pantauPcapHandler, user)
            tap.merge(&state.pointee.counter, nonIP: state.pointee.nonIP)
            state.pointee.nonIP = 0
            if isFile {
                let packets = state.pointee.packets
                tap.statistics.withLock { $0.received = packets }
            } else {
                var s = pcap_stat()
                if pcap_stats(r.pcap, &s) == 0 {
                    tap.statistics.withLock {
                        $0.received = Int64(s.ps_recv)
                        $0.dropped = Int64(s.ps_drop)
                        $0.interfaceDropped = Int64(s.ps_ifdrop)
                    }
                }
            }
            if n == PCAP_ERROR_BREAK { break }
            if n < 0 {
                ended = CaptureError(.failed, operation: "reading \(name)", message: String(cString: pcap_geterr(r.pcap)))
                break
            }
            if n == 0 && isFile { break }
        }
        if isFile || ended != nil { tap.finish(ended) }
    }
}

/// The capture thread's own counter and framing, reached from libpcap's C callback through a
/// raw pointer (no reference counting or exclusivity checks per packet).
struct CaptureState {
    let linkLayer: LinkLayer
    var counter: OPDTrafficCounter
    var nonIP: Int64 = 0
    var packets: Int64 = 0
}

/// libpcap's per-packet callback: decode the headers and count them (no allocation).
let pantauPcapHandler: pcap_handler = { user, header, bytes in
    guard let user, let header, let bytes else { return }
    let state = UnsafeMutableRawPointer(user).assumingMemoryBound(to: CaptureState.self)
    let h = header.pointee
    state.pointee.packets += 1
    let frame = UnsafeRawBufferPointer(start: bytes, count: Int(h.caplen))
    if let p = PacketDecoder.decode(frame, linkLayer: state.pointee.linkLayer) {
        state.pointee.counter.count(p, at: EpochSeconds(h.ts.tv_sec))
    } else {
        state.pointee.nonIP += 1
    }
}
