/// Durations as people read them on tickets and messages.
public enum DurationText {
    /// "2h 05m 09s", "5m 03s".
    public static func hms(_ s: Int64) -> String {
        let h = s / 3600, m = s % 3600 / 60, sec = s % 60
        return h > 0 ? "\(h)h \(m < 10 ? "0" : "")\(m)m \(sec < 10 ? "0" : "")\(sec)s" : "\(m)m \(sec < 10 ? "0" : "")\(sec)s"
    }
}
