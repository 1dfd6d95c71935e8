import Foundation
import PantauCore

/// What an import did.
public struct ImportOutcome: Sendable, Hashable {
    public var added: Int
    public var alreadyPresent: Int

    public init(added: Int, alreadyPresent: Int) {
        self.added = added
        self.alreadyPresent = alreadyPresent
    }
}

/// The import was refused; nothing was written.
public struct ImportErrors: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The whole state history as stored, to move it to another store (`pantau migrate`).
public struct HistoryExport: Sendable {
    public struct Source: Sendable, Hashable {
        public var id: Int64
        public var kind: String
        public var engine: String
        public var prober: String?
        public var startedAt: EpochSeconds
        public var lastSeen: EpochSeconds
        public var endedAt: EpochSeconds?
        public var endReason: String?
        public var detail: String
        public init(id: Int64, kind: String, engine: String, prober: String?, startedAt: EpochSeconds, lastSeen: EpochSeconds,
                    endedAt: EpochSeconds?, endReason: String?, detail: String) {
            self.id = id
            self.kind = kind
            self.engine = engine
            self.prober = prober
            self.startedAt = startedAt
            self.lastSeen = lastSeen
            self.endedAt = endedAt
            self.endReason = endReason
            self.detail = detail
        }
    }
    public struct Interval: Sendable, Hashable {
        public var target: String
        public var state: TargetState
        public var from: EpochSeconds
        public var to: EpochSeconds?
        public var source: Int64
        public init(target: String, state: TargetState, from: EpochSeconds, to: EpochSeconds?, source: Int64) {
            self.target = target
            self.state = state
            self.from = from
            self.to = to
            self.source = source
        }
    }
    public var sources: [Source]
    public var intervals: [Interval]

    public init(sources: [Source], intervals: [Interval]) {
        self.sources = sources
        self.intervals = intervals
    }

    /// The span the history covers (nil when empty).
    public var span: TimeRange? {
        guard let lo = intervals.map(\.from).min() else { return nil }
        let hi = max(intervals.compactMap(\.to).max() ?? lo, sources.map { $0.endedAt ?? $0.lastSeen }.max() ?? lo)
        return hi > lo ? TimeRange(lo, hi) : nil
    }
}
