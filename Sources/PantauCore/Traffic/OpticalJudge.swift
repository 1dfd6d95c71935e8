/// How healthy a port's received light is.
public enum OpticalLevel: String, Sendable, Hashable, Comparable {
    case ok, warning, alarm

    public static func < (a: OpticalLevel, b: OpticalLevel) -> Bool {
        let order: [OpticalLevel] = [.ok, .warning, .alarm]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// The judgement of one optical reading, with its reasons.
public struct OpticalVerdict: Sendable, Hashable {
    public var level: OpticalLevel
    public var reasons: [String]
    public init(level: OpticalLevel, reasons: [String]) {
        self.level = level
        self.reasons = reasons
    }
}

/// Judges rx power: the device's thresholds when it has them (else the configured defaults),
/// and a drop of `dropDb` or more against the port's baseline median is a degradation.
/// Only meaningful while the port is oper-up (a down port has no light to judge).
public enum OpticalJudge {
    public static func judge(rxDbm: Double?, lossOfSignal: Bool?, deviceLowAlarm: Double?, deviceLowWarn: Double?,
                             baselineMedianDbm: Double?, thresholds: OpticalThresholds) -> OpticalVerdict {
        var level = OpticalLevel.ok
        var reasons: [String] = []
        if lossOfSignal == true {
            return OpticalVerdict(level: .alarm, reasons: ["loss of signal"])
        }
        guard let rx = rxDbm else { return OpticalVerdict(level: .ok, reasons: []) }
        let alarm = deviceLowAlarm ?? thresholds.rxLowAlarmDbm
        let warn = deviceLowWarn ?? (deviceLowAlarm.map { $0 + 2 } ?? thresholds.rxLowWarnDbm)
        let src = deviceLowAlarm != nil ? "device" : "default"
        if rx < alarm {
            level = .alarm
            reasons.append(String(format2(rx)) + " dBm below the \(src) alarm level \(format2(alarm)) dBm")
        } else if rx < warn {
            level = .warning
            reasons.append(format2(rx) + " dBm below the warning level \(format2(warn)) dBm")
        }
        if let base = baselineMedianDbm, base - rx >= thresholds.dropDb {
            level = max(level, .warning)
            reasons.append("\(format2(base - rx)) dB below the \(thresholds.baselineDays)-day median \(format2(base)) dBm")
        }
        return OpticalVerdict(level: level, reasons: reasons)
    }

    static func format2(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) + ".00" : String(r)
    }
}
