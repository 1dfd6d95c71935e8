import Foundation

/// `snmpsim` serving recorded devices (PyPI `snmpsim-data`) and our own recordings on
/// loopback; each `<community>.snmprec` in its data folder is one device.
public final class SnmpsimAgent: @unchecked Sendable {
    public let directory: URL
    public let port: UInt16
    let process: Spawned

    /// The venv that `scripts/setup.sh` builds (override with $PANTAU_SNMPSIM_VENV).
    public static var venv: String { ProcessInfo.processInfo.environment["PANTAU_SNMPSIM_VENV"] ?? "/opt/pantau-snmpsim" }
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: venv + "/bin/snmpsim-command-responder") }

    /// A recording from snmpsim-data, e.g. `network/switch/cisco-c3560`, as text.
    public static func recording(_ name: String) throws -> String {
        let found = try Shell.run(["/bin/sh", "-c", "ls \(venv)/lib/python3*/site-packages/snmpsim_data/data/\(name).snmprec.bz2"])
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = try Shell.run(["/bin/sh", "-c", "bzcat '\(path)'"])
        guard text.status == 0, !text.output.isEmpty else { throw TestAgentError(message: "no recording \(name) (\(path))") }
        return text.output
    }

    /// Serves `devices` (community -> snmprec text) on 127.0.0.1:`port`.
    public init(devices: [String: String], port: UInt16 = SNMPDAgent.freePort()) throws {
        directory = URL(fileURLWithPath: "/tmp/pantau-snmpsim-\(UUID().uuidString.prefix(8))")
        let data = directory.appendingPathComponent("data"), cache = directory.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        for (community, text) in devices {
            try text.write(to: data.appendingPathComponent("\(community).snmprec"), atomically: true, encoding: .utf8)
        }
        // snmpsim drops to nobody when run as root: let it read the data and write its cache.
        _ = try Shell.run(["/bin/chmod", "-R", "a+rwX", directory.path])
        self.port = port
        var args = [Self.venv + "/bin/snmpsim-command-responder", "--data-dir=\(data.path)", "--cache-dir=\(cache.path)",
                    "--agent-udpv4-endpoint=127.0.0.1:\(port)", "--logging-method=null"]
        if getuid() == 0 { args += ["--process-user=nobody", "--process-group=nogroup"] }
        process = try Spawned(args, output: directory.appendingPathComponent("snmpsim.log").path)
        try waitUntilAnswering(community: devices.keys.sorted()[0])
    }

    func waitUntilAnswering(community: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let r = try Shell.run(["/usr/bin/snmpget", "-v2c", "-c", community, "-t", "0.5", "-r", "0", "-On",
                                   "udp:127.0.0.1:\(port)", "1.3.6.1.2.1.1.3.0"])
            if r.status == 0 { return }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("snmpsim.log"), encoding: .utf8)) ?? ""
        throw TestAgentError(message: "snmpsim did not answer on 127.0.0.1:\(port); log:\n\(log.suffix(2000))")
    }

    deinit {
        process.signal(SIGTERM)
        process.wait()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Edits of an snmprec recording: set one OID's type and value (added when missing).
public extension String {
    func settingRecord(_ oid: String, type: String, value: String) -> String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = "\(oid)|\(type)|\(value)"
        if let i = lines.firstIndex(where: { $0.hasPrefix(oid + "|") }) { lines[i] = line } else {
            lines.insert(line, at: 0)
            // snmprec files must be sorted by OID for walks to work.
            let body = lines.filter { !$0.isEmpty }.sorted { a, b in
                let x = a.split(separator: "|")[0].split(separator: ".").map { UInt64($0) ?? 0 }
                let y = b.split(separator: "|")[0].split(separator: ".").map { UInt64($0) ?? 0 }
                return x.lexicographicallyPrecedes(y)
            }
            return body.joined(separator: "\n") + "\n"
        }
        return lines.joined(separator: "\n")
    }

    /// The value of one OID in a recording.
    func record(_ oid: String) -> (type: String, value: String)? {
        for l in split(separator: "\n") where l.hasPrefix(oid + "|") {
            let parts = l.split(separator: "|", maxSplits: 2).map(String.init)
            if parts.count == 3 { return (parts[1], parts[2]) }
        }
        return nil
    }
}
