import Logging
import PantauCore
import ServiceLifecycle

/// Watches the system clock against the engine's timeline (`SteadyClock`) once a second: a step
/// is logged with its size and written to the health file, so `pantau status` and the dashboard
/// say that Pantau's stamps now differ from the system clock, by how much, and that a restart
/// realigns them. Nothing recorded changes: the timeline never steps.
public struct ClockWatch: Service {
    let clock: SteadyClock
    let recorder: HistoryRecorder
    let logger: Logger
    let every: Double

    public init(clock: SteadyClock, recorder: HistoryRecorder, logger: Logger, every: Double = 1) {
        self.clock = clock
        self.recorder = recorder
        self.logger = logger
        self.every = every
    }

    public func run() async throws {
        var next = clock.monotonic()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if let step = clock.checkStep() { note(step) }
            next += every
            let until = next
            do {
                try await cancelWhenGracefulShutdown { try await clock.sleep(untilMonotonic: until) }
            } catch {
                return
            }
        }
    }

    func note(_ step: SteadyClock.Step) {
        if abs(step.offset) <= clock.tolerance {
            logger.notice("the system clock agrees with the engine's timeline again", metadata: ["offset_s": "\(Self.rounded(step.offset))"])
            recorder.noteClockStep(nil)
        } else {
            logger.warning("the system clock stepped; the engine keeps its monotonic timeline (no recorded interval is erased or stretched, timers keep real time); its stamps differ from the system clock until the engine is restarted",
                           metadata: ["offset_s": "\(Self.rounded(step.offset))"])
            recorder.noteClockStep(step)
        }
    }

    static func rounded(_ x: Double) -> Double { (x * 10).rounded() / 10 }
}
