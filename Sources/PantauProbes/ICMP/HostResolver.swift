#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import PantauCore

/// Why a host name did not resolve, in the resolver's words.
public struct ResolutionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Turns a site's host name into an address to ping. `SystemHostResolver` is the real one
/// (the host's resolver: /etc/hosts, DNS); `StaticHostResolver` stands in for tests and the demo.
public protocol HostResolver: Sendable {
    /// 4 bytes (IPv4, preferred when a name has both) or 16 bytes (IPv6).
    func resolve(_ name: String) async -> Result<[UInt8], ResolutionFailure>
}

/// getaddrinfo(3) on a dispatch queue: the blocking call never occupies Swift's cooperative threads.
public struct SystemHostResolver: HostResolver {
    public init() {}

    static let queue = DispatchQueue(label: "pantau.resolve", attributes: .concurrent)

    public func resolve(_ name: String) async -> Result<[UInt8], ResolutionFailure> {
        await withCheckedContinuation { cont in
            Self.queue.async { cont.resume(returning: Self.lookup(name)) }
        }
    }

    static func lookup(_ name: String) -> Result<[UInt8], ResolutionFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_ADDRCONFIG
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(name, nil, &hints, &res)
        guard rc == 0, let first = res else { return .failure(ResolutionFailure(String(cString: gai_strerror(rc)))) }
        defer { freeaddrinfo(first) }
        var v4: [UInt8]?, v6: [UInt8]?
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            if a.pointee.ai_family == AF_INET, v4 == nil, let sa = a.pointee.ai_addr {
                v4 = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { s in withUnsafeBytes(of: s.pointee.sin_addr) { Array($0) } }
            } else if a.pointee.ai_family == AF_INET6, v6 == nil, let sa = a.pointee.ai_addr {
                v6 = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { s in withUnsafeBytes(of: s.pointee.sin6_addr) { Array($0) } }
            }
            p = a.pointee.ai_next
        }
        guard let found = v4 ?? v6 else { return .failure(ResolutionFailure("no IPv4 or IPv6 address")) }
        return .success(found)
    }
}

/// A fixed table (tests, the demo): a name missing from it does not resolve.
public struct StaticHostResolver: HostResolver {
    public let table: [String: [UInt8]]
    public init(_ table: [String: [UInt8]]) { self.table = table }
    public func resolve(_ name: String) async -> Result<[UInt8], ResolutionFailure> {
        table[name].map { .success($0) } ?? .failure(ResolutionFailure("Name or service not known"))
    }
}
