import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PantauCore

/// A failure no route turned into a response (the store locked past its timeout, a closed
/// month that fails its check, a bug) becomes a page people can read, never a bare HTTP 500:
/// 503 with `Retry-After` while the store fails (the page reloads itself), 500 otherwise. The
/// page says what was being done, in Bahasa Indonesia and English; the error itself goes to the
/// log only (it may hold paths or SQL). The API gets the same as JSON.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let logger: Logger

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge && (error as? HTTPError)?.body == nil {
            // The body limit (64 KiB for forms and the API) said why, not an empty 413.
            throw HTTPError(.contentTooLarge, message: "request too large: at most 64 KiB (permintaan terlalu besar: paling banyak 64 KiB)")
        } catch let error as HTTPResponseError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let storage = (error as? PantauError)?.code == .storage
            let what = (error as? PantauError)?.operation ?? "serving the page"
            logger.error("web request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            let status: HTTPResponse.Status = storage ? .serviceUnavailable : .internalServerError
            var headers = HTTPFields()
            if storage { headers[.retryAfter] = "5" }
            if request.uri.path.hasPrefix("/api/") {
                headers[.contentType] = "application/json; charset=utf-8"
                let body = try JSONEncoder().encode(["error": storage ? "the database cannot be used right now (\(what)); retry" : "internal error (\(what))"])
                return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
            headers[.contentType] = "text/html; charset=utf-8"
            let id = storage
                ? "Basis data sedang tidak dapat dipakai (\(Self.escape(what))). Halaman ini dimuat ulang otomatis dalam 5 detik; pemantauan tetap berjalan."
                : "Terjadi kesalahan saat \(Self.escape(what)). Kesalahan ini tercatat di log Pantau; beri tahu admin bila berulang."
            let en = storage
                ? "The database cannot be used right now (\(Self.escape(what))). This page reloads itself in 5 seconds; monitoring goes on."
                : "Something went wrong while \(Self.escape(what)). It is in Pantau's log; tell the administrator if it happens again."
            let html = """
                <!doctype html><html lang="id"><head><meta charset="utf-8">\(storage ? "<meta http-equiv=\"refresh\" content=\"5\">" : "")
                <title>Pantau: \(storage ? "basis data tidak tersedia" : "kesalahan")</title><link rel="stylesheet" href="/static/pantau.css"></head>
                <body><main><h1>\(storage ? "Basis data tidak tersedia" : "Terjadi kesalahan")</h1><p>\(id)</p><p lang="en">\(en)</p>
                <p><a href="/">Kembali ke ringkasan</a></p></main></body></html>
                """
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
