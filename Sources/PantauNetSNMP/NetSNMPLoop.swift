@preconcurrency import CNetSNMP
import PantauCore
import Foundation
import PantauProbes
import Synchronization

/// The one I/O thread that drives every net-snmp session: `poll(2)` on the sessions' sockets,
/// `snmp_sess_read` for what arrived, and `snmp_sess_timeout` every 50 ms (not only when poll
/// times out, or retries starve under load). Requests enter through a locked inbox and a wake
/// pipe; at most `maxInFlight` devices are walked at once; the rest wait their turn.
final class NetSNMPLoop: @unchecked Sendable {
    struct Inbox {
        var jobs: [NetSNMPJob] = []
        /// SNMPv3 engine discoveries finished off the I/O thread.
        var discovered: [(job: NetSNMPJob, result: Result<SNMPv3Discovery.Found, SNMPFailure>)] = []
        var listeners: [NetSNMPListener] = []
        var stopping = false
    }

    let maxInFlight: Int
    /// Sessions kept open between walks (one socket each); past this the longest idle is closed
    /// and its next walk opens a socket afresh, so thousands of devices fit any descriptor limit.
    let maxIdleSessions: Int
    let inbox = Mutex(Inbox())
    let wakeRead: Int32
    let wakeWrite: Int32

    // I/O thread only.
    var waiting: [NetSNMPJob] = []
    var active: [NetSNMPJob] = []
    var completed: [NetSNMPJob] = []
    var idleSessions: [String: UnsafeMutableRawPointer] = [:]
    /// Sessions in the order they went idle, with the generation that parked them (a session
    /// taken and parked again has a newer one: its older entry is skipped).
    var idleOrder: [(key: String, generation: Int)] = []
    var idleHead = 0
    var idleGeneration: [String: Int] = [:]
    var parkings = 0
    /// Idle sessions closed at the bound (for tests and the benchmark).
    var idleClosed = 0
    var listeners: [NetSNMPListener] = []
    var lastTimeoutTick = 0.0
    /// Agents' SNMPv3 engine IDs by "host:port", learnt by `SNMPv3Discovery`.
    var engineIDs: [String: [UInt8]] = [:]
    /// Where engine discoveries block (a dead agent: its timeout x tries), never the I/O thread.
    let discoveryQueue = DispatchQueue(label: "pantau.snmp.discovery", attributes: .concurrent)

