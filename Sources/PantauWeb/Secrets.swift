import Crypto
import Foundation

/// Random tokens (session cookies, CSRF, API tokens) and how they are stored: only their
/// SHA-256, so a copy of the database holds nothing a browser could present.
enum Tokens {
    /// 32 random bytes from the system's CSPRNG, base64url without padding.
    static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func sha256(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares without an early exit, so timing does not tell how much of a token matched.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

extension WebApp {
    /// A new API token (shown once) and the hash the store keeps of it.
    public static func newToken() -> String { "pnt_" + Tokens.random() }
    public static func tokenHash(_ token: String) -> String { Tokens.sha256(token) }
}
