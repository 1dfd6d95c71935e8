import PantauCore

/// What every store keeps of the measurements, and at which resolutions.
public enum RetentionRules {
    /// Rollup resolutions written live: 5-minute and hourly buckets (`prune` compacts and drops them).
    public static let rollupResolutions: [Int64] = [300, 3600]
}
