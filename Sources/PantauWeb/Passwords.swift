import HummingbirdBcrypt
import PantauCore

/// Password hashing for dashboard users: bcrypt (cost 12 by default; tests may lower it).
public enum Passwords {
    /// Why `password` is not acceptable, or nil.
    public static func problem(with password: String) -> String? {
        if password.count < 10 { return "a password has at least 10 characters" }
        if password.utf8.count > 72 { return "bcrypt uses at most 72 bytes of a password" }
        return nil
    }

    public static func hash(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// `hash` off the cooperative pool (a cost-12 bcrypt takes a quarter second of CPU).
    public static func hashed(_ password: String, cost: UInt8 = 12) async -> String {
        await BlockingQueue.shared.run { hash(password, cost: cost) }
    }

    /// `verify` off the cooperative pool: a login never holds one of the server's few threads.
    public static func verified(_ password: String, hash: String) async -> Bool {
        await BlockingQueue.shared.run { verify(password, hash: hash) }
    }

    /// A hash to verify against when the user does not exist, so the answer takes as long.
    static let decoy = Bcrypt.hash("pantau-decoy-password", cost: 12)
}
