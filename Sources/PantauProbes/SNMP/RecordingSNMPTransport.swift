import PantauCore
import Synchronization

/// An in-memory agent: a sorted MIB view that answers GETNEXT/GETBULK like a real one.
public struct AgentView: Sendable {
    public enum Behaviour: Sendable, Hashable { case answers, silent, rejectsCredentials }
    public var behaviour: Behaviour = .answers
    public private(set) var bindings: [VarBind] = []

    public init(_ bindings: [VarBind] = [], behaviour: Behaviour = .answers) {
        self.behaviour = behaviour
        for b in bindings { self[b.oid] = b.value }
    }

    public subscript(oid: OID) -> SNMPValue? {
        get {
            let i = position(of: oid)
            return i < bindings.count && bindings[i].oid == oid ? bindings[i].value : nil
        }
        set {
            let i = position(of: oid)
            let exists = i < bindings.count && bindings[i].oid == oid
            switch (newValue, exists) {
            case (let v?, true): bindings[i].value = v
            case (let v?, false): bindings.insert(VarBind(oid, v), at: i)
            case (nil, true): bindings.remove(at: i)
            case (nil, false): break
            }
        }
    }

    /// The first binding strictly after `oid`.
    public func next(after oid: OID) -> VarBind? {
        var i = position(of: oid)
        if i < bindings.count && bindings[i].oid == oid { i += 1 }
        return i < bindings.count ? bindings[i] : nil
    }

    func position(of oid: OID) -> Int {
        var lo = 0, hi = bindings.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if bindings[mid].oid < oid { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Answers one planned PDU.
    public func answer(_ plan: BulkWalk.Plan) -> [VarBind] {
        var out: [VarBind] = []
        for oid in plan.oids.prefix(plan.nonRepeaters) {
            out.append(next(after: oid) ?? VarBind(oid, .endOfMibView))
        }
        var cursors = Array(plan.oids.dropFirst(plan.nonRepeaters))
        for _ in 0..<plan.maxRepetitions {
            for (k, c) in cursors.enumerated() {
                let vb = next(after: c) ?? VarBind(c, .endOfMibView)
                out.append(vb)
                cursors[k] = vb.oid
            }
        }
        return out
    }
}

/// The SNMP transport fake: answers from `AgentView`s by device id and records every request,
/// like snmp_exporter's scraper mock. Views can be changed between polls to script a test.
public final class RecordingSNMPTransport: SNMPTransport {
    let state: Mutex<(views: [String: AgentView], requests: [SNMPRequest])>

    public init(views: [String: AgentView] = [:]) {
        state = Mutex((views, []))
    }

    public func update(_ device: String, _ change: (inout AgentView) -> Void) {
        state.withLock { s in
            var v = s.views[device] ?? AgentView()
            change(&v)
            s.views[device] = v
        }
    }

    public var requests: [SNMPRequest] { state.withLock { $0.requests } }

    public func execute(_ requests: [SNMPRequest]) async -> [SNMPResponse] {
        let views = state.withLock { s in
            s.requests += requests
            return s.views
        }
        return requests.map { r in
            guard let view = views[r.id], view.behaviour == .answers else {
                let failure = views[r.id]?.behaviour == .rejectsCredentials
                    ? SNMPFailure(.authentication, "\(r.host): authentication failed with \(r.credentials)")
                    : SNMPFailure(.timeout, "\(r.host):\(r.port): no response after \(r.retries + 1) tries")
                return SNMPResponse(id: r.id, varBinds: [], failure: failure, roundTrips: 0,
                                    elapsedSeconds: r.timeoutSeconds * Double(r.retries + 1))
            }
            var walk = BulkWalk(scalars: r.scalars, columns: r.columns, useBulk: r.credentials.version != .v1,
                                maxVarBinds: r.maxVarBinds)
            do throws(SNMPFailure) {
                while let plan = walk.next() {
                    try walk.consume(view.answer(plan), errorStatus: 0, errorIndex: 0)
                }
                return SNMPResponse(id: r.id, varBinds: walk.collected, failure: nil, roundTrips: walk.roundTrips,
                                    elapsedSeconds: 0)
            } catch {
                return SNMPResponse(id: r.id, varBinds: walk.collected, failure: error, roundTrips: walk.roundTrips,
                                    elapsedSeconds: 0)
            }
        }
    }
}
