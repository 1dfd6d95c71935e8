import PantauCore
import Yams

/// Reads one YAML file as a node tree and checks shapes, reporting `file:line: path: problem`.
struct YAMLReader {
    let file: String
    let sink: DiagnosticSink
    /// The file holds secrets (the SNMP credentials): no message ever quotes a value or the text.
    var redact = false

    /// A value as messages quote it: in a file of secrets, never the value itself.
    func shown(_ s: String) -> String { redact ? "the value (not shown: this file holds secrets)" : "'\(s)'" }

    /// Parses the text; reports a syntax error with its line and returns nil.
    func compose(_ text: String) -> Node? {
        do {
            return try YAMLComposer.compose(text)
        } catch {
            sink.add(file, error.line, "(yaml)", "invalid YAML: \(error.problem)" + (redact ? "" : error.context.map { " \($0)" } ?? ""))
        }
        return nil
    }

    func line(_ node: Node?) -> Int { node?.mark?.line ?? 1 }

    /// The key/value pairs of a mapping; reports a non-mapping, unknown keys and repeated keys.
    func mapping(_ node: Node, _ path: String, allowed: Set<String>? = nil) -> [(key: String, line: Int, value: Node)]? {
        guard case .mapping(let m) = node else {
            sink.add(file, line(node), path, "expected a mapping (key: value)")
            return nil
        }
        var seen: Set<String> = []
        var out: [(key: String, line: Int, value: Node)] = []
        for (k, v) in m {
            let key = k.scalar?.string ?? "?"
            let kp = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                sink.add(file, line(k), kp, "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            if !seen.insert(key).inserted {
                sink.add(file, line(k), kp, "key given more than once")
                continue
            }
            out.append((key, line(k), v))
        }
        return out
    }

    func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            sink.add(file, line(node), path, "expected a list")
            return nil
        }
        return Array(s)
    }

    func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let s) = node else {
            sink.add(file, line(node), path, "expected a text value")
            return nil
        }
        return s.string
    }

    func nonEmptyString(_ node: Node, _ path: String) -> String? {
        guard let s = string(node, path) else { return nil }
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            sink.add(file, line(node), path, "must not be empty")
            return nil
        }
        return s
    }

    func int(_ node: Node, _ path: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let s = string(node, path) else { return nil }
        guard let v = Int(s) else {
            sink.add(file, line(node), path, "\(shown(s)) is not a whole number")
            return nil
        }
        if let range, !range.contains(v) {
            sink.add(file, line(node), path, "\(v) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return v
    }

    func double(_ node: Node, _ path: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard let s = string(node, path) else { return nil }
        guard let v = Double(s), v.isFinite else {
            sink.add(file, line(node), path, "\(shown(s)) is not a number")
            return nil
        }
        if let range, !range.contains(v) {
            sink.add(file, line(node), path, "\(redact ? "the value" : s) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return v
    }

    func stringList(_ node: Node, _ path: String) -> [(String, Int)]? {
        guard let items = sequence(node, path) else { return nil }
        var out: [(String, Int)] = []
        for (i, item) in items.enumerated() {
            if let s = string(item, "\(path)[\(i)]") { out.append((s, line(item))) }
        }
        return out
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let s = string(node, path) else { return nil }
        guard let v = E(rawValue: s) else {
            sink.add(file, line(node), path, "\(shown(s)) is not one of \(E.allCases.map(\.rawValue).joined(separator: "|"))")
            return nil
        }
        return v
    }

    /// A duration such as `30s`, `500ms`, `2m`, `1h`; a bare number is seconds. Returns milliseconds.
    func durationMs(_ node: Node, _ path: String, min: Int = 1) -> Int? {
        guard let s = string(node, path) else { return nil }
        guard let ms = Self.parseDurationMs(s) else {
            let tooLong = s.allSatisfy { $0.isNumber || $0.isLetter } && s.first?.isNumber == true && s.count > 4
            sink.add(file, line(node), path, tooLong ? "\(shown(s)) is longer than a year (or not a duration)"
                                                     : "\(shown(s)) is not a duration (e.g. 500ms, 30s, 2m, 1h)")
            return nil
        }
        guard ms >= min else {
            sink.add(file, line(node), path, "\(shown(s)) is too short (at least \(min) ms)")
            return nil
        }
        return ms
    }

    static func parseDurationMs(_ s: String) -> Int? {
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (u, mult) in units where s.hasSuffix(u) {
            let n = s.dropLast(u.count)
            if let v = Int(n), v >= 0 { return capped(v, mult) }
            if u == "s" && n.hasSuffix("m") { continue }
            return nil
        }
        if let v = Int(s), v >= 0 { return capped(v, 1000) }
        return nil
    }

    /// Durations longer than a year are no durations a probe can mean (and must not overflow).
    static let maxDurationMs = 366 * 86_400_000

    static func capped(_ v: Int, _ mult: Int) -> Int? {
        let (ms, overflow) = v.multipliedReportingOverflow(by: mult)
        return overflow || ms > maxDurationMs ? nil : ms
    }
}

/// Durations as the configuration writes them (`500ms`, `30s`, `5m`, `24h`, and `7d` for spans
/// on the command line), in milliseconds.
public enum YAMLDuration {
    public static func milliseconds(_ s: String) -> Int? {
        if s.hasSuffix("d"), let n = Int(s.dropLast()), n >= 0 { return YAMLReader.capped(n, 86_400_000) }
        return YAMLReader.parseDurationMs(s)
    }
}
