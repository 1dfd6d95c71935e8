import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PantauCore
import PantauStoreKit

/// POSTs JSON and maps the answer: 2xx sent, 429 retry after what the server asks, other 4xx
/// failed, 5xx and network errors retried.
struct JSONPoster: Sendable {
    let timeoutSeconds: Double

    func post(_ url: URL, json: Data, headers: [String: Secret], what: String) async -> (DeliveryResult, Data) {
        var req = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        req.httpMethod = "POST"
        req.httpBody = json
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { req.setValue(v.reveal(), forHTTPHeaderField: k) }
        do {
            let (data, response) = try await URLSession.shared.data(for: req)
            guard let http = response as? HTTPURLResponse else { return (.retry(after: nil, error: "\(what): no HTTP response"), data) }
            switch http.statusCode {
            case 200..<300: return (.sent, data)
            case 429:
                let header = http.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
                return (.retry(after: header, error: "\(what): HTTP 429 (rate limited)"), data)
            case 400..<500: return (.failed(error: "\(what): HTTP \(http.statusCode)"), data)
            default: return (.retry(after: nil, error: "\(what): HTTP \(http.statusCode)"), data)
            }
        } catch {
            return (.retry(after: nil, error: "\(what): \((error as NSError).localizedDescription)"), Data())
        }
    }
}

/// Telegram Bot API `sendMessage`. A 429 answer carries `parameters.retry_after`, honoured.
public struct TelegramNotifier: Notifier {
    let channel: String
    let apiURL: String
    let token: String
    let chatID: String
    let poster = JSONPoster(timeoutSeconds: 15)

    public init(channel: String, apiURL: String, botToken: String, chatID: String) {
        self.channel = channel
        self.apiURL = apiURL
        token = botToken
        self.chatID = chatID
    }

    public func deliver(_ m: OutboxMessage) async -> DeliveryResult {
        guard let url = URL(string: "\(apiURL)/bot\(token)/sendMessage") else { return .failed(error: "telegram channel '\(channel)': bad api_url") }
        let body = try! JSONSerialization.data(withJSONObject: ["chat_id": m.recipient ?? chatID, "text": m.body, "disable_web_page_preview": true])
        let (result, data) = await poster.post(url, json: body, headers: [:], what: "telegram channel '\(channel)'")
        if case .retry(nil, let e) = result, e.contains("429"),
           let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let p = o["parameters"] as? [String: Any], let after = p["retry_after"] as? Double {
            return .retry(after: after, error: e)
        }
        if case .failed(let e) = result, let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let d = o["description"] as? String {
            return .failed(error: "\(e): \(d.replacingOccurrences(of: token, with: "…"))")
        }
        return result
    }
}

/// A generic JSON webhook (WhatsApp gateways, service desk portals):
/// `{"channel","subject","text","ticket","event"}`, plus `"to"` (the requester's phone number)
/// for a message to a requester.
public struct WebhookNotifier: Notifier {
    let channel: String
    let url: String
    let headers: [String: Secret]
    let poster = JSONPoster(timeoutSeconds: 15)

    public init(channel: String, url: String, headers: [String: Secret]) {
        self.channel = channel
        self.url = url
        self.headers = headers
    }

    public func deliver(_ m: OutboxMessage) async -> DeliveryResult {
        guard let u = URL(string: url) else { return .failed(error: "webhook channel '\(channel)': bad url") }
        let parts = m.dedupeKey.split(separator: "/")
        var payload: [String: String] = [
            "channel": channel, "subject": m.subject, "text": m.body,
            "ticket": parts.first.map(String.init) ?? "", "event": parts.count > 1 ? String(parts[1]) : "",
        ]
        if let to = m.recipient { payload["to"] = to }
        let body = try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        // The message's own key: a receiver that honours it drops a repeat (after a kill -9 mid-request).
        var h = headers
        h["Idempotency-Key"] = Secret(m.dedupeKey)
        return await poster.post(u, json: body, headers: h, what: "webhook channel '\(channel)'").0
    }
}
