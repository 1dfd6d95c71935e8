import Foundation
import XCTest

/// The dashboard served by `pantau run` on a loopback network, over HTTPS: users made with
/// `pantau user`, Secure cookies, security headers, and no secret of the credentials file in any
/// page, API answer, metric or log line.
final class WebRunTests: XCTestCase {
    func testRunServesHTTPSWithoutEverShowingASecret() throws {
        guard getuid() == 0 else { throw XCTSkip("SKIPPED: pantau run pings with a raw ICMP socket (root or CAP_NET_RAW)") }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let community = "s3cr3t-komunitas-\(UInt32.random(in: 1000...9999))"
        Harness.writeConfig(in: dir, sites: """
              - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}
              - {id: bkd, name: Badan Kepegawaian, address: 127.0.0.2, uplinks: [fo-bkd]}
            """, links: """
              - {id: fo-bkd, kind: fo-underground, from: dc, to: bkd, a: {device: core-sw, interface: sfp1}}
            """, probes: "icmp:\n  defaults: {interval: 1s, packets: 1, timeout: 300ms}\n", extra: """
            devices:
              - {id: core-sw, site: dc, address: 127.0.0.1, port: 29161, vendor: generic, role: core, snmp: lab}
            """)
        try "profiles:\n  lab: {version: 2c, community: \(community)}\n"
            .write(to: dir.appendingPathComponent("inventory/credentials.yaml"), atomically: true, encoding: .utf8)
        chmod(dir.appendingPathComponent("inventory/credentials.yaml").path, 0o600)
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let gen = try Harness.sh("openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 -keyout \(key) -out \(cert) 2>&1")
        XCTAssertEqual(gen.status, 0, gen.stdout)
        try "web:\n  listen: 127.0.0.1:0\n  tls_certificate: \(cert)\n  tls_key: \(key)\n"
            .write(to: dir.appendingPathComponent("probes/web.yaml"), atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("p.sqlite").path
        let inv = ["--inventory", dir.appendingPathComponent("inventory").path, "--db", db]

        // Users from the command line; the password on standard input.
        let password = "kata-sandi-panjang-\(UInt32.random(in: 1000...9999))"
        let add = try Harness.sh("echo '\(password)' | \(Harness.pantau) user add admin --role admin --password-stdin --display-name 'Admin Jaringan' "
                                 + inv.joined(separator: " "))
        XCTAssertEqual(add.status, 0, add.stderr)
        let bad = try Harness.sh("echo 'short' | \(Harness.pantau) user add x --role noc --password-stdin " + inv.joined(separator: " "))
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("at least 10 characters"), bad.stderr)
        let opdNoSite = try Harness.run(Harness.pantau, ["user", "add", "o", "--role", "opd", "--password-stdin"] + inv)
        XCTAssertTrue(opdNoSite.stderr.contains("an opd user needs at least one --site"), opdNoSite.stderr)
        let list = try Harness.run(Harness.pantau, ["user", "list"] + inv)
        XCTAssertTrue(list.stdout.contains("admin") && list.stdout.contains("Admin Jaringan"), list.stdout)

        let log = dir.appendingPathComponent("run.log")
        let run = try Harness.start(Harness.pantau, ["run", "--seconds", "40", "--log-level", "debug"] + inv, log: log)
        defer { if run.isRunning { run.interrupt() }; run.waitUntilExit() }
        var url = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, url.isEmpty {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: "dashboard on ") { url = String(text[r.upperBound...].prefix { $0 != " " }).trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
            usleep(100_000)
        }
        XCTAssertTrue(url.hasPrefix("https://127.0.0.1:"), "served over HTTPS: \(url) \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        guard !url.isEmpty else { return }
        let jar = dir.appendingPathComponent("jar").path
        let loginPage = try Harness.sh("curl -sk -D \(dir.path)/h1 -c \(jar) -b \(jar) \(url)/login").stdout
        let headers = try String(contentsOfFile: "\(dir.path)/h1", encoding: .utf8).lowercased()
        XCTAssertTrue(headers.contains("strict-transport-security"), headers)
        XCTAssertTrue(headers.contains("set-cookie: pantau_login=") && headers.contains("secure"), headers)
        let login = try Harness.sh("curl -sk -D \(dir.path)/h2 -o /dev/null -c \(jar) -b \(jar) \(url)/login --data-urlencode user=admin "
                                   + "--data-urlencode password=\(password) --data-urlencode csrf=\(WebDemoTests.csrf(loginPage))")
        XCTAssertEqual(login.status, 0)
        let session = try String(contentsOfFile: "\(dir.path)/h2", encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("set-cookie: pantau_session=") } ?? ""
        XCTAssertTrue(session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Strict"),
                      (try? String(contentsOfFile: "\(dir.path)/h2", encoding: .utf8)) ?? "")
        // Plain HTTP on the HTTPS port is not served.
        XCTAssertNotEqual(try Harness.sh("curl -s -o /dev/null -w '%{http_code}' --max-time 5 \(url.replacingOccurrences(of: "https:", with: "http:"))/login").stdout, "200")

        // Wait until the engine has a state for bkd, then read every face.
        let upBy = Date().addingTimeInterval(15)
        while Date() < upBy, !(try Harness.sh("curl -sk -b \(jar) \(url)/api/v1/status").stdout.contains("\"state\":\"up\"")) { usleep(200_000) }
        var everything = ""
        for path in ["/", "/sites/bkd", "/tickets", "/availability", "/availability/bkd", "/api/v1/status", "/api/v1/sites", "/api/v1/tickets",
                     "/api/v1/availability", "/metrics", "/api/v1/me"] {
            let r = try Harness.sh("curl -sk -w '\\n%{http_code}' -b \(jar) \(url)\(path)")
            XCTAssertTrue(r.stdout.hasSuffix("200"), "\(path): \(r.stdout.suffix(300))")
            everything += r.stdout
        }
        XCTAssertTrue(everything.contains("Badan Kepegawaian") && everything.contains("pantau_site_state{site=\"bkd\""), "the faces show the network")
        run.interrupt()
        run.waitUntilExit()
        everything += (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        for secret in [community, password] {
            XCTAssertFalse(everything.contains(secret), "a secret appeared in a page, an API answer, a metric or the log")
        }
    }
}

extension WebRunTests {
    /// A dashboard that cannot start (its port is taken, e.g. by a second engine on the host)
    /// says why, and the engine probes on: it was found when two engines ran side by side.
    func testAPortInUseStopsTheDashboardNotTheEngine() throws {
        guard getuid() == 0 else { throw XCTSkip("SKIPPED: pantau run pings with a raw ICMP socket (root or CAP_NET_RAW)") }
        let dir = Harness.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        Harness.writeConfig(in: dir, sites: "  - {id: dc, name: Pusat Data, role: core, address: 127.0.0.1}", links: "  []",
                            probes: "icmp:\n  defaults: {interval: 1s, packets: 1, timeout: 300ms}\n")
        // Hold a TCP port on loopback, as another server would.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        XCTAssertEqual(listen(fd, 1), 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let port = Int(UInt16(bigEndian: addr.sin_port))
        try "web:\n  listen: 127.0.0.1:\(port)\n".write(to: dir.appendingPathComponent("probes/web.yaml"), atomically: true, encoding: .utf8)
        let out = try Harness.run(Harness.pantau, ["run", "--seconds", "4", "--inventory", dir.appendingPathComponent("inventory").path,
                                                   "--db", dir.appendingPathComponent("p.sqlite").path], timeout: 30)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stderr.contains("the dashboard could not start on 127.0.0.1:\(port): 127.0.0.1:\(port) is already in use; probing goes on"),
                      out.stderr)
        XCTAssertTrue(out.stdout.contains("dc  unknown -> up"), "the engine probed: \(out.stdout)")
    }
}
