import ArgumentParser
import Foundation
import Logging
import PantauCore
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauPostgres
import ServiceLifecycle

/// What the central processes (`correlate`, `web`) share: the store, how long to run, the log
/// level, how long a silent engine counts.
struct CentralOptions: ParsableArguments {
    @OptionGroup var location: LocationOptions

    @Option(help: "Stop by itself after this many seconds (default: run until stopped).")
    var seconds: Double?

    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .warning

    @Option(help: "Seconds after its last heartbeat that a silent engine still counts (default 180).")
    var liveWithin: Int64 = PostgresStore.defaultLiveWithin

    /// The central store named by `--db` / `$PANTAU_DB`, connected as `role`; `why` explains a missing one.
    func openStore(_ command: ParsableCommand.Type, role: String, logger: Logger, why: String) async throws -> (PostgresStore, PostgresLocation) {
        guard let url = location.storeAddress, PostgresLocation.isURL(url) else {
            throw usageError(command, why + ": --db postgresql://USER@HOST:PORT/DATABASE")
        }
        let pgLocation = try failing { try PostgresLocation(url) }
        let store = try await failingAsync { try await PostgresStore.open(pgLocation, engine: role, logger: logger) }
        await store.setLiveWithin(liveWithin)
        return (store, pgLocation)
    }

    /// Runs `services` until SIGTERM/SIGINT (or `--seconds`), then closes the store; a service's
    /// error ends the process non-zero (a supervisor restarts it).
    func run(_ services: [ServiceGroupConfiguration.ServiceConfiguration], store: PostgresStore, clock: any WallClock, logger: Logger,
             what: String) async throws {
        var services = services
        if let seconds { services.append(.init(service: StopAfter(seconds: seconds, clock: clock), successTerminationBehavior: .gracefullyShutdownGroup)) }
        var group = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(10)
        do { try await ServiceGroup(configuration: group).run() } catch {
            await store.close()
            printErr("pantau: \(what) stopped: \(error)")
            throw ExitCode(1)
        }
        await store.close()
    }
}
