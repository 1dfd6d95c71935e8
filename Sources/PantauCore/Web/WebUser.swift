/// Who may use the dashboard and the API, and what for.
///
/// - `admin`: users and configuration views, plus everything a `noc` user may do.
/// - `noc`: the network team; operates tickets (acknowledge, resolve, close).
/// - `manager`: reads everything, including reports; changes nothing.
/// - `opd`: reads only its own site(s) and what touches them (the service catalog: data goes
///   only to the responsible party).
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin, noc, manager, opd
}

/// A dashboard user as stored (never with its password hash).
public struct WebUser: Sendable, Hashable, Codable {
    /// Login name: lowercase letters, digits, `.`, `-`, `_`.
    public var name: String
    /// How the user is named in the audit log and on tickets ("Budi Santoso (NIP 1980…)").
    public var displayName: String
    public var role: Role
    /// For `opd` users: the inventory site ids they may read. Empty for other roles.
    public var sites: [String]
    public var disabled: Bool

    public init(name: String, displayName: String, role: Role, sites: [String] = [], disabled: Bool = false) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.sites = sites
        self.disabled = disabled
    }

    /// Why `name` cannot be a login name, or nil.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty || name.count > 64 { return "a login name has 1 to 64 characters" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        if !name.allSatisfy({ allowed.contains($0) }) { return "a login name has only lowercase letters, digits, '.', '-' and '_'" }
        return nil
    }
}

/// What one user may see and do: every page, API route and live event asks this, nowhere else.
public struct Access: Sendable, Hashable {
    public let user: WebUser

    public init(_ user: WebUser) { self.user = user }

    /// Tickets: acknowledge, resolve, close.
    public var mayOperateTickets: Bool { user.role == .admin || user.role == .noc }
    /// Users and the configuration views.
    public var mayAdminister: Bool { user.role == .admin }
    /// Whole-network views (the engine's health, every link, metrics).
    public var seesEverything: Bool { user.role != .opd }

    /// May read this site's page, figures and events.
    public func maySee(site: String) -> Bool { seesEverything || user.sites.contains(site) }

    /// May read something that touches these sites (a ticket's affected sites and its root).
    public func maySee(anyOf sites: [String]) -> Bool { seesEverything || sites.contains(where: user.sites.contains) }
}
