import Foundation
import PantauCore
import PantauStoreKit

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
