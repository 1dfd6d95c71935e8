import Logging
import PantauCore
import PantauProbes
import ServiceLifecycle

/// The trap receiver as a sibling service: listens for linkDown/linkUp notifications and
/// hands each to the SNMP poller, which owns the link state machines (a trap is applied at
/// once; the next poll confirms or corrects it). Rejected senders are counted there.
public final class TrapReceiverService: Service, Sendable {
    let listener: any TrapListener
    let address: String
    let v3Users: [(engineID: String, credentials: SNMPCredentials)]
    let poller: SNMPPoller
    let logger: Logger
    let onOpen: @Sendable (String?) -> Void

    /// `onOpen` is told whether listening worked (nil) or why not (polling goes on either way).
    public init(listener: any TrapListener, address: String, credentials: [String: SNMPCredentials], poller: SNMPPoller,
                logger: Logger, onOpen: @escaping @Sendable (String?) -> Void = { _ in }) {
        self.listener = listener
        self.address = address
        v3Users = credentials.values.compactMap { c in c.engineID.map { (engineID: $0, credentials: c) } }
        self.poller = poller
        self.logger = logger
        self.onOpen = onOpen
    }

    public func run() async throws {
        let poller = self.poller
        let error = await listener.listen(address: address, v3Users: v3Users, onTrap: { poller.enqueue($0) },
                                          onReject: { poller.enqueue($0) })
        if let error { logger.error("trap receiver could not listen; polling continues", metadata: ["address": "\(address)", "error": "\(error)"]) }
        onOpen(error)
        // Receive until the engine shuts down (the transport closes its sockets when released).
        try? await gracefulShutdown()
    }
}
