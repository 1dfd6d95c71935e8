import Foundation

/// A PostgreSQL server of the test's own, from Debian's packages: a fresh cluster in a temp
/// directory, listening on 127.0.0.1 only, on a free port, trusting loopback (test data only).
/// Stopped by `stop()` with `pg_ctl stop` on its own data directory: no host service is touched.
/// As root, the cluster runs as the `postgres` system user (PostgreSQL refuses to run as root).
public final class PostgresServer: @unchecked Sendable {
    public let port: Int
    public let dataDirectory: String
    public let bin: String
    let asUser: [String]
    /// `ip netns exec NS` when the server runs inside a test's network namespace.
    let inNamespace: [String]
    let listen: [String]

    /// The Debian binaries (`/usr/lib/postgresql/VERSION/bin`), or nil when PostgreSQL is not installed.
    public static var binaries: String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return versions.map { "\(base)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }

    /// `postgresql://pantau@127.0.0.1:PORT/pantau`
    public var url: String { "postgresql://pantau@127.0.0.1:\(port)/pantau" }

    /// `namespace`: run inside that network namespace (the test's own), listening on `listen`
    /// (its addresses there) and trusting 198.18.0.0/15, the test networks' range.
    public init(namespace: String? = nil, listen: [String] = ["127.0.0.1"]) throws {
        guard let bin = Self.binaries else {
            throw PostgresServerError(message: "PostgreSQL is not installed (apt-get install postgresql; scripts/setup.sh does)")
        }
        self.bin = bin
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        dataDirectory = dir + "/data"
        inNamespace = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0] } ?? []
        self.listen = listen
        asUser = inNamespace + (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : [])
        if getuid() == 0 {
            _ = try Shell.run(["/bin/chown", "-R", "postgres:postgres", dir])
            _ = try Shell.run(["/bin/chmod", "755", dir])
        }
        port = Self.freePort()
        let initdb = try Shell.run(asUser + ["\(bin)/initdb", "-D", dataDirectory, "-U", "pantau", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        guard initdb.status == 0 else { throw PostgresServerError(message: "initdb failed: \(initdb.output)") }
        if listen != ["127.0.0.1"] {
            let hba = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/pg_hba.conf"))
            hba.seekToEndOfFile()
            hba.write(Data("host all all 198.18.0.0/15 trust\n".utf8))
            try hba.close()
        }
        let start = try Shell.run(asUser + ["\(bin)/pg_ctl", "-D", dataDirectory, "-l", dir + "/server.log", "-w", "-t", "30", "start", "-o",
                                            "-p \(port) -c listen_addresses=\(listen.joined(separator: ",")) -k \(dir) -c fsync=on -c max_connections=60"])
        guard start.status == 0 else {
            let log = (try? String(contentsOfFile: dir + "/server.log", encoding: .utf8)) ?? ""
            throw PostgresServerError(message: "the server did not start: \(start.output) \(log)")
        }
        let create = try Shell.run(asUser + ["\(bin)/createdb", "-h", "127.0.0.1", "-p", "\(port)", "-U", "pantau", "pantau"])
        guard create.status == 0 else { throw PostgresServerError(message: "createdb failed: \(create.output)") }
    }

    /// A fresh database on this server (for a test that needs an empty store); returns its URL.
    public func newDatabase(_ name: String) throws -> String {
        let r = try Shell.run(asUser + ["\(bin)/createdb", "-h", "127.0.0.1", "-p", "\(port)", "-U", "pantau", name])
        guard r.status == 0 else { throw PostgresServerError(message: "createdb \(name) failed: \(r.output)") }
        return "postgresql://pantau@127.0.0.1:\(port)/\(name)"
    }

    /// Runs SQL with psql on `database`; returns its output (unaligned, tuples only).
    public func psql(_ sql: String, database: String = "pantau") throws -> String {
        let r = try Shell.run(inNamespace + ["/usr/bin/psql", "-h", "127.0.0.1", "-p", "\(port)", "-U", "pantau", "-d", database, "-At", "-c", sql])
        guard r.status == 0 else { throw PostgresServerError(message: "psql: \(r.output)") }
        return r.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server and keeps its data: the centre "unreachable" (connections refused).
    public func pause() throws {
        let r = try Shell.run(asUser + ["\(bin)/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "stop"])
        guard r.status == 0 else { throw PostgresServerError(message: "pg_ctl stop: \(r.output)") }
    }

    /// Starts it again on the same port with the same data.
    public func resume() throws {
        let dir = (dataDirectory as NSString).deletingLastPathComponent
        let r = try Shell.run(asUser + ["\(bin)/pg_ctl", "-D", dataDirectory, "-l", dir + "/server.log", "-w", "-t", "30", "start", "-o",
                                        "-p \(port) -c listen_addresses=\(listen.joined(separator: ",")) -k \(dir) -c fsync=on -c max_connections=60"])
        guard r.status == 0 else { throw PostgresServerError(message: "pg_ctl start: \(r.output)") }
    }

    public func stop() {
        // pg_ctl stops by signal (no network): works even after the namespace is gone.
        _ = try? Shell.run(Array(asUser.dropFirst(inNamespace.count)) + ["\(bin)/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
