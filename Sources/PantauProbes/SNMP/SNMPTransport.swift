import PantauCore
/// One device's poll: scalars to GET and table columns to walk, with its limits.
public struct SNMPRequest: Sendable {
    /// The caller's key for this request (the device id).
    public var id: String
    public var host: String
    public var port: UInt16
    public var credentials: SNMPCredentials
    /// Scalars fetched with the first PDU (e.g. sysUpTime.0).
    public var scalars: [OID]
    /// Table columns walked together, row by row, with GETBULK (GETNEXT for SNMPv1).
    public var columns: [OID]
    /// Seconds to wait for one response before a retry.
    public var timeoutSeconds: Double
    public var retries: Int
    /// Upper bound on variable bindings per response (repetitions x columns).
    public var maxVarBinds: Int
    /// Hard bound on the whole walk, whatever the agent does.
    public var deadlineSeconds: Double
    /// A device that failed its last poll: the transport gives such walks at most a quarter of
    /// its slots and starts them after every other waiting walk, so dead devices never hold
    /// up live ones.
    public var background = false

    public init(id: String, host: String, port: UInt16 = 161, credentials: SNMPCredentials, scalars: [OID] = [],
                columns: [OID] = [], timeoutSeconds: Double = 2, retries: Int = 1, maxVarBinds: Int = 60,
                deadlineSeconds: Double? = nil) {
        self.id = id
        self.host = host
        self.port = port
        self.credentials = credentials
        self.scalars = scalars
        self.columns = columns
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
        self.maxVarBinds = maxVarBinds
        self.deadlineSeconds = deadlineSeconds ?? max(5, timeoutSeconds * Double(retries + 1) * 4)
    }
}

/// Why a device's poll failed.
public struct SNMPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case timeout, authentication, agentError = "agent-error", garbled, deadline, session
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { "\(kind.rawValue): \(message)" }
}

/// The result of one request: everything read (in OID order per column), or why not.
public struct SNMPResponse: Sendable {
    public var id: String
    public var varBinds: [VarBind]
    public var failure: SNMPFailure?
    /// PDUs exchanged (responses received).
    public var roundTrips: Int
    public var elapsedSeconds: Double

    public init(id: String, varBinds: [VarBind], failure: SNMPFailure?, roundTrips: Int, elapsedSeconds: Double) {
        self.id = id
        self.varBinds = varBinds
        self.failure = failure
        self.roundTrips = roundTrips
        self.elapsedSeconds = elapsedSeconds
    }
}

/// Carries requests to agents. `NetSNMPTransport` (net-snmp, one I/O thread) is the real one;
/// `RecordingSNMPTransport` answers from in-memory agent views for pure tests and the demo.
public protocol SNMPTransport: Sendable {
    /// Runs every request concurrently (bounded by the transport) and returns one response
    /// per request, in order. Never throws: a failed device is a response with `failure`.
    func execute(_ requests: [SNMPRequest]) async -> [SNMPResponse]
    /// The same, handing each response to `each` (any thread) as soon as it is complete, so the
    /// caller can reduce it (decode) and nothing keeps every device's raw walk at once.
    func execute(_ requests: [SNMPRequest], each: @escaping @Sendable (Int, SNMPResponse) -> Void) async
}

extension SNMPTransport {
    /// Default: run everything, then hand the responses over in order (fakes and recordings).
    public func execute(_ requests: [SNMPRequest], each: @escaping @Sendable (Int, SNMPResponse) -> Void) async {
        for (i, r) in await execute(requests).enumerated() { each(i, r) }
    }
}

/// Receives SNMP notifications (traps and informs) on an address: the trap receiver's
/// transport. net-snmp's transport implements it; tests may use a fake.
public protocol TrapListener: Sendable {
    /// Starts receiving on `address` (e.g. `udp:0.0.0.0:162`); `v3Users` pairs each sender's
    /// engine ID (hex) with its credentials. Returns the error that kept it from opening, if any.
    func listen(address: String, v3Users: [(engineID: String, credentials: SNMPCredentials)],
                onTrap: @escaping @Sendable (SNMPTrap) -> Void,
                onReject: @escaping @Sendable (SNMPTrapRejection) -> Void) async -> String?
}
