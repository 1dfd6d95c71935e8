import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The web face as a sibling service of the engine: the HTTP server and the live hub, shut down
/// with the group (open live streams end, in-flight requests finish).
public struct WebService: Service {
    let app: WebApp
    let onListening: @Sendable (Int) -> Void

    /// - Parameter onListening: called with the bound port once the server accepts connections
    ///   (port 0 in the configuration picks a free one).
    public init(app: WebApp, onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.app = app
        self.onListening = onListening
    }

    public func run() async throws {
        let host = app.config.host ?? "127.0.0.1"
        var logger = app.logger
        logger.logLevel = min(logger.logLevel, .warning) == logger.logLevel ? logger.logLevel : .warning
        let application = Application(
            router: app.router(),
            configuration: .init(address: .hostname(host, port: app.config.port), serverName: nil),
            services: [app.hub],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.runService()
    }
}
