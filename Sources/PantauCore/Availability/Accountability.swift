/// Who answers for an outage once its cause is known (the Berita Acara's closing cause).
public enum AccountableParty: String, Sendable, Hashable, CaseIterable, Codable {
    /// Diskominfo's network: its fibre, its devices, its contracted uplinks.
    case diskominfo
    /// The OPD itself: its power, its own equipment, its building.
    case opd
    /// Nobody on either side: the grid (PLN), natural disasters, force majeure.
    case external
}

/// A cause an officer records when closing a ticket, and whom it counts against.
public struct ClosingCause: Sendable, Hashable, Codable {
    /// Short code typed on the command line (`--cause opd-power`).
    public var code: String
    /// Bahasa Indonesia wording for reports.
    public var textID: String
    /// English wording.
    public var textEN: String
    public var party: AccountableParty

    public init(code: String, textID: String, textEN: String, party: AccountableParty) {
        self.code = code
        self.textID = textID
        self.textEN = textEN
        self.party = party
    }

    enum CodingKeys: String, CodingKey { case code, textID = "text_id", textEN = "text_en", party }
}

/// The closing causes an office uses and whom each counts against (`probes/report.yaml`,
/// `accountability:`). A ticket closed without a cause, or with a code no longer listed,
/// counts against Diskominfo: excusing time needs a recorded reason.
public struct AccountabilityPolicy: Sendable, Hashable {
    public var causes: [ClosingCause]

    public init(causes: [ClosingCause] = AccountabilityPolicy.defaultCauses) { self.causes = causes }

    public func cause(_ code: String?) -> ClosingCause? { code.flatMap { c in causes.first { $0.code == c } } }

    /// The party a closing cause puts the outage on; Diskominfo when unknown or missing.
    public func party(of code: String?) -> AccountableParty { cause(code)?.party ?? .diskominfo }

    /// The documented default (docs/report.md).
    public static let defaultCauses: [ClosingCause] = [
        ClosingCause(code: "fo-cut", textID: "FO putus (galian, tiang roboh, gigitan hewan)",
                     textEN: "fibre cut (excavation, fallen pole, rodents)", party: .diskominfo),
        ClosingCause(code: "diskominfo-device", textID: "perangkat jaringan Diskominfo rusak/hang",
                     textEN: "Diskominfo network device failed or hung", party: .diskominfo),
        ClosingCause(code: "configuration", textID: "kesalahan konfigurasi jaringan",
                     textEN: "network configuration error", party: .diskominfo),
        ClosingCause(code: "isp", textID: "gangguan penyedia layanan (ISP) kontrak Diskominfo",
                     textEN: "outage of an ISP contracted by Diskominfo", party: .diskominfo),
        ClosingCause(code: "opd-power", textID: "listrik OPD padam / perangkat belum dinyalakan",
                     textEN: "OPD power off or device not switched back on", party: .opd),
        ClosingCause(code: "opd-equipment", textID: "perangkat milik OPD (switch/kabel LAN OPD)",
                     textEN: "OPD-owned equipment (OPD switch or LAN cabling)", party: .opd),
        ClosingCause(code: "opd-relocation", textID: "renovasi/pindah gedung OPD",
                     textEN: "OPD renovation or relocation", party: .opd),
        ClosingCause(code: "pln-outage", textID: "pemadaman PLN di wilayah", textEN: "regional grid (PLN) outage", party: .external),
        ClosingCause(code: "force-majeure", textID: "bencana alam / keadaan kahar", textEN: "natural disaster / force majeure",
                     party: .external),
    ]
}

/// The availability of one site as Diskominfo is accountable for it: outage time whose ticket
/// was closed with a cause outside Diskominfo's responsibility is *excused* and, like
/// maintenance, leaves the denominator.
public struct AccountableAvailability: Sendable, Hashable {
    /// Down and unreachable seconds inside an excusing ticket's outage (scheduled time only).
    public var excused: IntervalSet
    public var upSeconds: Int64
    public var scheduledSeconds: Int64
    public var maintenanceSeconds: Int64
    public var unknownSeconds: Int64
    public var targetPct: Double

    public var excusedSeconds: Int64 { excused.total }
    /// `up / (scheduled - maintenance - excused)`.
    public var availability: Ratio? { Ratio(upSeconds, scheduledSeconds - maintenanceSeconds - excusedSeconds) }
    /// `up / (scheduled - maintenance - unknown - excused)`.
    public var knownAvailability: Ratio? {
        Ratio(upSeconds, scheduledSeconds - maintenanceSeconds - unknownSeconds - excusedSeconds)
    }
    public var meetsTarget: Bool? { knownAvailability.map { $0.percentAtLeast(targetPct) } }
}

extension AvailabilityResult {
    /// The accountable figures given the outage windows of tickets closed with a cause that
    /// is not Diskominfo's: only down or unreachable seconds inside those windows are excused
    /// (up, unknown and maintenance time stay what they were).
    public func accountable(excusedWindows: [TimeRange]) -> AccountableAvailability {
        let excused = down.union(unreachable).intersection(IntervalSet(excusedWindows))
        return AccountableAvailability(excused: excused, upSeconds: upSeconds, scheduledSeconds: scheduledSeconds,
                                       maintenanceSeconds: maintenanceSeconds, unknownSeconds: unknownSeconds, targetPct: targetPct)
    }

    /// The same classification restricted to `window` (e.g. one local day).
    public func clamped(to window: TimeRange) -> AvailabilityResult {
        AvailabilityResult(target: target, span: window, scheduled: scheduled.clamped(to: window),
                           maintenance: maintenance.clamped(to: window), up: up.clamped(to: window), down: down.clamped(to: window),
                           unreachable: unreachable.clamped(to: window), unknown: unknown.clamped(to: window), targetPct: targetPct)
    }
}
