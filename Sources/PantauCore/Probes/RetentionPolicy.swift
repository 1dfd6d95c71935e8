/// How long each kind of measurement is kept (`probes/retention.yaml`). State history and
/// tickets are never pruned: availability and reports are computed from them.
///
/// Rollups are compacted on the way out: 5-minute buckets older than their retention become
/// hourly ones, hourly ones become daily ones, so a year of trend costs little.
public struct RetentionPolicy: Sendable, Hashable {
    /// ICMP and link 5-minute rollups (charts of the last days).
    public var fineDays: Int = 8
    /// Hourly rollups (charts of the last weeks).
    public var hourlyDays: Int = 35
    /// Daily rollups (12-month trends in the monthly report).
    public var dailyDays: Int = 400
    /// Hourly optical averages (the 7-day median baseline needs a week).
    public var opticalDays: Int = 14
    /// Per-minute summaries of rejected traps.
    public var trapRejectionDays: Int = 35
    /// Delivered notifications (undelivered ones are never pruned).
    public var deliveredOutboxDays: Int = 90
    /// Top-talker lists of the traffic capture (host pairs: kept briefly, for privacy). Per-OPD
    /// traffic is kept per minute for `fineDays`, per hour for `dailyDays`.
    public var topTalkerSeconds: Int64 = 86_400

    public init() {}

    /// Seconds per day.
    public static let day: Int64 = 86_400
}
