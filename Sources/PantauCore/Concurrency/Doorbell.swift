import Synchronization

/// Wakes a sleeping loop when work arrives for it (a trap, a finished background walk, a batch
/// on the bus), so the loop can sleep until its next due time instead of waking every tenth of
/// a second to look. A ring while nobody waits is kept for the next wait (never lost).
public final class Doorbell: Sendable {
    struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        var hook: (@Sendable () -> Void)?
    }
    let state = Mutex(State())

    public init() {}

    /// Work has arrived: wakes the waiter (or the next wait).
    public func ring() {
        let (waiter, hook) = state.withLock { s -> (CheckedContinuation<Void, Never>?, (@Sendable () -> Void)?) in
            s.rung = true
            defer { s.waiter = nil }
            return (s.waiter, s.hook)
        }
        waiter?.resume()
        hook?()
    }

    /// Clears a pending ring; true when there was one.
    @discardableResult
    public func consume() -> Bool { state.withLock { s in defer { s.rung = false }; return s.rung } }

    /// Runs `hook` on every ring (a test clock ends its sleeper at once); nil removes it.
    public func onRing(_ hook: (@Sendable () -> Void)?) { state.withLock { $0.hook = hook } }

    /// Waits for a ring (returns at once when one is pending, and consumes it) or cancellation.
    public func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.rung || Task.isCancelled { s.rung = false; return true }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
            consume()
        } onCancel: {
            let w = state.withLock { s in defer { s.waiter = nil }; return s.waiter }
            w?.resume()
        }
    }
}
