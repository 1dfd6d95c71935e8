import PantauCore
import Yams

/// Parses `probes/retention.yaml`: how many days each kind of measurement is kept.
///
/// ```yaml
/// retention:
///   fine_days: 8          # 5-minute ICMP and traffic rollups
///   hourly_days: 35       # hourly rollups, then compacted to daily
///   daily_days: 400       # daily rollups (12-month trends)
///   optical_days: 14      # hourly optical averages (the 7-day baseline needs a week)
///   trap_rejection_days: 35
///   delivered_outbox_days: 90
/// ```
struct RetentionParser {
    let reader: YAMLReader

    nonisolated(unsafe) static let keys: [String: WritableKeyPath<RetentionPolicy, Int>] = [
        "fine_days": \.fineDays, "hourly_days": \.hourlyDays, "daily_days": \.dailyDays, "optical_days": \.opticalDays,
        "trap_rejection_days": \.trapRejectionDays, "delivered_outbox_days": \.deliveredOutboxDays,
    ]

    func parse(_ text: String) -> RetentionPolicy? {
        let r = reader
        guard let root = r.compose(text), let top = r.mapping(root, "", allowed: ["retention"]) else { return nil }
        var policy = RetentionPolicy()
        for (_, _, node) in top {
            for (key, _, v) in r.mapping(node, "retention", allowed: Set(Self.keys.keys)) ?? [] {
                if let n = r.int(v, "retention.\(key)", range: 1...36_500), let kp = Self.keys[key] { policy[keyPath: kp] = n }
            }
        }
        if policy.hourlyDays < policy.fineDays {
            r.sink.add(r.file, 1, "retention.hourly_days", "must be at least fine_days (\(policy.fineDays)): hourly rollups are compacted from the fine ones' era")
        }
        if policy.opticalDays < 8 {
            r.sink.add(r.file, 1, "retention.optical_days", "must be at least 8: the optical baseline is a 7-day median")
        }
        return policy
    }
}
