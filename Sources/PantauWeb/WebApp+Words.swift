import Foundation
import PantauCore

extension WebLanguage {
    /// The same language as the core's texts name it.
    var local: LocalText.Language { self == .en ? .en : .id }
}

extension WebApp {
    /// An instant as a screen shows it: "7 Des 2026 08.08 WIB" / "7 Dec 2026 08:08 WIB".
    func when(_ t: EpochSeconds, _ lang: WebLanguage) -> String { LocalText.short(t, in: tz, lang.local) }

    /// An instant with how long ago it was: "7 Des 2026 08.08 WIB (12 menit lalu)".
    func whenAgo(_ t: EpochSeconds, _ lang: WebLanguage) -> String {
        when(t, lang) + " (" + LocalText.relative(t, now: now(), lang.local) + ")"
    }

    /// A line the engine wrote into a ticket (reason, evidence, ledger) in the reader's language.
    func phrase(_ text: String, _ lang: WebLanguage) -> String { Phrasebook.standard.render(text, lang.local, timeZone: tz) }

    /// A duration as words: "2 jam 05 menit 09 detik" / "2 h 05 min 09 s".
    func duration(_ s: Int64, _ lang: WebLanguage) -> String { Self.duration(s, lang) }

    /// The same, written directly: tables call it thousands of times per page.
    static func duration(_ s: Int64, _ lang: WebLanguage) -> String {
        let h = s / 3600, m = s % 3600 / 60, sec = s % 60
        let (hu, mu, su) = lang == .en ? ("h", "min", "s") : ("jam", "menit", "detik")
        let mm = m < 10 ? "0\(m)" : "\(m)", ss = sec < 10 ? "0\(sec)" : "\(sec)"
        return h > 0 ? "\(h) \(hu) \(mm) \(mu) \(ss) \(su)" : "\(m) \(mu) \(ss) \(su)"
    }
}