    init(maxInFlight: Int, maxIdleSessions: Int) {
        NetSNMPLibrary.ensure()
        self.maxInFlight = max(1, maxInFlight)
        self.maxIdleSessions = max(0, maxIdleSessions)
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL) | O_NONBLOCK)
        let thread = Thread { [self] in run() }
        thread.name = "pantau-snmp-io"
        thread.start()
    }

    func submit(_ jobs: [NetSNMPJob]) {
        inbox.withLock { $0.jobs += jobs }
        wake()
    }

    func add(_ listener: NetSNMPListener) {
        inbox.withLock { $0.listeners.append(listener) }
        wake()
    }

    func stop() {
        inbox.withLock { $0.stopping = true }
        wake()
    }

    func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    func run() {
        var fds: [pollfd] = []
        var owners: [(handle: UnsafeMutableRawPointer, job: NetSNMPJob?)?] = []
        var scratch = [pollfd](repeating: pollfd(), count: 16)
        while true {
            let (newJobs, newListeners, discovered, stopping) = inbox.withLock { s in
                defer { s.jobs = []; s.listeners = []; s.discovered = [] }
                return (s.jobs, s.listeners, s.discovered, s.stopping)
            }
            if stopping { shutdown(); return }
            for (job, result) in discovered where !job.finished {
                switch result {
                case .success(let found):
                    engineIDs[Self.agentKey(job.request)] = found.engineID
                    // The Report was not authenticated: net-snmp's own discovery records its time the same way.
                    _ = found.engineID.withUnsafeBufferPointer {
                        set_enginetime($0.baseAddress, u_int($0.count), u_int(found.boots), u_int(found.time), 0)
                    }
                    open(job)
                case .failure(let f):
                    finish(job, f)
                }
            }
            waiting += newJobs
            for l in newListeners { l.open(); listeners.append(l) }
            admit()

            fds.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            owners.append(nil)
            let handles = active.compactMap { j in j.handle.map { ($0, Optional(j)) } } + listeners.compactMap { l in l.handle.map { ($0, NetSNMPJob?.none) } }
            for (h, job) in handles {
                let n = Int(pantau_sess_fds(h, &scratch, Int32(scratch.count)))
                for k in 0..<n {
                    fds.append(scratch[k])
                    owners.append((h, job))
                }
            }
            let timeout: Int32 = active.isEmpty ? (listeners.isEmpty ? -1 : 1000) : 50
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready > 0 {
                for (k, p) in fds.enumerated() where p.revents != 0 {
                    if let (h, job) = owners[k] {
                        // Count what arrives per walk: a walk that times out although datagrams
                        // came back got answers net-snmp could not use (garbled, truncated, a
                        // wrong request id or community) — not "no response".
                        job?.datagrams += 1
                        if job == nil, let listener = listeners.first(where: { $0.handle == h }) {
                            listener.read(fd: p.fd) { _ = pantau_sess_read_fd(h, p.fd) }
                        } else {
                            _ = pantau_sess_read_fd(h, p.fd)
                        }
                    } else { drainWakePipe() }
                }
            }
            let now = NetSNMPClock.now()
            if now - lastTimeoutTick >= 0.05 {
                lastTimeoutTick = now
                for job in active where !job.finished {
                    if let h = job.handle { snmp_sess_timeout(h) }
                    if !job.finished, now - job.started > job.request.deadlineSeconds {
                        finish(job, SNMPFailure(.deadline, "\(job.request.host):\(job.request.port): walk not done after \(job.request.deadlineSeconds) s"))
                        job.discardSession = true
                    }
                }
            }
            reap()
        }
    }

    func drainWakePipe() {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(wakeRead, &buf, buf.count) > 0 {}
    }

    /// Background walks (devices that failed their last poll) hold at most this many slots.
    var backgroundSlots: Int { max(1, maxInFlight / 4) }

    /// The next waiting job to start: the first foreground one, else the first background one
    /// while background walks hold fewer than `backgroundSlots`.
    func nextAdmissible() -> Int? {
        if let k = waiting.firstIndex(where: { !$0.request.background }) { return k }
        guard !waiting.isEmpty else { return nil }
        return active.lazy.filter { $0.request.background }.count < backgroundSlots ? 0 : nil
    }

    /// Starts waiting jobs while there is room.
    func admit() {
        while active.count < maxInFlight, let k = nextAdmissible() {
            let job = waiting.remove(at: k)
            job.started = NetSNMPClock.now()
            job.loop = self
            active.append(job)
            if let h = idleSessions.removeValue(forKey: job.sessionKey) {
                idleGeneration[job.sessionKey] = nil
                job.handle = h
                sendNext(job)
            } else if job.request.credentials.version == .v3, engineIDs[Self.agentKey(job.request)] == nil {
                // Learn the engine ID off this thread; the job holds its slot meanwhile (and its deadline runs).
                let r = job.request
                discoveryQueue.async { [self] in
                    let result = SNMPv3Discovery.discover(host: r.host, port: r.port, timeoutSeconds: r.timeoutSeconds, tries: r.retries + 1)
                    inbox.withLock { $0.discovered.append((job, result)) }
                    wake()
                }
            } else {
                open(job)
            }
        }
    }

    static func agentKey(_ r: SNMPRequest) -> String { "\(r.host):\(r.port)" }

    /// Opens the job's session (SNMPv3 with the engine ID known: net-snmp does not probe) and sends.
    func open(_ job: NetSNMPJob) {
        let r = job.request
        do {
            job.handle = try NetSNMPSession.open(host: r.host, port: r.port, credentials: r.credentials,
                                                 timeoutSeconds: r.timeoutSeconds, retries: r.retries,
                                                 engineID: r.credentials.version == .v3 ? engineIDs[Self.agentKey(r)] : nil)
        } catch {
            finish(job, error)
            return
        }
        sendNext(job)
    }

    /// Sends the walk's next PDU, or finishes the job when the walk is complete.
    func sendNext(_ job: NetSNMPJob) {
        guard !job.finished, let handle = job.handle else { return }
        guard let plan = job.walk.next() else {
            finish(job, nil)
            return
        }
        let type: Int32 = plan.kind == .getBulk ? pantau_MSG_GETBULK : pantau_MSG_GETNEXT
        guard let pdu = snmp_pdu_create(type) else {
            finish(job, SNMPFailure(.session, "cannot allocate a PDU"))
            return
        }
        if plan.kind == .getBulk { pantau_pdu_set_bulk(pdu, plan.nonRepeaters, plan.maxRepetitions) }
        for o in plan.oids { o.withNetSNMP { _ = snmp_add_null_var(pdu, $0, $1) } }
        let magic = Unmanaged.passUnretained(job).toOpaque()
        if snmp_sess_async_send(handle, pdu, netSNMPResponseCallback, magic) == 0 {
            snmp_free_pdu(pdu)
            let text = pantau_sess_error(handle).map { p in defer { free(p) }; return String(cString: p) } ?? "send failed"
            finish(job, SNMPFailure(.session, "\(job.request.host):\(job.request.port): \(text)"))
        }
    }

    /// Called from net-snmp's callback on the I/O thread.
    func handle(op: Int32, pdu: UnsafeMutablePointer<netsnmp_pdu>?, job: NetSNMPJob) {
        guard !job.finished else { return }
        let r = job.request
        switch op {
        case pantau_OP_RECEIVED:
            guard let pdu else { return finish(job, SNMPFailure(.garbled, "\(r.host): empty response")) }
            if pdu.pointee.command == pantau_MSG_REPORT {
                // notInTimeWindow: net-snmp has learnt the agent's clock and resends by itself.
                if let h = job.handle, pantau_sess_errno(h) == pantau_ERR_NOT_IN_TIME_WINDOW, !job.resentForTime {
                    job.resentForTime = true
                    return
                }
                return finish(job, SNMPFailure(.authentication, "\(r.host):\(r.port): agent refused \(r.credentials) (report \(varBinds(of: pdu).first.map { "\($0.oid)" } ?? "?"))"))
            }
            do throws(SNMPFailure) {
                try job.walk.consume(varBinds(of: pdu), errorStatus: Int(pdu.pointee.errstat), errorIndex: Int(pdu.pointee.errindex))
                sendNext(job)
            } catch {
                finish(job, SNMPFailure(error.kind, "\(r.host):\(r.port): \(error.message)"))
            }
        case pantau_OP_TIMED_OUT:
            let auth = job.handle.map { pantau_sess_errno($0) } == pantau_ERR_AUTHENTICATION_FAILURE
            let unusable = job.datagrams - job.walk.roundTrips
            finish(job, auth
                   ? SNMPFailure(.authentication, "\(r.host):\(r.port): authentication failed with \(r.credentials)")
                   : unusable > 0
                   ? SNMPFailure(.garbled, "\(r.host):\(r.port): \(unusable) reply datagram(s) that were not a valid answer to the request (garbled, truncated, oversized, a wrong request id or community) and no valid answer after \(r.retries + 1) tries of \(r.timeoutSeconds) s")
                   : SNMPFailure(.timeout, "\(r.host):\(r.port): no response after \(r.retries + 1) tries of \(r.timeoutSeconds) s"))
        case pantau_OP_SEC_ERROR:
            finish(job, SNMPFailure(.authentication, "\(r.host):\(r.port): agent refused \(r.credentials) (wrong user, password or security level)"))
        case pantau_OP_RESEND:
            return  // not final: the request is still pending
        default:
            finish(job, SNMPFailure(.session, "\(r.host):\(r.port): transport callback \(op)"))
        }
    }

    func finish(_ job: NetSNMPJob, _ failure: SNMPFailure?) {
        guard !job.finished else { return }
        job.finished = true
        job.failure = failure
        completed.append(job)
    }

    /// Hands finished jobs back: sessions to the idle pool (or closed), responses to batches.
    func reap() {
        guard !completed.isEmpty else { return }
        let done = completed
        completed = []
        let ids = Set(done.map(ObjectIdentifier.init))
        active.removeAll { ids.contains(ObjectIdentifier($0)) }
        for job in done {
            // An SNMPv3 walk that failed forgets the agent's engine ID and its session: an agent
            // replaced or reinstalled (a new engine ID, boots reset) is discovered afresh next time.
            let forget = job.failure != nil && job.request.credentials.version == .v3
            if forget { engineIDs[Self.agentKey(job.request)] = nil }
            if let h = job.handle {
                if forget || job.discardSession || job.failure?.kind == .session || idleSessions[job.sessionKey] != nil {
                    snmp_sess_close(h)
                } else {
                    park(h, key: job.sessionKey)
                }
                job.handle = nil
            }
            let b = job.batch
            if let each = b.each {
                var r = job.response
                each(job.index, r)
                r.varBinds = []
                b.responses[job.index] = r
            } else {
                b.responses[job.index] = job.response
            }
            b.remaining -= 1
            if b.remaining == 0 { b.continuation.resume(returning: b.responses.map { $0! }) }
        }
        admit()
        reap()
    }

    /// Keeps a session for the device's next walk, closing the longest idle past the bound.
    func park(_ h: UnsafeMutableRawPointer, key: String) {
        guard maxIdleSessions > 0 else {
            snmp_sess_close(h)
            idleClosed += 1
            return
        }
        idleSessions[key] = h
        parkings += 1
        idleGeneration[key] = parkings
        idleOrder.append((key, parkings))
        while idleSessions.count > maxIdleSessions, idleHead < idleOrder.count {
            let (k, g) = idleOrder[idleHead]
            idleHead += 1
            guard idleGeneration[k] == g, let old = idleSessions.removeValue(forKey: k) else { continue }
            idleGeneration[k] = nil
            snmp_sess_close(old)
            idleClosed += 1
        }
        // Drop the consumed prefix now and then (entries of sessions taken again are stale).
        if idleHead > 1024, idleHead * 2 > idleOrder.count {
            idleOrder.removeFirst(idleHead)
            idleHead = 0
        }
        if idleOrder.count - idleHead > 4 * max(idleSessions.count, 256) {
            idleOrder = idleOrder[idleHead...].filter { idleGeneration[$0.key] == $0.generation }
            idleHead = 0
        }
    }

    func shutdown() {
        for job in active + waiting where !job.finished { finish(job, SNMPFailure(.session, "transport stopped")) }
        waiting = []
        reap()
        for (_, h) in idleSessions { snmp_sess_close(h) }
        idleSessions = [:]
        for l in listeners { l.close() }
        listeners = []
    }
}

/// net-snmp's response callback: a C function pointer, so the job travels in `magic`.
let netSNMPResponseCallback: netsnmp_callback = { op, _, _, pdu, magic in
    guard let magic else { return 1 }
    let job = Unmanaged<NetSNMPJob>.fromOpaque(magic).takeUnretainedValue()
    job.loop?.handle(op: op, pdu: pdu, job: job)
    return 1
}
