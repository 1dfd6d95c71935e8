/// How incidents become tickets (`probes/incidents.yaml`).
public struct IncidentConfig: Sendable, Hashable {
    public var tracker = IncidentTracker.Policy()
    public var priority = PriorityPolicy()
    /// Ticket number prefix: `GGN-2026-03-0007`.
    public var numberPrefix = "GGN"
    /// How long a site may lag behind its recovered uplink before it counts as down on its own.
    public var settleSeconds: Int64 = 180
    /// Seconds of engine time between two evaluations.
    public var evaluateEvery: Double = 5
    /// Where ticket news goes.
    public var channels: [NotifyChannel] = []
    /// Helpdesk levels and when an unacknowledged or unresolved ticket moves up.
    public var escalation = EscalationPolicy()
    /// The channel that carries messages to requesters, per kind of contact (`requesters:`):
    /// an e-mail channel as the relay, a Telegram bot, a webhook to a WhatsApp gateway.
    public var requesterChannels: [Contact.Kind: String] = [:]
    /// How many contacts (phone numbers, addresses) reports from one OPD may give a day; past it a
    /// report is still recorded, without the contact (the OPD's registered contacts are told).
    public var contactsPerSitePerDay = 5
    /// How many reports a day one contact may be told about.
    public var reportsPerContactPerDay = 5
    public init() {}
}

/// One notification channel. Secrets (bot token, passwords) come from the environment via
/// `${NAME}` and never appear in `description`, logs or errors.
public struct NotifyChannel: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Telegram Bot API `sendMessage` (`apiURL` is https://api.telegram.org unless overridden).
        case telegram(apiURL: String, botToken: Secret, chatID: String)
        /// A JSON POST for WhatsApp gateways and service desk portals.
        case webhook(url: String, headers: [String: Secret])
        /// SMTP (plain, to the office relay) from `from` to every address in `to`.
        case email(host: String, port: Int, from: String, to: [String])
    }

    public var name: String
    public var kind: Kind
    /// Ticket priorities this channel receives.
    public var priorities: Set<Priority>
    /// Also send notices (redundancy lost, degradation)?
    public var notices: Bool
    /// Receives every ticket's news (false: only carries messages to requesters or escalations).
    public var broadcast = true

    public init(name: String, kind: Kind, priorities: Set<Priority> = Set(Priority.allCases), notices: Bool = false) {
        self.name = name
        self.kind = kind
        self.priorities = priorities
        self.notices = notices
    }

    /// How e-mail channels connect (STARTTLS, AUTH); ignored by the other kinds.
    public var smtp = SMTPOptions()

    public var typeName: String {
        switch kind { case .telegram: "telegram"; case .webhook: "webhook"; case .email: "email" }
    }

    public var description: String { "\(typeName) channel '\(name)'" }
}

/// SMTP connection options of an e-mail channel.
public struct SMTPOptions: Sendable, Hashable {
    /// `starttls-if-offered` (default), `starttls`, `smtps` or `none`.
    public var security = "starttls-if-offered"
    /// AUTH user; nil: no AUTH.
    public var username: String?
    public var password: Secret?
    /// A CA bundle to trust for the relay's certificate (an office CA); nil: the system's.
    public var caFile: String?
    public init() {}
}
