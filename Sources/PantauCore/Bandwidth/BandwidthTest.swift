/// Which way a bandwidth test measures, seen from the engine.
public enum BandwidthDirection: String, Sendable, Hashable, CaseIterable, Codable {
    /// Engine to server (iperf3's default).
    case upload
    /// Server to engine (iperf3 `-R`): what the OPD receives from the data centre when the server is at the core.
    case download
    /// One test each way, one after the other.
    case both
}

public enum BandwidthProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    case tcp, udp
}

/// One configured bandwidth test (`probes/bandwidth.yaml`): against an iperf3 server at the
/// far end of a link (or at a site).
public struct BandwidthTestSpec: Sendable, Hashable {
    /// The link (or site) id the result belongs to and whose contract it is judged against.
    public var target: String
    /// The iperf3 server: IPv4, IPv6 or a host name.
    public var server: String
    public var port: Int
    public var direction: BandwidthDirection
    public var proto: BandwidthProtocol
    public var durationSeconds: Int
    /// UDP only: the offered rate (loss and jitter are measured at it).
    public var udpRateMbps: Double?
    /// Local times of day the test is scheduled (seconds after midnight); it runs only when
    /// that moment is outside working time. Empty: on demand only.
    public var at: [Int] = []
    /// The most a scheduled test may send on this link per local month (bytes); nil: no limit.
    public var monthlyBudgetBytes: Int64?

    public init(target: String, server: String, port: Int = 5201, direction: BandwidthDirection = .both, proto: BandwidthProtocol = .tcp,
                durationSeconds: Int = 10, udpRateMbps: Double? = nil) {
        self.target = target
        self.server = server
        self.port = port
        self.direction = direction
        self.proto = proto
        self.durationSeconds = durationSeconds
        self.udpRateMbps = udpRateMbps
    }
}

/// One measured direction of one test.
/// Codable: an engine at a POP spools its results while the central store is unreachable.
public struct BandwidthResult: Sendable, Hashable, Codable {
    public var target: String
    public var at: EpochSeconds
    /// upload or download (never both).
    public var direction: BandwidthDirection
    public var proto: BandwidthProtocol
    public var server: String
    public var durationSeconds: Double
    /// What the sender pushed and what the receiver got (bits per second).
    public var senderBps: Double?
    public var receiverBps: Double?
    public var retransmits: Int?
    public var jitterMs: Double?
    public var lossPct: Double?
    /// Why there is no figure (server unreachable, refused, timed out).
    public var error: String?
    /// What arrived in each of iperf3's reporting intervals (about a second each; bits per
    /// second): the acceptance record's minimum and median. Not stored with the history.
    public var intervalsBps: [Double]? = nil

    public init(target: String, at: EpochSeconds, direction: BandwidthDirection, proto: BandwidthProtocol, server: String,
                durationSeconds: Double, senderBps: Double? = nil, receiverBps: Double? = nil, retransmits: Int? = nil,
                jitterMs: Double? = nil, lossPct: Double? = nil, error: String? = nil) {
        self.target = target
        self.at = at
        self.direction = direction
        self.proto = proto
        self.server = server
        self.durationSeconds = durationSeconds
        self.senderBps = senderBps
        self.receiverBps = receiverBps
        self.retransmits = retransmits
        self.jitterMs = jitterMs
        self.lossPct = lossPct
        self.error = error
    }

    /// The figure judged: what arrived (the receiver's view).
    public var mbps: Double? { receiverBps.map { $0 / 1_000_000 } }
    /// The slowest and the median reporting interval (Mbps), when iperf3 gave them.
    public var intervalMbps: (minimum: Double, median: Double)? {
        guard let v = intervalsBps?.sorted(), !v.isEmpty else { return nil }
        let mid = v.count / 2
        let median = v.count % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2
        return (v[0] / 1_000_000, median / 1_000_000)
    }
    /// Bytes the test put on the link (for the monthly budget).
    public var bytes: Int64 { Int64(((senderBps ?? receiverBps ?? 0) * durationSeconds / 8).rounded()) }
}

/// Settings of `probes/bandwidth.yaml`.
public struct BandwidthConfig: Sendable, Hashable {
    /// A test below this share of the contracted bandwidth counts as a shortfall.
    public var thresholdPct: Double = 80
    /// Consecutive short tests (per direction) that make a `bandwidth-below-contract` verdict.
    public var consecutive: Int = 2
    public var tests: [BandwidthTestSpec] = []
    /// A scheduled test starts up to this many seconds after its time (spreads tests of many engines).
    public var startJitterSeconds: Int = 600
    /// The installation (acceptance) test passes when each direction reaches this share of the contract.
    public var acceptancePct: Double = 90
    public init() {}
}

/// Judges the latest tests of one target and direction against its contract.
public struct BandwidthJudge: Sendable {
    public enum Verdict: Sendable, Hashable {
        /// At or above the threshold (or no contract to judge against).
        case ok
        /// Below the threshold on the latest `count` tests, fewer than needed to call it.
        case short(count: Int)
        /// Below the threshold on `consecutive` tests in a row: the contract is not met.
        case belowContract
        /// The latest test gave no figure.
        case noFigure
    }

    public let config: BandwidthConfig
    public init(config: BandwidthConfig) { self.config = config }

    /// `recent`: results of one target and direction, newest first.
    public func verdict(contractMbps: Double?, recent: [BandwidthResult]) -> Verdict {
        guard let contract = contractMbps, contract > 0, let latest = recent.first else { return .ok }
        guard latest.mbps != nil else { return .noFigure }
        let floor = contract * config.thresholdPct / 100
        var run = 0
        for r in recent {
            guard let m = r.mbps, m < floor else { break }
            run += 1
        }
        if run == 0 { return .ok }
        return run >= config.consecutive ? .belowContract : .short(count: run)
    }
}
