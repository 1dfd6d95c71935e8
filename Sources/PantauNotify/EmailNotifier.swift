import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PantauCore
import PantauStore

/// E-mail through the office's SMTP relay (plain SMTP: EHLO, MAIL FROM, RCPT TO, DATA), one
/// message to every recipient. A 4xx reply or a network error is retried, 5xx is final.
public struct EmailNotifier: Notifier {
    let channel: String
    let host: String
    let port: Int
    let from: String
    let to: [String]
    let timeoutSeconds: Int

    public init(channel: String, host: String, port: Int, from: String, to: [String], timeoutSeconds: Int = 20) {
        self.channel = channel
        self.host = host
        self.port = port
        self.from = from
        self.to = to
        self.timeoutSeconds = timeoutSeconds
    }

    struct SMTPError: Error { var reply: String; var permanent: Bool }

    public func deliver(_ m: OutboxMessage) async -> DeliveryResult {
        let what = "email channel '\(channel)' (\(host):\(port))"
        do {
            try send(m)
            return .sent
        } catch let e as SMTPError {
            return e.permanent ? .failed(error: "\(what): \(e.reply)") : .retry(after: nil, error: "\(what): \(e.reply)")
        } catch {
            return .retry(after: nil, error: "\(what): \(error)")
        }
    }

    func send(_ m: OutboxMessage) throws {
        let fd = try connect()
        defer { close(fd) }
        var buffer = [UInt8]()
        func reply() throws -> (Int, String) {
            // Multi-line replies: "250-…" lines until "250 …".
            while true {
                if let nl = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<nl], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    buffer.removeSubrange(...nl)
                    if line.count >= 4, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
                    return (Int(line.prefix(3)) ?? 0, line)
                }
                var chunk = [UInt8](repeating: 0, count: 1024)
                let n = read(fd, &chunk, chunk.count)
                guard n > 0 else { throw SMTPError(reply: "connection closed", permanent: false) }
                buffer += chunk[0..<n]
            }
        }
        func expect(_ ok: ClosedRange<Int>) throws {
            let (code, line) = try reply()
            guard ok.contains(code) else { throw SMTPError(reply: line, permanent: code >= 500) }
        }
        func say(_ s: String) throws {
            let bytes = Array((s + "\r\n").utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else { throw SMTPError(reply: "write failed", permanent: false) }
        }
        try expect(220...220)
        try say("EHLO pantau")
        try expect(250...250)
        try say("MAIL FROM:<\(from)>")
        try expect(250...250)
        for r in to {
            try say("RCPT TO:<\(r)>")
            try expect(250...251)
        }
        try say("DATA")
        try expect(354...354)
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let subject = "=?UTF-8?B?\(Data(m.subject.utf8).base64EncodedString())?="
        var body = "From: <\(from)>\r\nTo: \(to.map { "<\($0)>" }.joined(separator: ", "))\r\nSubject: \(subject)\r\n"
            + "Date: \(date.string(from: Date(timeIntervalSince1970: Double(m.createdAt))))\r\n"
            + "Message-ID: <\(m.dedupeKey.replacingOccurrences(of: "/", with: "."))@pantau>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        // Dot-stuffing (RFC 5321 4.5.2).
        body += m.body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try say(body + "\r\n.")
        try expect(250...250)
        try? say("QUIT")
    }

    func connect() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
            throw SMTPError(reply: "cannot resolve \(host)", permanent: false)
        }
        defer { freeaddrinfo(res) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            ai = a.pointee.ai_next
        }
        throw SMTPError(reply: "cannot connect", permanent: false)
    }
}
