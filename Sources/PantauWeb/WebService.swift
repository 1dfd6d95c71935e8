import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import PantauCore
import ServiceLifecycle

/// The web face as a sibling service of the engine: the HTTP(S) server and the live hub, shut
/// down with the group (open live streams end, in-flight requests finish).
public struct WebService: Service {
    let app: WebApp
    let server: HTTPServerBuilder
    let port: Int
    let onListening: @Sendable (Int) -> Void
    let onFailure: @Sendable (String) -> Void

    /// - Parameter port: overrides the configured port (the demo serves on after its scenario on the port it had).
    /// - Parameter onListening: called with the bound port once the server accepts connections
    ///   (port 0 in the configuration picks a free one).
    /// - Throws: `PantauError` when the TLS certificate or key cannot be read.
    /// - Parameter onFailure: called with the reason when the server cannot start (e.g. the port is
    ///   taken); the engine goes on without its web face.
    public init(app: WebApp, port: Int? = nil, onFailure: @escaping @Sendable (String) -> Void = { _ in },
                onListening: @escaping @Sendable (Int) -> Void = { _ in }) throws {
        self.app = app
        self.onFailure = onFailure
        self.port = port ?? app.config.port
        self.onListening = onListening
        server = try Self.server(app.config, limits: app.connectionLimits)
    }

    /// A connection that sends no complete request for this long is closed (a request head
    /// trickled byte by byte, a keep-alive left open); a live stream in progress is not idle.
    public static let idleTimeout: TimeAmount = .seconds(20)

    /// HTTP/1.1, or HTTPS only when a certificate and key are configured; with the idle timeout
    /// and the connection caps (`ConnectionLimits`) either way.
    static func server(_ config: WebConfig, limits: ConnectionLimits) throws -> HTTPServerBuilder {
        let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ConnectionLimiter(limits)], idleTimeout: idleTimeout))
        guard let certFile = config.certificateFile, let keyFile = config.keyFile else { return http1 }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            return try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw PantauError(.invalidConfiguration, operation: "loading the web face's TLS certificate", subject: "\(certFile), \(keyFile)",
                              message: "\(error) (PEM files readable by the pantau user are needed)")
        }
    }

    public func run() async throws {
        let host = app.config.host ?? "127.0.0.1"
        var logger = app.logger
        if logger.logLevel < .warning { logger.logLevel = .warning }
        let application = Application(
            router: app.router(),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            services: [app.hub],
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        app.hub.open()
        // Live streams never end by themselves: close them first, then the server can finish.
        do {
            try await withGracefulShutdownHandler {
                try await application.run()   // a service of the engine's group: no signal handling of its own
            } onGracefulShutdown: {
                app.logger.info("web face shutting down", metadata: ["live_streams": "\(app.hub.clientCount)"])
                app.hub.close()
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // A web face that cannot start (the port is taken, the address is not this host's)
            // must not stop the probing: say why, and wait for the engine to stop.
            let why = "\(error)".contains("Address already in use") ? "\(host):\(port) is already in use" : "\(error)"
            onFailure("the dashboard could not start on \(host):\(port): \(why); probing goes on (set web.listen in probes/web.yaml, or off)")
            app.hub.close()
            try? await gracefulShutdown()
        }
    }
}
