import ArgumentParser
import Foundation
import PantauCore
import PantauSQLite
import PantauStoreKit
import PantauWeb

/// `pantau user`: the dashboard's users and API tokens. Every change goes to the audit log
/// with the operating-system user who made it.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Dashboard users and roles (admin, noc, manager, opd), passwords, API tokens.",
        subcommands: [UserAdd.self, UserPasswd.self, UserList.self, UserDisable.self, UserEnable.self, UserToken.self],
        defaultSubcommand: UserList.self)

    /// Who is changing users: the operating-system account, for the audit log.
    static var actor: String {
        let env = ProcessInfo.processInfo.environment
        return "cli:" + (env["SUDO_USER"] ?? env["USER"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "\(getuid())")
    }

    /// The password: from standard input with `--password-stdin` (one line), else asked twice on the terminal.
    static func readPassword(fromStdin: Bool) throws -> String {
        let password: String
        if fromStdin {
            password = (readLine(strippingNewline: true) ?? "")
        } else {
            guard isatty(0) == 1, let a = getpass("Password: ").map({ String(cString: $0) }),
                  let b = getpass("Again: ").map({ String(cString: $0) }) else {
                printErr("pantau: no terminal to ask for the password; pass it on standard input with --password-stdin")
                throw ExitCode(1)
            }
            guard a == b else {
                printErr("pantau: the two passwords differ")
                throw ExitCode(1)
            }
            password = a
        }
        if let problem = Passwords.problem(with: password) {
            printErr("pantau: \(problem)")
            throw ExitCode(1)
        }
        return password
    }
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user (creates the database when there is none).")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Login name (lowercase letters, digits, . - _).") var name: String
    @Option(help: "admin, noc, manager or opd.") var role: Role
    @Option(name: .customLong("site"), help: "For an opd user: a site id it may read; repeat for each.") var sites: [String] = []
    @Option(help: "Name shown on tickets and in the audit log, e.g. \"Budi Santoso (NIP 19800101...)\".") var displayName: String?
    @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false

    func validate() throws {
        if let p = WebUser.problem(withName: name) { throw ValidationError(p) }
        if role == .opd && sites.isEmpty { throw ValidationError("an opd user needs at least one --site") }
        if role != .opd && !sites.isEmpty { throw ValidationError("--site is for opd users only (other roles read every site)") }
    }

    func run() async throws {
        let config = try location.load(printWarnings: false, readOnly: true)
        let known = Set(config.inventory.sites.map(\.id))
        for s in sites where !known.contains(s) {
            throw usageError(Self.self, "--site \(s): no such site in \(location.inventoryDirectory)/network.yaml")
        }
        let password = try UserCommand.readPassword(fromStdin: passwordStdin)
        let user = WebUser(name: name, displayName: displayName ?? name, role: role, sites: sites)
        try await location.withStore(.create) { store in
            try await store.addUser(user, passwordHash: Passwords.hash(password), actor: UserCommand.actor, at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(name): \(role.rawValue)" + (sites.isEmpty ? "" : " (\(sites.joined(separator: ", ")))"))
    }
}

struct UserPasswd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set a user's password (ends its sessions).")
    @OptionGroup var location: LocationOptions
    @Argument var name: String
    @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false

    func run() async throws {
        let password = try UserCommand.readPassword(fromStdin: passwordStdin)
        try await location.withStore(.existing) { store in
            try await store.setPassword(name, passwordHash: Passwords.hash(password), actor: UserCommand.actor, at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("\(name): password changed; its sessions ended")
    }
}

struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Users, their roles and sites.")
    @OptionGroup var location: LocationOptions
    @Option(help: "Output: table or json.") var format: OutputFormat = .table

    func run() async throws {
        let users = try await location.withStore(.readOnly) { try await $0.users() }
        if format == .json {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try e.encode(users), as: UTF8.self))
            return
        }
        if users.isEmpty { print("no users; add one with: pantau user add NAME --role admin") }
        for u in users {
            print("\(u.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(u.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) "
                  + "\(u.disabled ? "disabled " : "")\(u.displayName)" + (u.sites.isEmpty ? "" : "  sites: \(u.sites.joined(separator: ", "))"))
        }
    }
}

struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user: its sessions and API tokens end at once.")
    @OptionGroup var location: LocationOptions
    @Argument var name: String

    func run() async throws {
        try await location.withStore(.existing) { store in try await store.setDisabled(name, true, actor: UserCommand.actor, at: EpochSeconds(Date().timeIntervalSince1970)) }
        print("\(name): disabled")
    }
}

struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user again.")
    @OptionGroup var location: LocationOptions
    @Argument var name: String

    func run() async throws {
        try await location.withStore(.existing) { store in try await store.setDisabled(name, false, actor: UserCommand.actor, at: EpochSeconds(Date().timeIntervalSince1970)) }
        print("\(name): enabled")
    }
}

struct UserToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens: make one (printed once; only its hash is kept), list them, revoke one.",
                                                    subcommands: [UserTokenAdd.self, UserTokenList.self, UserTokenRevoke.self],
                                                    defaultSubcommand: UserTokenAdd.self)
}

struct UserTokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The API tokens (their ids, never the tokens).")
    @OptionGroup var location: LocationOptions
    @Argument(help: "Only this user's tokens.") var name: String?

    func run() async throws {
        let config = try location.load(readOnly: true)
        let tz = TimeZone(identifier: config.inventory.timezone) ?? .current
        let user = name
        let tokens = try await location.withStore(.readOnly) { try await $0.tokens(user: user) }
        var rows = [["id", "user", "label", "created"]]
        for t in tokens { rows.append([t.id, t.user, t.label, ISO8601.format(t.createdAt, in: tz)]) }
        print(TextTable.render(rows))
    }
}

struct UserTokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke one API token by its id (8 or more hex digits of it): its calls and live streams end.")
    @OptionGroup var location: LocationOptions
    @Argument(help: "The token's id from 'pantau user token list'.") var id: String

    func run() async throws {
        let id = self.id
        let t = try await location.withStore(.existing) {
            try await $0.revokeToken(id: id, actor: UserCommand.actor, at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print("revoked \(t.id) of \(t.user) (\(t.label))")
    }
}

struct UserTokenAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Make an API token acting as a user (printed once; only its hash is kept).")
    @OptionGroup var location: LocationOptions
    @Argument var name: String
    @Option(help: "What the token is for, e.g. \"service desk portal\".") var label: String

    func run() async throws {
        let token = WebApp.newToken()
        try await location.withStore(.existing) { store in
            try await store.addToken(tokenSHA256: WebApp.tokenHash(token), label: label, user: name, actor: UserCommand.actor,
                                     at: EpochSeconds(Date().timeIntervalSince1970))
        }
        print(token)
    }
}

extension Role: ExpressibleByArgument {}
