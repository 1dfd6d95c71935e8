import NIOCore
import Synchronization

/// Caps the dashboard's open connections, per client address and in total, so idle or
/// half-open connections from one host (a scanner, a slowloris, a broken client) can never take
/// every file descriptor of the engine's process: a connection over a cap is closed as soon as
/// it is accepted. Shared by every connection of one server.
public final class ConnectionLimits: Sendable {
    public let perAddress: Int
    public let total: Int
    let open = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))
    /// Connections refused so far (for /metrics and tests).
    let refusedCount = Mutex(0)

    public init(perAddress: Int = 256, total: Int = 4096) {
        self.perAddress = perAddress
        self.total = total
    }

    public var refused: Int { refusedCount.withLock { $0 } }
    public var current: Int { open.withLock { $0.total } }

    /// True when a connection from `address` may open (and it is counted).
    func admit(_ address: String) -> Bool {
        let ok = open.withLock { o -> Bool in
            guard o.total < total, o.byAddress[address, default: 0] < perAddress else { return false }
            o.total += 1
            o.byAddress[address, default: 0] += 1
            return true
        }
        if !ok { refusedCount.withLock { $0 += 1 } }
        return ok
    }

    func release(_ address: String) {
        open.withLock { o in
            o.total -= 1
            let n = o.byAddress[address, default: 1] - 1
            o.byAddress[address] = n > 0 ? n : nil
        }
    }
}

/// The per-connection side of `ConnectionLimits`.
final class ConnectionLimiter: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    let limits: ConnectionLimits
    var counted: String?

    init(_ limits: ConnectionLimits) { self.limits = limits }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.remoteAddress?.ipAddress ?? "?"
        if limits.admit(address) {
            counted = address
            context.fireChannelActive()
        } else {
            context.close(promise: nil)
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Added to a channel that is already active: count it now.
        if context.channel.isActive, counted == nil { channelActive(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let a = counted {
            limits.release(a)
            counted = nil
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }
}
