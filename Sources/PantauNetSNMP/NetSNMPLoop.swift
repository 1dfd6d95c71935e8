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
        var listeners: [NetSNMPListener] = []
        var stopping = false
    }

    let maxInFlight: Int
    let inbox = Mutex(Inbox())
    let wakeRead: Int32
    let wakeWrite: Int32

    // I/O thread only.
    var waiting: [NetSNMPJob] = []
    var active: [NetSNMPJob] = []
    var completed: [NetSNMPJob] = []
    var idleSessions: [String: UnsafeMutableRawPointer] = [:]
    var listeners: [NetSNMPListener] = []
    var lastTimeoutTick = 0.0

    init(maxInFlight: Int) {
        NetSNMPLibrary.ensure()
        self.maxInFlight = max(1, maxInFlight)
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
        var owners: [UnsafeMutableRawPointer?] = []
        var scratch = [pollfd](repeating: pollfd(), count: 16)
        while true {
            let (newJobs, newListeners, stopping) = inbox.withLock { s in
                defer { s.jobs = []; s.listeners = [] }
                return (s.jobs, s.listeners, s.stopping)
            }
            if stopping { shutdown(); return }
            waiting += newJobs
            for l in newListeners { l.open(); listeners.append(l) }
            admit()

            fds.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            owners.append(nil)
            let handles = active.compactMap(\.handle) + listeners.compactMap(\.handle)
            for h in handles {
                let n = Int(pantau_sess_fds(h, &scratch, Int32(scratch.count)))
                for k in 0..<n {
                    fds.append(scratch[k])
                    owners.append(h)
                }
            }
            let timeout: Int32 = active.isEmpty ? (listeners.isEmpty ? -1 : 1000) : 50
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready > 0 {
                for (k, p) in fds.enumerated() where p.revents != 0 {
                    if let h = owners[k] { _ = pantau_sess_read_fd(h, p.fd) }
                    else { drainWakePipe() }
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

    /// Starts waiting jobs while there is room.
    func admit() {
        while active.count < maxInFlight, !waiting.isEmpty {
            let job = waiting.removeFirst()
            job.started = NetSNMPClock.now()
            job.loop = self
            active.append(job)
            if let h = idleSessions.removeValue(forKey: job.sessionKey) {
                job.handle = h
            } else {
                do {
                    let r = job.request
                    job.handle = try NetSNMPSession.open(host: r.host, port: r.port, credentials: r.credentials,
                                                         timeoutSeconds: r.timeoutSeconds, retries: r.retries)
                } catch {
                    finish(job, error)
                    continue
                }
            }
            sendNext(job)
        }
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
            finish(job, auth
                   ? SNMPFailure(.authentication, "\(r.host):\(r.port): authentication failed with \(r.credentials)")
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
            if let h = job.handle {
                if job.discardSession || job.failure?.kind == .session || idleSessions[job.sessionKey] != nil {
                    snmp_sess_close(h)
                } else {
                    idleSessions[job.sessionKey] = h
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
