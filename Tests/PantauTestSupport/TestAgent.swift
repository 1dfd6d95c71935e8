import Foundation

/// A real SNMP agent for tests: net-snmp's `snmpd` in the foreground with its own config and
/// state folder, listening only on loopback (or inside a namespace the test created).
public final class SNMPDAgent: @unchecked Sendable {
    public static let community = "pantau-test-ro"
    public static let v3User = "pantau-v3"
    public static let v3AuthPassword = "auth-secret-123"
    public static let v3PrivPassword = "priv-secret-456"
    public static let v3User256 = "pantau-v3-256"

    public let directory: URL
    public let port: UInt16
    public let addresses: [String]
    let process: Spawned

    /// True when `snmpd` is installed (CI installs it; a bare machine may not have it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/snmpd") }

    /// Starts snmpd on `addresses` (loopback) and `port`; `namespace` runs it inside `ip netns`.
    public init(addresses: [String] = ["127.0.0.1"], port: UInt16 = SNMPDAgent.freePort(), namespace: String? = nil,
                extraConfig: String = "") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-snmpd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.port = port
        self.addresses = addresses
        let conf = """
        rocommunity \(Self.community) default
        createUser \(Self.v3User) SHA "\(Self.v3AuthPassword)" AES "\(Self.v3PrivPassword)"
        createUser \(Self.v3User256) SHA-256 "\(Self.v3AuthPassword)" AES "\(Self.v3PrivPassword)"
        rouser \(Self.v3User) priv
        rouser \(Self.v3User256) priv
        sysName pantau-test-agent
        \(extraConfig)
        """
        try conf.write(to: directory.appendingPathComponent("snmpd.conf"), atomically: true, encoding: .utf8)
        var args = ["-f", "-Lf", directory.appendingPathComponent("snmpd.log").path, "-C",
                    "-c", directory.appendingPathComponent("snmpd.conf").path,
                    "-p", directory.appendingPathComponent("snmpd.pid").path]
        args += addresses.map { "udp:\($0):\(port)" }
        let argv = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0, "/usr/sbin/snmpd"] } ?? ["/usr/sbin/snmpd"]
        process = try Spawned(argv + args, env: ["SNMP_PERSISTENT_DIR": directory.path, "MIBS": ""])
        try waitUntilAnswering(namespace: namespace)
    }

    /// Waits until the agent answers a GET (at most 10 s).
    func waitUntilAnswering(namespace: String?) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            var cmd = ["/usr/bin/snmpget", "-v2c", "-c", Self.community, "-t", "0.3", "-r", "0", "-On",
                       "udp:\(addresses[0]):\(port)", "1.3.6.1.2.1.1.3.0"]
            if let ns = namespace { cmd = ["/usr/sbin/ip", "netns", "exec", ns] + cmd }
            if (try? Shell.run(cmd))?.status == 0 { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("snmpd.log"), encoding: .utf8)) ?? ""
        throw TestAgentError(message: "snmpd did not answer on \(addresses[0]):\(port); log:\n\(log)")
    }

    /// Stops the agent (SIGKILL when `hard`, like a crashed or unplugged device).
    public func stop(hard: Bool = false) {
        guard process.isRunning else { return }
        process.signal(hard ? SIGKILL : SIGTERM)
        process.wait()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A UDP port that nothing on loopback is bound to right now.
    /// A UDP port on 127.0.0.1 free at the time of asking, chosen below the kernel's ephemeral
    /// range (32768-60999 on Linux) so no socket of this process (net-snmp sessions, URLSession)
    /// can be handed the same port between the asking and the binding.
    public static func freePort() -> UInt16 {
        for _ in 0..<50 {
            let p = UInt16.random(in: 20_000...32_000)
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = p.bigEndian
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if ok == 0 { return p }
        }
        return 39_161
    }
}

/// UDP ports on 127.0.0.1 bound and never read: an "agent" that is there and never answers
/// (a hung snmpd, a filtered port). Holding the ports keeps anyone else from answering on them.
public final class SilentUDPPorts: @unchecked Sendable {
    public private(set) var ports: [UInt16] = []
    private var fds: [Int32] = []

    public init(count: Int) {
        while fds.count < count {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            guard ok == 0 else { close(fd); continue }
            fds.append(fd)
            ports.append(UInt16(bigEndian: addr.sin_port))
        }
    }

    deinit { fds.forEach { close($0) } }
}

public struct TestAgentError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Runs a command and captures its output.
public enum Shell {
    public struct Result { public var status: Int32; public var output: String }

    /// Runs `argv` to completion and returns its exit code and output.
    @discardableResult
    public static func run(_ argv: [String]) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-shell-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let p = try Spawned(argv, output: url.path)
        let status = p.wait()
        let data = (try? Data(contentsOf: url)) ?? Data()
        return Result(status: status, output: String(decoding: data, as: UTF8.self))
    }
}
