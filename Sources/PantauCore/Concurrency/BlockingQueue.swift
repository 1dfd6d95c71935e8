import Dispatch
import Foundation

/// Where blocking work runs instead of Swift's cooperative pool (two threads on a 2-core NOC
/// server, shared by every service): a CPU-heavy hash (bcrypt), a subprocess waited for
/// (WeasyPrint), an fsync'd write (the spool), a capture thread joined on stop. Each call hops
/// to a Dispatch queue and resumes the caller when the work is done.
public struct BlockingQueue: Sendable {
    let queue: DispatchQueue

    /// `serial`: the calls run one at a time, in the order they were made (a spool file).
    public init(label: String, serial: Bool = false) {
        queue = serial ? DispatchQueue(label: label) : DispatchQueue(label: label, attributes: .concurrent)
    }

    /// For work with no order to keep (hashes, subprocesses).
    public static let shared = BlockingQueue(label: "pantau.blocking")

    /// Runs `body` on the queue; the calling task waits without holding a cooperative thread.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            queue.async {
                do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
            }
        }
    }

    /// `run` for work that cannot fail.
    public func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
            queue.async { c.resume(returning: body()) }
        }
    }
}
