import ArgumentParser
import Foundation
import PantauCore
import PantauInventory
import PantauNotify
import PantauStoreKit

/// A manual bandwidth test takes the same lease as the engine's scheduled ones: it is refused,
/// naming the running test, when another test (of this or any other process) shares its path.
extension LocationOptions {
    /// Runs `body` holding the lease of `target`'s path for at most `seconds`; exits 1 with the
    /// refusal when the path is taken. The lease ends with the body (or expires if the process dies).
    func withBandwidthLease<T>(target: String, inventory: Inventory, seconds: Double, holder: String,
                               _ body: () async throws -> T) async throws -> T {
        let now = EpochSeconds(Date().timeIntervalSince1970)
        let lease = BandwidthLease(holder: holder, target: target, links: Array(BandwidthPath.links(of: target, in: inventory)),
                                   startedAt: now, expiresAt: now + EpochSeconds(seconds.rounded(.up)) + 30)
        let held = try await withStore(.create) { try await $0.acquireBandwidthLease(lease, now: now) }
        if let held {
            let tz = TimeZone(identifier: inventory.timezone) ?? .current
            printErr("pantau: \(target): not started: " + BandwidthLeaseRules.refusal(held, shared: Set(lease.links).intersection(held.links), timeZone: tz))
            throw ExitCode(1)
        }
        do {
            let value = try await body()
            try? await withStore(.create) { try await $0.releaseBandwidthLease(lease.id) }
            return value
        } catch {
            try? await withStore(.create) { try await $0.releaseBandwidthLease(lease.id) }
            throw error
        }
    }

    static var cliHolder: String { "pantau bandwidth (CLI) on \(ProcessInfo.processInfo.hostName), pid \(getpid())" }
}

extension BandwidthTest {
    /// `--record`: the shortfall opens (or updates) the link's notice, the same ticket the
    /// engine's correlator keeps (root `link:ID:degraded`): it adopts it, and a later passing
    /// scheduled test clears it. Messages go to the channels as for any notice.
    func recordShortfall(_ config: LoadedConfiguration) async throws -> String {
        let inv = config.inventory
        let tz = TimeZone(identifier: inv.timezone) ?? .current
        let calendar = WorkingCalendar(spec: inv.calendar, timeZone: tz)
        let at = EpochSeconds(Date().timeIntervalSince1970)
        let element: RootCause.Element = inv.link(target) != nil ? .link(target) : .site(target)
        let contract = inv.contractMbps(target).map { String(format: "%.0f", $0) } ?? "?"
        let reason = "bandwidth-below-contract: manual test (pantau bandwidth test --record) below \(String(format: "%.0f", config.bandwidth.thresholdPct))% "
            + "of \(contract) Mbps on \(config.bandwidth.consecutive) tests"
        let root = RootCause(element: element, cause: .degraded, affectedSites: [], startedAt: at, evidence: ["\(target): \(reason)"])
        let decision = config.incidents.priority.decide(root, inventory: inv, calendar: calendar, at: at)
        let composer = NotificationComposer(inventory: inv, config: config.incidents)
        let (ticket, _) = try await location.withStore(.create) { store in
            try await store.openTicket(root, decision: decision, at: at, month: YearMonth(calendar.localDate(of: at)).description,
                                       reopenWithin: config.incidents.tracker.reopenWithin, prefix: config.incidents.numberPrefix,
                                       explaining: [], messages: { composer.drafts($0, $1) })
        }
        return ticket.number
    }
}
