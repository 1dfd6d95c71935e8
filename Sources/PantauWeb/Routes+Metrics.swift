import Foundation
import HTTPTypes
import Hummingbird
import PantauCore
import PantauReports
import PantauStoreKit
import Prometheus

/// `/metrics` in the Prometheus exposition format (swift-prometheus): per-site state, RTT and
/// loss; per-link state, bit rates and optical power; each source's last cycle; open tickets by
/// priority; the outbox backlog. Values are read from the store at scrape time (the same read
/// model as the dashboard), so a scrape never sees a figure the store does not hold.
final class EngineMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let inventory: Inventory

    init(inventory: Inventory) { self.inventory = inventory }

    func update(_ report: StatusReport, tickets: [Ticket], backlog: Int) {
        let states: [String] = ["up", "down", "unknown"]
        for s in report.sites {
            for st in states {
                gauge("pantau_site_state", [("site", s.id), ("state", st)], "1 for the site's current state").set(s.state.rawValue == st || (st == "unknown" && s.state == .unresolved) ? 1.0 : 0.0)
            }
            set("pantau_site_rtt_milliseconds", [("site", s.id)], s.rttMs, "Mean ICMP round-trip time of the last round")
            set("pantau_site_loss_ratio", [("site", s.id)], s.lossPct.map { $0 / 100 }, "ICMP loss of the last round (0-1)")
        }
        for l in report.links {
            for st in states {
                gauge("pantau_link_state", [("link", l.id), ("state", st)], "1 for the link's current state").set(l.state.rawValue == st ? 1.0 : 0.0)
            }
            set("pantau_link_in_bits_per_second", [("link", l.id)], l.inBps, "Inbound bit rate at the link's a end")
            set("pantau_link_out_bits_per_second", [("link", l.id)], l.outBps, "Outbound bit rate at the link's a end")
            set("pantau_link_optical_rx_dbm", [("link", l.id)], l.rxDbm, "SFP receive power")
            set("pantau_link_optical_tx_dbm", [("link", l.id)], l.txDbm, "SFP transmit power")
        }
        for s in report.sources {
            let labels = [("source", s.source)]
            gauge("pantau_source_running", labels, "1 while the prober heartbeats").set(s.state == "running" ? 1.0 : 0.0)
            set("pantau_source_cycle_seconds", labels, s.cycleMs.map { Double($0) / 1000 }, "Duration of the last probe round or poll cycle")
            set("pantau_source_cycle_targets", labels, s.done.map(Double.init), "Targets probed in the last cycle")
            set("pantau_source_cycle_answered", labels, s.answered.map(Double.init), "Targets that answered in the last cycle")
            set("pantau_source_cycle_late", labels, s.late.map(Double.init), "Targets probed late in the last cycle")
            set("pantau_source_targets", labels, s.total.map(Double.init), "Every target the source watches (the inventory's)")
            set("pantau_source_targets_unread", labels, s.total.map { Double($0 - (s.current ?? 0)) },
                "Targets without a good read within their interval (never polled, failing, or silent)")
        }
        for p in Priority.allCases {
            gauge("pantau_open_tickets", [("priority", p.rawValue)], "Open or acknowledged tickets")
                .set(Double(tickets.filter { $0.priority == p && ($0.state == .open || $0.state == .acknowledged) }.count))
        }
        gauge("pantau_outbox_backlog", [], "Notifications not yet delivered").set(Double(backlog))
    }

    /// A gauge by its full name (no unit suffix added), labels and help line.
    func gauge(_ name: String, _ labels: [(String, String)], _ help: String) -> Gauge {
        let descriptor = MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        return labels.isEmpty ? registry.makeGauge(descriptor: descriptor) : registry.makeGauge(descriptor: descriptor, labels: labels)
    }

    func set(_ name: String, _ labels: [(String, String)], _ value: Double?, _ help: String) {
        // NaN says "no figure" (Prometheus' convention) instead of a stale one.
        gauge(name, labels, help).set(value ?? .nan)
    }
}

extension WebApp {
    func addMetricsRoute(_ router: Router<WebContext>) {
        router.get("/metrics") { _, context in
            let id = try context.requireIdentity()
            guard id.access.seesEverything else { throw HTTPError(.forbidden, message: "metrics are for the network team") }
            let text = try await self.metricsText()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    func metricsText() async throws -> String {
        let report = try await status.build(store: store, now: now())
        let tickets = try await store.tickets(states: [.open, .acknowledged])
        let backlog = try await store.outboxBacklog()
        metrics.update(report, tickets: tickets, backlog: backlog)
        return metrics.registry.emitToString()
    }
}
