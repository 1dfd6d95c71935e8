import Foundation
import HTTPTypes
import Hummingbird
import PantauCore

extension WebApp {
    static let sessionCookie = "pantau_session"
    static let loginCSRFCookie = "pantau_login"

    struct LoginForm: Decodable { var user: String; var password: String; var csrf: String; var next: String? }

    func addLoginRoutes(_ router: Router<WebContext>) {
        router.get("/login") { request, context in
            // Login CSRF: a fresh random value in a cookie and in the form; the POST must bring both.
            let token = Tokens.random()
            var response = try self.render(.login, context: context, view: [
                "csrf": token, "next": Self.safeNext(request.uri.queryParameters["next"].map(String.init)),
                "failed": request.uri.queryParameters["failed"] != nil,
            ])
            response.setCookie(self.cookie(Self.loginCSRFCookie, token, maxAge: 600))
            return response
        }

        router.post("/login") { request, context in
            let form: LoginForm = try await Self.form(request, context)
            guard let expected = request.cookies[Self.loginCSRFCookie]?.value, Tokens.equal(expected, form.csrf) else {
                throw HTTPError(.forbidden, message: "the login form expired or came from another site; reload the page")
            }
            let name = form.user.trimmingCharacters(in: .whitespaces).lowercased()
            let address = context.remoteAddress
            let now = self.now()
            let wait = self.throttle.withLock { max($0.wait("user:" + name, now: now), $0.wait("addr:" + address, now: now)) }
            if wait > 0 {
                try? await self.store.audit(actor: name, action: "login.throttled", object: name, detail: "from \(address)", at: now)
                var r = Response(status: .tooManyRequests, headers: [.retryAfter: "\(wait)", .contentType: "text/plain; charset=utf-8"],
                                 body: .init(byteBuffer: ByteBuffer(string: context.lang == .en
                                    ? "Too many failed logins; try again in \(wait) s.\n" : "Terlalu banyak login gagal; coba lagi dalam \(wait) detik.\n")))
                r.headers[.cacheControl] = "no-store"
                return r
            }
            let found = try await self.store.credentials(of: name)
            // Verify against a decoy when the user does not exist: the answer takes as long.
            let ok = await Passwords.verified(form.password, hash: found?.passwordHash ?? Passwords.decoy) && found.map { !$0.user.disabled } == true
            guard ok, let user = found?.user else {
                self.throttle.withLock { $0.failed("user:" + name, now: now); $0.failed("addr:" + address, now: now) }
                try? await self.store.audit(actor: name, action: "login.failed", object: name, detail: "from \(address)", at: now)
                return Response.redirect(to: "/login?failed=1", type: .found)
            }
            self.throttle.withLock { $0.succeeded("user:" + name); $0.succeeded("addr:" + address) }
            let token = Tokens.random()
            try await self.store.createSession(tokenSHA256: Tokens.sha256(token), user: user.name, csrf: Tokens.random(), at: now)
            try await self.store.audit(actor: user.name, action: "login", object: user.name, detail: "from \(address)", at: now)
            var response = Response.redirect(to: Self.safeNext(form.next), type: .found)
            response.setCookie(self.cookie(Self.sessionCookie, token, maxAge: nil))
            response.setCookie(self.cookie(Self.loginCSRFCookie, "", maxAge: 0))
            return response
        }

        router.post("/logout") { request, context in
            let id = try self.requirePage(context)
            _ = try await self.checkedForm(request, context, id) as [String: String]
            if let hash = id.sessionHash { try await self.store.deleteSession(tokenSHA256: hash) }
            try await self.store.audit(actor: id.user.name, action: "logout", object: id.user.name, detail: "", at: self.now())
            var response = Response.redirect(to: "/login", type: .found)
            response.setCookie(self.cookie(Self.sessionCookie, "", maxAge: 0))
            return response
        }

        // The language switch: a preference cookie, then back where the user was.
        router.get("/lang/:code") { request, context in
            guard let lang = WebLanguage(rawValue: context.parameters.get("code") ?? "") else { throw HTTPError(.notFound) }
            var response = Response.redirect(to: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), type: .found)
            response.setCookie(self.cookie("lang", lang.rawValue, maxAge: 365 * 86_400))
            return response
        }
    }

    /// A cookie as every one of ours is: HttpOnly, SameSite=Strict, Secure over TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: config.tls, httpOnly: true, sameSite: .strict)
    }

    /// Only a local path is a place to return to (no open redirect to another site): an allow-list
    /// of characters (browsers drop tabs and newlines, so "/\t/host" would be "//host"), one leading
    /// slash, no backslash.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.count <= 512, next.hasPrefix("/"), !next.hasPrefix("//"),
              next.unicodeScalars.allSatisfy(Self.pathScalars.contains) else { return "/" }
        return next
    }

    static let pathScalars = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~%?=&:+,")

    /// The identity of a logged-in user, or a redirect to the login page (thrown).
    func requirePage(_ context: WebContext) throws -> Identity {
        guard let id = context.identity else { throw LoginRequired() }
        return id
    }

    /// A form body, decoded, after checking the session's CSRF token (403 when it is missing or wrong).
    func checkedForm<T: Decodable>(_ request: Request, _ context: WebContext, _ id: Identity) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let text = String(buffer: buffer)
        let fields = Self.fields(text)
        guard let expected = id.csrf, let given = fields["csrf"], Tokens.equal(expected, given) else {
            throw HTTPError(.forbidden, message: "missing or wrong CSRF token; reload the page and try again")
        }
        do { return try URLEncodedFormDecoder().decode(T.self, from: text) } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: Self.decodingMessage(error))
        }
    }

    /// A form or JSON body that does not decode, said in words (never the decoder's internals).
    static func decodingMessage(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "field '\(key.stringValue)' is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "field '\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: return "the form is incomplete"
        }
    }

    static func form<T: Decodable>(_ request: Request, _ context: WebContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        do { return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer)) } catch {
            throw HTTPError(.badRequest, message: "the form is incomplete")
        }
    }

    static func fields(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if kv.count == 2 { out[kv[0]] = kv[1] } else if kv.count == 1 { out[kv[0]] = "" }
        }
        return out
    }
}

/// Thrown by a page route when nobody is logged in: becomes a redirect to the login page.
struct LoginRequired: HTTPResponseError {
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_."))) ?? "/"
        return Response.redirect(to: "/login?next=\(next)", type: .found)
    }
}
