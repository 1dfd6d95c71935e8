import Foundation
import XCTest

extension Harness {
    /// A running `pantau demo` with its dashboard on a free loopback port, and the address and
    /// demo password it printed (nil when it printed none within 30 s; the caller asserts).
    struct Demo {
        let process: Process
        let url: String?
        let password: String?
        let log: URL
        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func startDemo(db: String, log: URL, speed: Int, minutes: Int, keepServing: Int, lang: String = "id",
                          extra: [String] = []) throws -> Demo {
        let p = try start(pantau, [
            "demo", "--inventory", packageRoot.appendingPathComponent("inventory").path, "--db", db, "--web-port", "0",
            "--speed", "\(speed)", "--minutes", "\(minutes)", "--keep-serving", "\(keepServing)", "--lang", lang,
        ] + extra, log: log)
        let marker = lang == "en" ? "Dashboard: " : "Dasbor: "
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) {
                let parts = line.split(separator: " ")
                return Demo(process: p, url: String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "/")),
                            password: String(parts.last!), log: log)
            }
            usleep(100_000)
        }
        return Demo(process: p, url: nil, password: nil, log: log)
    }
}
