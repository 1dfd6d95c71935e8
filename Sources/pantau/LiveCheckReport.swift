import Foundation
import PantauBus
import PantauCorrelator
import PantauEngine
import PantauReports

/// `pantau check --live` output: a table (Indonesian or English) or JSON.
struct LiveCheckReport {
    var findings: [TopologyFinding]
    var devicesRead: Int
    var devices: Int

    var disagreements: Int { findings.filter(\.isDisagreement).count }

    /// The JSON output, encoded from Codable types.
    struct JSONView: Encodable {
        struct Finding: Encodable {
            var link: String?
            var device, interface, expected, seen, verdict, detail: String
        }
        var devices: Int
        var devicesRead: Int
        var disagreements: Int
        var findings: [Finding]
        enum CodingKeys: String, CodingKey { case devices, devicesRead = "devices_read", disagreements, findings }
    }

    func json() -> String {
        let view = JSONView(devices: devices, devicesRead: devicesRead, disagreements: disagreements, findings: findings.map {
            .init(link: $0.link, device: $0.device, interface: $0.interface, expected: $0.expected, seen: $0.seen,
                  verdict: $0.verdict.rawValue, detail: $0.detail)
        })
        return String(decoding: try! JSONEncoder.pantau.encode(view), as: UTF8.self)
    }

    static let labelsID: [TopologyFinding.Verdict: String] = [
        .agrees: "sesuai", .mismatch: "TIDAK SESUAI", .notInInventory: "TIDAK ADA DI INVENTARIS", .unverified: "belum terverifikasi",
        .noNeighbor: "tanpa tetangga", .noDiscovery: "LLDP tidak terbaca", .unreachable: "tak terjangkau",
    ]

    func table(lang: Language) -> String {
        let id = lang == .id
        var rows = [id ? ["Tautan", "Perangkat", "Port", "Seharusnya", "Terlihat", "Hasil", "Keterangan"]
                       : ["Link", "Device", "Port", "Expected", "Seen", "Verdict", "Detail"]]
        for f in findings {
            rows.append([f.link ?? "-", f.device, f.interface, f.expected.isEmpty ? "-" : f.expected,
                         f.seen.isEmpty ? "-" : String(f.seen.prefix(50)),
                         id ? Self.labelsID[f.verdict]! : f.verdict.rawValue, String(f.detail.prefix(70))])
        }
        let counts = Dictionary(grouping: findings, by: \.verdict).mapValues(\.count)
        let tally = TopologyFinding.Verdict.allCases.compactMap { v in
            counts[v].map { "\(id ? Self.labelsID[v]! : v.rawValue) \($0)" }
        }.joined(separator: ", ")
        let head = id ? "Pemeriksaan topologi: \(devicesRead) dari \(devices) perangkat terbaca; \(disagreements) ketidaksesuaian."
                      : "Topology check: \(devicesRead) of \(devices) devices read; \(disagreements) disagreement(s)."
        return head + "\n" + TextTable.render(rows, rightAligned: []) + "\n" + tally
    }
}
