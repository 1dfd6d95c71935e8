import Foundation
import PantauCore

/// One bandwidth test running somewhere (the engine, `pantau bandwidth test`, another engine):
/// the links its traffic crosses, held in the store so no two tests ever share a path, whichever
/// processes run them. A lease ends when its test ends, or at `expiresAt` if its process died.
public struct BandwidthLease: Sendable, Hashable {
    public var id: String
    /// Who runs the test, for the refusal ("engine dc on host noc1, pid 4242").
    public var holder: String
    public var target: String
    /// The links the test's traffic crosses (`BandwidthPath`).
    public var links: [String]
    public var startedAt: EpochSeconds
    public var expiresAt: EpochSeconds

    public init(id: String = UUID().uuidString, holder: String, target: String, links: [String], startedAt: EpochSeconds, expiresAt: EpochSeconds) {
        self.id = id
        self.holder = holder
        self.target = target
        self.links = links
        self.startedAt = startedAt
        self.expiresAt = expiresAt
    }
}

/// The lease rules, the same on every store.
public enum BandwidthLeaseRules {
    /// The live lease among `held` that shares a link with `lease` (nil: it may be taken).
    public static func conflict(_ lease: BandwidthLease, held: [BandwidthLease], now: EpochSeconds) -> BandwidthLease? {
        let mine = Set(lease.links)
        return held.filter { $0.expiresAt > now && $0.id != lease.id && !mine.isDisjoint(with: $0.links) }
            .min { $0.startedAt < $1.startedAt }
    }

    /// Why a test may not start now, naming the running one.
    public static func refusal(_ held: BandwidthLease, shared: Set<String>, timeZone: TimeZone) -> String {
        "another bandwidth test is running on a shared path: \(held.target) by \(held.holder), since \(ISO8601.format(held.startedAt, in: timeZone)) "
            + "(at the latest until \(ISO8601.format(held.expiresAt, in: timeZone))); shared link(s): \(shared.sorted().joined(separator: ", "))"
    }

    /// The links stored in one text column.
    public static func encode(_ links: [String]) -> String { links.sorted().joined(separator: ",") }
    public static func decode(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
}
