import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The pages, each a mustache template rendered inside the layout.
enum Page: String, CaseIterable {
    case login, overview, tickets, ticket, site, link, availability, explain, message, users, config, archive, map
}

extension WebApp {
    /// Every page, the layout and the partials, compiled once (they are constants: a mistake
    /// in them fails the first test that renders a page).
    static let library: MustacheLibrary = {
        var lib = MustacheLibrary()
        for p in Page.allCases { try! lib.register(WebTemplates.body(p), named: p.rawValue) }
        try! lib.register(WebTemplates.layout, named: "layout")
        return lib
    }()

    /// Renders `page` with `view` inside the layout (title, navigation, language switch, logout form).
    func render(_ page: Page, context: WebContext, view: [String: Any], status: HTTPResponse.Status = .ok, title: String? = nil,
                kiosk: Bool = false) throws -> Response {
        let t = WebText.table(context.lang)
        var full = view
        // Sections that show only when a list has rows: `{{#hasTickets}}` (not `{{#tickets.0}}`,
        // which changes the context the inner section resolves in).
        for (key, value) in view { if let list = value as? [Any] { full["has" + key.prefix(1).uppercased() + key.dropFirst()] = !list.isEmpty } }
        full["t"] = t
        full["lang"] = context.lang.rawValue
        let body = Self.library.render(full, withTemplate: page.rawValue) ?? ""
        var layout: [String: Any] = [
            "t": t, "lang": context.lang.rawValue, "body": body, "title": title ?? t[page.rawValue] ?? t["appTitle"]!,
            "other": context.lang == .id ? "en" : "id", "organization": inventory.organization, "page": page.rawValue, "kiosk": kiosk,
        ]
        if let id = context.identity {
            layout["user"] = ["name": id.user.displayName, "role": id.user.role.rawValue, "csrf": id.csrf ?? ""]
            layout["seesEverything"] = id.access.seesEverything
            layout["isAdmin"] = id.access.mayAdminister
        }
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                                 body: .init(byteBuffer: ByteBuffer(string: Self.library.render(layout, withTemplate: "layout") ?? "")))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// A short page saying why (403, 404), in the user's language.
    func message(_ key: String, context: WebContext, status: HTTPResponse.Status) throws -> Response {
        try render(.message, context: context, view: ["text": WebText.table(context.lang)[key] ?? key], status: status)
    }
}

extension WebApp {
    /// A refused request as a page: a heading by its status and why, in the reader's language.
    func refusal(_ error: HTTPError, context: WebContext) throws -> Response {
        let why = error.body ?? ""
        let said = WebErrorText.book.render(why, context.lang.local, timeZone: tz)
        // Indonesian reader, a message without its Indonesian: the English stays, marked as such.
        let foreign = context.lang == .id && said == why && !why.isEmpty
        var response = try render(.message, context: context, view: ["heading": WebErrorText.heading(Int(error.status.code), context.lang),
                                                                      "text": said, "foreign": foreign], status: error.status,
                                  title: WebErrorText.heading(Int(error.status.code), context.lang))
        for field in error.headers where field.name != .contentType && field.name != .contentLength { response.headers.append(field) }
        return response
    }
}
