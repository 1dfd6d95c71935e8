/// How the monthly report is signed and judged (`probes/report.yaml`).
public struct ReportConfig: Sendable, Hashable {
    /// What `pantau check` does when the calendar or maintenance of a closed month was edited.
    public enum ClosedMonthEdits: String, Sendable, Hashable, CaseIterable { case refuse, warn }

    /// A person who signs: name, position and NIP.
    public struct Signer: Sendable, Hashable, Codable {
        public var name: String
        public var title: String
        public var nip: String
        public init(name: String, title: String, nip: String) {
            self.name = name
            self.title = title
            self.nip = nip
        }
    }

    /// Lines of the letterhead (kop surat): government, office, address.
    public var letterhead: [String] = []
    /// A logo image (PNG, JPEG or SVG) relative to the inventory folder, embedded in the page.
    public var logo: String?
    /// The city written before the signing date ("Pesisir Timur, 1 April 2026").
    public var city = ""
    /// Who signs the report (prepared by), and who approves it (mengetahui); both optional.
    public var signer: Signer?
    public var approver: Signer?
    public var closedMonthEdits: ClosedMonthEdits = .refuse
    public var accountability = AccountabilityPolicy()

    public init() {}
}
