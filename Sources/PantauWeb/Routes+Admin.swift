import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauStoreKit

/// The admin role's pages: users (add, disable, enable, set a password) and a read-only view of
/// the configuration the engine runs with (never a credential: the web face does not hold them).
extension WebApp {
    struct AddUserForm: Decodable { var name: String; var displayName: String?; var role: String; var sites: String?; var password: String }
    struct PasswordForm: Decodable { var password: String }

    func addAdminRoutes(_ router: Router<WebContext>) {
        router.get("/admin/users") { _, context in
            let id = try self.requireAdmin(context)
            return try self.render(.users, context: context, view: try await self.usersView(id, lang: context.lang))
        }
        router.post("/admin/users") { request, context in
            let id = try self.requireAdmin(context)
            let form: AddUserForm = try await self.checkedForm(request, context, id)
            let name = form.name.trimmingCharacters(in: .whitespaces).lowercased()
            if let p = WebUser.problem(withName: name) { throw HTTPError(.badRequest, message: p) }
            guard let role = Role(rawValue: form.role) else { throw HTTPError(.badRequest, message: "unknown role") }
            let sites = (form.sites ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            if role == .opd && sites.isEmpty { throw HTTPError(.badRequest, message: "an opd user needs at least one site") }
            if role != .opd && !sites.isEmpty { throw HTTPError(.badRequest, message: "sites are for opd users only") }
            if let unknown = sites.first(where: { self.siteNames[$0] == nil }) { throw HTTPError(.badRequest, message: "no site '\(unknown)'") }
            if let p = Passwords.problem(with: form.password) { throw HTTPError(.badRequest, message: p) }
            let display = (form.displayName ?? "").trimmingCharacters(in: .whitespaces)
            do {
                try await self.store.addUser(WebUser(name: name, displayName: display.isEmpty ? name : display, role: role, sites: sites),
                                             passwordHash: await Passwords.hashed(form.password), actor: id.user.name, at: self.now())
            } catch let e as PantauError where e.code == .invalidInput { throw HTTPError(.conflict, message: e.message) }
            return Response.redirect(to: "/admin/users", type: .found)
        }
        for (action, disabled) in [("disable", true), ("enable", false)] {
            router.post("/admin/users/:name/\(action)") { request, context in
                let id = try self.requireAdmin(context)
                _ = try await self.checkedForm(request, context, id) as [String: String]
                let name = context.parameters.get("name") ?? ""
                guard name != id.user.name else { throw HTTPError(.conflict, message: "an admin cannot disable their own account") }
                try await self.userAction { try await self.store.setDisabled(name, disabled, actor: id.user.name, at: self.now()) }
                return Response.redirect(to: "/admin/users", type: .found)
            }
        }
        router.post("/admin/users/:name/password") { request, context in
            let id = try self.requireAdmin(context)
            let form: PasswordForm = try await self.checkedForm(request, context, id)
            if let p = Passwords.problem(with: form.password) { throw HTTPError(.badRequest, message: p) }
            let name = context.parameters.get("name") ?? ""
            try await self.userAction { try await self.store.setPassword(name, passwordHash: await Passwords.hashed(form.password), actor: id.user.name, at: self.now()) }
            return Response.redirect(to: "/admin/users", type: .found)
        }
        router.get("/admin/config") { _, context in
            _ = try self.requireAdmin(context)
            return try self.render(.config, context: context, view: self.configView(context.lang))
        }
    }

    func requireAdmin(_ context: WebContext) throws -> Identity {
        let id = try requirePage(context)
        guard id.access.mayAdminister else { throw HTTPError(.forbidden, message: "for administrators") }
        return id
    }

    func userAction(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let e as PantauError where e.code == .notFound { throw HTTPError(.notFound, message: e.message) }
    }

    func usersView(_ id: Identity, lang: WebLanguage) async throws -> [String: Any] {
        let users = try await store.users()
        let audit = try await store.auditLog(limit: 50)
        return [
            "users": users.map { u -> [String: Any] in
                ["name": u.name, "displayName": u.displayName, "role": u.role.rawValue, "sites": u.sites.joined(separator: ", "),
                 "disabled": u.disabled, "self": u.name == id.user.name]
            },
            "csrf": id.csrf ?? "", "roles": Role.allCases.map(\.rawValue),
            "audit": audit.map { ["at": when($0.at, lang), "actor": $0.actor, "action": $0.action, "object": $0.object, "detail": phrase($0.detail, lang)] },
        ]
    }

    /// What the engine runs with, for reading: calendar, SLA, counts, probe intervals, the web face.
    func configView(_ lang: WebLanguage) -> [String: Any] {
        let en = lang == .en
        let cal = inventory.calendar
        let icmp = status.probes.icmpDefaults
        let snmp = status.snmp.defaults
        let rows: [(String, String)] = [
            ("organization", inventory.organization), ("timezone", inventory.timezone),
            ("calendar.workweek", cal.workweek.map(\.rawValue).sorted().joined(separator: ", ")),
            ("calendar.hours", cal.hours.description), ("calendar.holidays", "\(cal.holidays.count)"),
            ("calendar.special_periods", cal.specialPeriods.map(\.name).joined(separator: ", ")),
            ("sla.availability_target_pct", Self.percentNumber(inventory.sla.availabilityTargetPct, .en)),
            ("sla.repair_working_days", "\(inventory.sla.repairWorkingDays)"),
            ("sites", "\(inventory.sites.count) (\(inventory.sites.filter { $0.role == .opd }.count) OPD)"),
            ("links", "\(inventory.links.count) (\(inventory.links.filter { !$0.ends.isEmpty }.count) \(en ? "watched over SNMP" : "dipantau lewat SNMP"))"),
            ("devices", "\(inventory.devices.count)"), ("maintenance", "\(inventory.maintenance.count)"),
            ("icmp.defaults", en ? "every \(icmp.intervalSeconds) s, \(icmp.packets) packets, timeout \(icmp.timeoutMs) ms"
                                  : "tiap \(icmp.intervalSeconds) detik, \(icmp.packets) paket, batas tunggu \(icmp.timeoutMs) ms"),
            ("snmp.defaults", en ? "every \(snmp.intervalSeconds) s, timeout \(snmp.timeoutSeconds) s, \(snmp.retries) retries"
                                  : "tiap \(snmp.intervalSeconds) detik, batas tunggu \(snmp.timeoutSeconds) detik, \(snmp.retries) kali ulang"),
            ("snmp.trap_listen", status.snmp.trapListen ?? (en ? "off" : "mati")),
            ("web.listen", "\(config.host ?? "-"):\(config.port)"), ("web.tls", config.tls ? (en ? "on" : "aktif") : (en ? "off" : "mati")),
            ("web.session_idle", duration(config.sessionIdleSeconds, lang)),
        ]
        return ["rows": rows.map { ["key": $0.0, "value": $0.1] }]
    }
}
