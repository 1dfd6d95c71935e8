import CCurl
import Foundation
import PantauCore
import PantauStoreKit

/// E-mail through the office's relay with libcurl's SMTP: STARTTLS (required, tried, or off)
/// or implicit TLS (`smtps`), AUTH when a user is set, one message to every recipient. Runs
/// on its own thread (libcurl blocks), never on the cooperative pool. A 4xx reply or a network
/// error is retried; 5xx, a refused login or a TLS failure is final.
public struct EmailNotifier: Notifier {
    /// How the connection is secured.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// STARTTLS if the relay offers it, else plain (an office relay on the LAN).
        case starttlsIfOffered = "starttls-if-offered"
        /// STARTTLS or fail.
        case starttls
        /// TLS from the first byte (`smtps`, port 465).
        case smtps
        /// Plain SMTP.
        case none
    }

    let channel: String
    let host: String
    let port: Int
    let from: String
    let to: [String]
    let security: Security
    let username: String?
    let password: Secret?
    /// A CA bundle to trust (an office CA); nil: the system's.
    let caFile: String?
    let timeoutSeconds: Int

    public init(channel: String, host: String, port: Int, from: String, to: [String], security: Security = .starttlsIfOffered,
                username: String? = nil, password: Secret? = nil, caFile: String? = nil, timeoutSeconds: Int = 20) {
        self.channel = channel
        self.host = host
        self.port = port
        self.from = from
        self.to = to
        self.security = security
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
    }

    static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    public func deliver(_ m: OutboxMessage) async -> DeliveryResult {
        // A requester's message goes to the requester alone; the channel's list gets the rest.
        let rcpt = m.recipient.map { [$0] } ?? to
        guard !rcpt.isEmpty else { return .failed(error: "email channel '\(channel)': no recipient") }
        let message = Self.compose(m, from: from, to: rcpt)
        return await withCheckedContinuation { (c: CheckedContinuation<DeliveryResult, Never>) in
            let t = Thread { c.resume(returning: self.send(message, to: rcpt)) }
            t.name = "pantau-smtp"
            t.start()
        }
    }

    /// The RFC 5322 message: UTF-8 subject (RFC 2047), CRLF lines. libcurl dot-stuffs the body.
    static func compose(_ m: OutboxMessage, from: String, to: [String]) -> [UInt8] {
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let subject = "=?UTF-8?B?\(Data(m.subject.utf8).base64EncodedString())?="
        let head = "From: <\(from)>\r\nTo: \(to.map { "<\($0)>" }.joined(separator: ", "))\r\nSubject: \(subject)\r\n"
            + "Date: \(date.string(from: Date(timeIntervalSince1970: Double(m.createdAt))))\r\n"
            + "Message-ID: <\(m.dedupeKey.replacingOccurrences(of: "/", with: "."))@pantau>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        let body = m.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array((head + body + "\r\n").utf8)
    }

    /// Feeds the message to libcurl's read callback.
    final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    func send(_ message: [UInt8], to: [String]) -> DeliveryResult {
        _ = Self.initialised
        let what = "email channel '\(channel)' (\(host):\(port))"
        guard let curl = curl_easy_init() else { return .retry(after: nil, error: "\(what): libcurl could not start") }
        defer { curl_easy_cleanup(curl) }
        let scheme = security == .smtps ? "smtps" : "smtp"
        _ = pantau_curl_set_string(curl, CURLOPT_URL, "\(scheme)://\(host):\(port)/pantau")
        _ = pantau_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(from)>")
        var rcpt: UnsafeMutablePointer<curl_slist>?
        for r in to { rcpt = curl_slist_append(rcpt, "<\(r)>") }
        defer { curl_slist_free_all(rcpt) }
        _ = pantau_curl_set_list(curl, CURLOPT_MAIL_RCPT, rcpt)
        switch security {
        case .starttlsIfOffered: _ = pantau_curl_set_long(curl, CURLOPT_USE_SSL, PANTAU_CURLUSESSL_TRY)
        case .starttls, .smtps: _ = pantau_curl_set_long(curl, CURLOPT_USE_SSL, PANTAU_CURLUSESSL_ALL)
        case .none: _ = pantau_curl_set_long(curl, CURLOPT_USE_SSL, PANTAU_CURLUSESSL_NONE)
        }
        if let caFile { _ = pantau_curl_set_string(curl, CURLOPT_CAINFO, caFile) }
        if let username {
            _ = pantau_curl_set_string(curl, CURLOPT_USERNAME, username)
            _ = pantau_curl_set_string(curl, CURLOPT_PASSWORD, password?.reveal() ?? "")
        }
        _ = pantau_curl_set_long(curl, CURLOPT_UPLOAD, 1)
        _ = pantau_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = pantau_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, timeoutSeconds)
        _ = pantau_curl_set_long(curl, CURLOPT_TIMEOUT, timeoutSeconds * 3)
        let source = Source(message)
        let box = Unmanaged.passRetained(source)
        defer { box.release() }
        _ = pantau_curl_set_pointer(curl, CURLOPT_READDATA, box.toOpaque())
        _ = pantau_curl_set_read(curl) { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            let s = Unmanaged<Source>.fromOpaque(user).takeUnretainedValue()
            let n = min(size * count, s.bytes.count - s.offset)
            s.bytes.withUnsafeBufferPointer { p in
                buffer.withMemoryRebound(to: UInt8.self, capacity: n) { dst in dst.update(from: p.baseAddress! + s.offset, count: n) }
            }
            s.offset += n
            return n
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { eb in
            _ = pantau_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, eb.baseAddress)
            return curl_easy_perform(curl)
        }
        guard code != CURLE_OK else { return .sent }
        let reply = pantau_curl_response_code(curl)
        let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        let text = "\(what): \(detail)" + (reply > 0 ? " (server reply \(reply))" : "")
        // Final: 5xx, a refused login, TLS required but refused or not trusted. Else: try again later.
        let permanent = reply >= 500 || [CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION,
                                         CURLE_SSL_CACERT_BADFILE].contains(code)
        return permanent ? .failed(error: text) : .retry(after: nil, error: text)
    }
}
