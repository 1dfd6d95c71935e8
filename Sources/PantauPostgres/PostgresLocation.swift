import Foundation
import PantauCore

/// Where the shared store is: `postgresql://USER@HOST:PORT/DATABASE`. The password never comes
/// from the command line or the URL (it would show in `ps` and shell history): it is read from
/// `PGPASSWORD`, or from the file named by `PANTAU_PG_PASSWORD_FILE` (mode 600), or absent
/// (trust or peer authentication on loopback).
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// Never printed.
    var password: Secret?

    /// True for a `postgresql://` or `postgres://` address.
    public static func isURL(_ s: String) -> Bool { s.hasPrefix("postgresql://") || s.hasPrefix("postgres://") }

    /// Parses `url`; the password from `environment`.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func bad(_ why: String) -> PantauError {
            PantauError(.invalidInput, operation: "reading the store address", subject: Self.redacted(url), message: why)
        }
        guard Self.isURL(url), let c = URLComponents(string: url) else {
            throw bad("not postgresql://USER@HOST:PORT/DATABASE")
        }
        if c.password != nil {
            throw bad("the password may not be in the address (it shows in ps and shell history): set PGPASSWORD or PANTAU_PG_PASSWORD_FILE")
        }
        guard let host = c.host, !host.isEmpty else { throw bad("no host") }
        let db = c.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !db.isEmpty else { throw bad("no database name after the host (postgresql://pantau@127.0.0.1:5432/pantau)") }
        self.host = host
        port = c.port ?? 5432
        user = c.user ?? "pantau"
        database = db
        if let p = environment["PGPASSWORD"], !p.isEmpty {
            password = Secret(p)
        } else if let file = environment["PANTAU_PG_PASSWORD_FILE"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw bad("PANTAU_PG_PASSWORD_FILE \(file) cannot be read")
            }
            password = Secret(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The address as it may be shown: never with a password.
    public var description: String { "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" }

    static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return "postgresql://…" }
        if c.password != nil { c.password = "***" }
        return c.string ?? "postgresql://…"
    }
}
