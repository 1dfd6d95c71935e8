extension WorkingCalendar {
    /// Working seconds between two instants (the same seconds availability counts as scheduled).
    public func workingSeconds(from a: EpochSeconds, to b: EpochSeconds) -> Int64 {
        b <= a ? 0 : scheduled(in: TimeRange(a, b)).total
    }

    /// The instant at which `seconds` of working time have passed since `start`; nil if the
    /// calendar has no working time in the next 400 days.
    public func instant(afterWorking seconds: Int64, from start: EpochSeconds) -> EpochSeconds? {
        var left = seconds
        var date = localDate(of: start).adding(days: -1)
        for _ in 0..<402 {
            defer { date = date.adding(days: 1) }
            guard let w = windows(on: date), w.end > start else { continue }
            let from = max(w.start, start)
            let span = w.end - from
            if left <= span { return from + left }
            left -= span
        }
        return nil
    }
}
