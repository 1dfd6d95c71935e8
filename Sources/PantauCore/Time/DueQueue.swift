/// Due times of many targets in a binary heap: the next due time is read in O(1) and the due
/// ones taken in O(k log n), so a poller with thousands of devices never scans them all to
/// find out that nothing is due. Each target has one due time; rescheduling replaces it (the
/// older heap entry is skipped when it surfaces).
public struct DueQueue<ID: Hashable & Sendable>: Sendable {
    struct Entry: Sendable {
        var at: Double
        var seq: Int
        var id: ID
        func before(_ o: Entry) -> Bool { at < o.at || (at == o.at && seq < o.seq) }
    }
    var heap: [Entry] = []
    var scheduled: [ID: (at: Double, seq: Int)] = [:]
    var seq = 0

    public init() {}

    /// The target's due time, if it has one.
    public func due(_ id: ID) -> Double? { scheduled[id]?.at }

    /// Targets with a due time.
    public var count: Int { scheduled.count }

    /// Sets (or replaces) the target's due time.
    public mutating func schedule(_ id: ID, at: Double) {
        seq += 1
        scheduled[id] = (at, seq)
        push(Entry(at: at, seq: seq, id: id))
        // Replaced entries pile up when targets are rescheduled often: rebuild past twice the live ones.
        if heap.count > 64, heap.count > 2 * scheduled.count { rebuild() }
    }

    /// Removes the target's due time.
    public mutating func cancel(_ id: ID) { scheduled[id] = nil }

    /// The earliest due time (nil: nothing scheduled).
    public mutating func next() -> Double? {
        dropStale()
        return heap.first?.at
    }

    /// Takes every target due at or before `t`, earliest first (they lose their due time).
    public mutating func take(through t: Double) -> [ID] {
        var out: [ID] = []
        while true {
            dropStale()
            guard let top = heap.first, top.at <= t else { break }
            popTop()
            scheduled[top.id] = nil
            out.append(top.id)
        }
        return out
    }

    mutating func dropStale() {
        while let top = heap.first, scheduled[top.id].map({ $0.seq != top.seq }) ?? true { popTop() }
    }

    mutating func rebuild() {
        heap = scheduled.map { Entry(at: $0.value.at, seq: $0.value.seq, id: $0.key) }
        heap.sort { $0.before($1) }  // a sorted array is a heap
    }

    mutating func push(_ e: Entry) {
        heap.append(e)
        var k = heap.count - 1
        while k > 0 {
            let p = (k - 1) / 2
            guard heap[k].before(heap[p]) else { break }
            heap.swapAt(k, p)
            k = p
        }
    }

    mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var k = 0
        while true {
            let l = 2 * k + 1, r = l + 1
            var m = k
            if l < heap.count, heap[l].before(heap[m]) { m = l }
            if r < heap.count, heap[r].before(heap[m]) { m = r }
            guard m != k else { break }
            heap.swapAt(k, m)
            k = m
        }
    }
}
