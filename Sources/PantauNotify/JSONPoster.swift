import CCurl
import Foundation
import PantauCore
import PantauStoreKit

/// POSTs JSON with libcurl (the library the e-mail channel already uses; Foundation's URLSession
/// would link FoundationNetworking, ~10 MiB of a long-running engine's memory, for two calls) and
/// maps the answer: 2xx sent, 429 retry after what the server asks, other 4xx failed, 5xx and
/// network errors retried. Blocks its own thread, never the cooperative pool.
struct JSONPoster: Sendable {
    let timeoutSeconds: Int

    init(timeoutSeconds: Int) { self.timeoutSeconds = timeoutSeconds }

    func post(_ url: URL, json: Data, headers: [String: Secret], what: String) async -> (DeliveryResult, Data) {
        await withCheckedContinuation { (c: CheckedContinuation<(DeliveryResult, Data), Never>) in
            let t = Thread { c.resume(returning: self.send(url.absoluteString, json: json, headers: headers, what: what)) }
            t.name = "pantau-http"
            t.start()
        }
    }

    /// Collects the answer's body (bounded: a notifier needs an error's few lines, not a page).
    final class Sink {
        var data = Data()
        static let limit = 1 << 20
    }

    func send(_ url: String, json: Data, headers: [String: Secret], what: String) -> (DeliveryResult, Data) {
        _ = EmailNotifier.initialised
        guard let curl = curl_easy_init() else { return (.retry(after: nil, error: "\(what): libcurl could not start"), Data()) }
        defer { curl_easy_cleanup(curl) }
        _ = pantau_curl_set_string(curl, CURLOPT_URL, url)
        // Only HTTP(S), never another of libcurl's protocols (file://, a redirect to gopher://).
        _ = pantau_curl_set_string(curl, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = pantau_curl_set_string(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        var list: UnsafeMutablePointer<curl_slist>?
        list = curl_slist_append(list, "Content-Type: application/json")
        list = curl_slist_append(list, "Expect:")  // no 100-continue round trip
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { list = curl_slist_append(list, "\(k): \(v.reveal())") }
        defer { curl_slist_free_all(list) }
        _ = pantau_curl_set_list(curl, CURLOPT_HTTPHEADER, list)
        _ = pantau_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        _ = pantau_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, timeoutSeconds)
        _ = pantau_curl_set_long(curl, CURLOPT_TIMEOUT, timeoutSeconds)
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        _ = pantau_curl_set_pointer(curl, CURLOPT_WRITEDATA, box.toOpaque())
        _ = pantau_curl_set_write(curl) { data, size, count, user in
            guard let user else { return 0 }
            let s = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            if let data, s.data.count < Sink.limit {
                data.withMemoryRebound(to: UInt8.self, capacity: n) { s.data.append($0, count: min(n, Sink.limit - s.data.count)) }
            }
            return n
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = json.withUnsafeBytes { body in
            errorBuffer.withUnsafeMutableBufferPointer { eb in
                _ = pantau_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, eb.baseAddress)
                _ = pantau_curl_set_size(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                _ = pantau_curl_set_pointer(curl, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress))
                return curl_easy_perform(curl)
            }
        }
        guard code == CURLE_OK else {
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return (.retry(after: nil, error: "\(what): \(message.isEmpty ? String(cString: curl_easy_strerror(code)) : message)"), sink.data)
        }
        let status = pantau_curl_response_code(curl)
        switch status {
        case 200..<300: return (.sent, sink.data)
        case 429:
            let after = pantau_curl_retry_after(curl)
            return (.retry(after: after > 0 ? Double(after) : nil, error: "\(what): HTTP 429 (rate limited)"), sink.data)
        case 400..<500: return (.failed(error: "\(what): HTTP \(status)"), sink.data)
        default: return (.retry(after: nil, error: "\(what): HTTP \(status)"), sink.data)
        }
    }
}
