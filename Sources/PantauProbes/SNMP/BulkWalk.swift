import PantauCore
/// The walk of one request as a value: it says which PDU to send next and consumes each
/// response. Several table columns advance together (one GETBULK carries a cursor per
/// column, like a multi-column `snmptable`), and scalars ride along as non-repeaters of the
/// first PDU. Shared by the net-snmp transport and the recording fake, so both walk alike.
public struct BulkWalk: Sendable {
    public enum PDUKind: Sendable, Hashable { case getBulk, getNext }

    /// The next PDU to send.
    public struct Plan: Sendable, Hashable {
        public var kind: PDUKind
        public var nonRepeaters: Int
        public var maxRepetitions: Int
        public var oids: [OID]
    }

    struct Cursor: Sendable {
        var root: OID
        var last: OID
        var done = false
    }

    let useBulk: Bool
    let maxVarBinds: Int
    var scalars: [OID]
    var scalarsSent = false
    var cursors: [Cursor]
    /// Cursors carried by the PDU in flight, by position.
    var inFlight: [Int] = []
    var inFlightScalars = 0
    var inFlightRepetitions = 1
    public private(set) var collected: [VarBind] = []
    public private(set) var roundTrips = 0
    /// Columns the agent answered out of order (a garbled or buggy agent); the walk stops there.
    public private(set) var nonIncreasing: [OID] = []

    /// Bounds against an agent that never ends a table.
    static let maxRoundTrips = 20_000
    static let maxCollected = 1_000_000

    public init(scalars: [OID], columns: [OID], useBulk: Bool, maxVarBinds: Int) {
        self.useBulk = useBulk
        self.maxVarBinds = max(1, maxVarBinds)
        self.scalars = scalars
        cursors = columns.map { Cursor(root: $0, last: $0) }
    }

    /// The next PDU, or nil when the walk is complete.
    public mutating func next() -> Plan? {
        let active = cursors.indices.filter { !cursors[$0].done }
        let sendScalars = !scalarsSent && !scalars.isEmpty
        guard sendScalars || !active.isEmpty else { return nil }
        let nr = sendScalars ? scalars.count : 0
        var oids: [OID] = sendScalars ? scalars.map(Self.predecessor) : []
        let room = max(1, maxVarBinds - nr)
        let carried = Array(active.prefix(room))
        oids += carried.map { cursors[$0].last }
        inFlight = carried
        inFlightScalars = nr
        inFlightRepetitions = useBulk ? max(1, room / max(1, carried.count)) : 1
        scalarsSent = true
        return Plan(kind: useBulk ? .getBulk : .getNext, nonRepeaters: nr,
                    maxRepetitions: inFlightRepetitions, oids: oids)
    }

    /// Consumes the response to the last plan. `errorStatus`/`errorIndex` as in the PDU.
    public mutating func consume(_ varBinds: [VarBind], errorStatus: Int, errorIndex: Int) throws(SNMPFailure) {
        roundTrips += 1
        if roundTrips > Self.maxRoundTrips || collected.count > Self.maxCollected {
            throw SNMPFailure(.garbled, "walk did not end after \(roundTrips) responses")
        }
        if errorStatus != 0 {
            // SNMPv1 noSuchName on GETNEXT: the binding at errorIndex ran off the end of the MIB.
            guard errorStatus == 2, errorIndex >= 1, errorIndex <= inFlightScalars + inFlight.count else {
                throw SNMPFailure(.agentError, "agent returned error-status \(errorStatus) at index \(errorIndex)")
            }
            let k = errorIndex - 1
            if k >= inFlightScalars { cursors[inFlight[k - inFlightScalars]].done = true }
            else { scalars.remove(at: k); scalarsSent = false }
            return
        }
        let nr = inFlightScalars
        guard varBinds.count >= nr else {
            throw SNMPFailure(.garbled, "response carried \(varBinds.count) bindings for \(nr) scalars")
        }
        for (k, vb) in varBinds.prefix(nr).enumerated() where vb.oid == scalars[k] && !vb.value.isException {
            collected.append(vb)
        }
        let rest = varBinds.dropFirst(nr)
        let n = inFlight.count
        guard n > 0 else { return }
        if rest.isEmpty { throw SNMPFailure(.garbled, "response carried no table bindings") }
        for (j, vb) in rest.enumerated() {
            let c = inFlight[j % n]
            if j / n >= inFlightRepetitions { break }
            guard !cursors[c].done else { continue }
            if vb.value == .endOfMibView || !cursors[c].root.isPrefix(of: vb.oid) || vb.oid == cursors[c].root {
                cursors[c].done = true
                continue
            }
            if !(cursors[c].last < vb.oid) {
                nonIncreasing.append(cursors[c].root)
                cursors[c].done = true
                continue
            }
            cursors[c].last = vb.oid
            if !vb.value.isException { collected.append(vb) }
        }
    }

    /// GETNEXT of the scalar's parent returns the scalar itself (x.0).
    static func predecessor(_ oid: OID) -> OID {
        oid.arcs.count > 2 ? OID(Array(oid.arcs.dropLast())) : oid
    }
}
