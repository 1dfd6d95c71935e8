/// A day of the week, spelled as in the inventory (`mon` … `sun`).
public enum Weekday: String, CaseIterable, Sendable, Hashable, Codable {
    case mon, tue, wed, thu, fri, sat, sun

    /// Indonesian name, for reports.
    public var nameID: String {
        switch self {
        case .mon: "Senin"
        case .tue: "Selasa"
        case .wed: "Rabu"
        case .thu: "Kamis"
        case .fri: "Jumat"
        case .sat: "Sabtu"
        case .sun: "Minggu"
        }
    }
}
