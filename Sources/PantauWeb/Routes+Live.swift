import Foundation
import HTTPTypes
import Hummingbird
import PantauCore

extension WebApp {
    /// `GET /events`: server-sent events of state changes and ticket changes the user may see.
    /// A comment line every 15 s keeps proxies from closing an idle stream.
    func addLiveRoutes(_ router: Router<WebContext>) {
        router.get("/events") { _, context in
            let id = try context.requireIdentity()
            let stream = self.hub.subscribe(id.access)
            let tz = self.tz
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                // Events and a keep-alive comment every 15 s, merged into one stream of lines.
                let (lines, out) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await event in stream { out.yield(Self.sse(event, tz: tz, now: self.now())) }
                        out.finish()
                    }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: .seconds(15))
                            out.yield(": keep-alive\n\n")
                        }
                    }
                    // The stream ends with the right to it: logout, `pantau user disable`, a new
                    // password, a revoked token (checked every few seconds, from any process).
                    group.addTask {
                        while await self.stillValid(id) {
                            try await Task.sleep(for: .seconds(self.liveRecheckSeconds))
                        }
                        out.finish()
                    }
                    defer { group.cancelAll() }
                    for await line in lines { try await writer.write(ByteBuffer(string: line)) }
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
        }
    }

    /// Whether the session or API token behind `id` still holds (a store error keeps the stream:
    /// it is checked again at the next tick).
    func stillValid(_ id: Identity) async -> Bool {
        do {
            if let hash = id.sessionHash {
                return try await store.session(tokenSHA256: hash, idle: config.sessionIdleSeconds, now: now()) != nil
            }
            if let hash = id.tokenHash { return try await store.tokenUser(tokenSHA256: hash) != nil }
            return true
        } catch {
            return true
        }
    }

    /// One event in the SSE wire format: `event:` name and a JSON `data:` line.
    static func sse(_ event: LiveEvent, tz: TimeZone, now: EpochSeconds) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        switch event {
        case .state(let target, let state, let since, _):
            // The time as each language writes it (against the engine's clock), for the page to show without reloading.
            let data = try! encoder.encode(["target": target, "state": state, "since": ISO8601.format(since, in: tz),
                                            "since_id": LocalText.compact(since, now: now, in: tz, .id), "since_en": LocalText.compact(since, now: now, in: tz, .en),
                                            "title_id": LocalText.short(since, in: tz, .id), "title_en": LocalText.short(since, in: tz, .en)])
            return "event: state\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
        case .ticket(let number, let state, let priority, _):
            let data = try! encoder.encode(["number": number, "state": state, "priority": priority])
            return "event: ticket\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
        }
    }
}
