import Foundation
import XCTest

/// Runs the built `pantau` binary and other commands for integration tests.
enum Harness {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var pantau: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent(), packageRoot.appendingPathComponent(".build/debug")] {
            let p = dir.appendingPathComponent("pantau").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return packageRoot.appendingPathComponent(".build/debug/pantau").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a command to completion (bounded by `timeout` seconds).
    @discardableResult
    static func run(_ exe: String, _ args: [String], cwd: URL? = nil, timeout: Double = 60) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        // Output goes to files: no pipe can fill up and block the child.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        let o = (try? Data(contentsOf: outURL)) ?? Data(), e = (try? Data(contentsOf: errURL)) ?? Data()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func sh(_ command: String, timeout: Double = 30) throws -> Output {
        try run("/bin/sh", ["-c", command], timeout: timeout)
    }

    /// Starts a long-running process whose output goes to a log file.
    static func start(_ exe: String, _ args: [String], log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let h = try FileHandle(forWritingTo: log)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = h
        p.standardError = h
        try p.run()
        return p
    }

    /// Creates the namespace `name`, or skips the test (saying why) where namespaces are not permitted.
    static func addNamespaceOrSkip(_ name: String) throws {
        let probe = try sh("ip netns add \(name) 2>&1")
        guard probe.status == 0 else {
            throw XCTSkip("SKIPPED: network namespaces are not permitted here (ip netns add: \(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
    }

    static func tempDir() -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pantau-it-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Writes an inventory + probes folder with the given sites YAML.
    static func writeConfig(in dir: URL, sites: String, links: String, probes: String, extra: String = "") {
        let inv = dir.appendingPathComponent("inventory"), pr = dir.appendingPathComponent("probes")
        try! FileManager.default.createDirectory(at: inv, withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(at: pr, withIntermediateDirectories: true)
        let yaml = """
            organization: Diskominfo Uji
            timezone: Asia/Jakarta
            calendar:
              workweek: [mon, tue, wed, thu, fri]
              hours: "08:00-16:00"
              holidays: [libur.csv]
            sla: {availability_target_pct: 90, repair_working_days: 3}
            sites:
            \(sites)
            links:
            \(links)
            \(extra)
            """
        try! yaml.write(to: inv.appendingPathComponent("network.yaml"), atomically: true, encoding: .utf8)
        try! "date,name\n2026-03-19,Hari Suci Nyepi\n".write(to: inv.appendingPathComponent("libur.csv"), atomically: true, encoding: .utf8)
        try! probes.write(to: pr.appendingPathComponent("icmp.yaml"), atomically: true, encoding: .utf8)
    }

    /// Polls `pantau status --format json` until `predicate` holds or `timeout` passes.
    static func waitForStatus(_ args: [String], timeout: Double, _ predicate: ([String: String]) -> Bool) throws -> [String: String]? {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: String] = [:]
        while Date() < deadline {
            let out = try run(pantau, ["status", "--format", "json"] + args)
            if out.status == 0, let obj = try? JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any],
               let sites = obj["sites"] as? [[String: Any]] {
                let links = obj["links"] as? [[String: Any]] ?? []
                last = Dictionary(uniqueKeysWithValues: (sites + links).map { ($0["id"] as! String, $0["state"] as! String) })
                if predicate(last) { return last }
            }
            usleep(200_000)
        }
        return nil
    }
}
