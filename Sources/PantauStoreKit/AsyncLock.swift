import Foundation

/// A mutual-exclusion lock for async code, granted in arrival order. An actor is reentrant:
/// while one call awaits between `BEGIN` and `COMMIT`, another call on the same actor runs, and
/// its statements would land in the first one's transaction. Holding this lock across the whole
/// transaction makes it exclusive on its connection.
public final class AsyncLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Runs `body` holding the lock; the next waiter gets it when `body` returns or throws.
    public func withLock<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let granted: Bool = mutex.withLock {
                if held { waiters.append(c); return false }
                held = true
                return true
            }
            if granted { c.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = mutex.withLock {
            if waiters.isEmpty { held = false; return nil }
            return waiters.removeFirst()  // stays held: handed to the next in line
        }
        next?.resume()
    }
}
