import Foundation
import PantauCore
import Synchronization

/// The demo's mirror port: traffic of the simulated network, never captured from anything.
/// Every OPD reachable at the moment exchanges its simulated link load with the data centre
/// (80% towards the OPD, as an office downloads), over a few fixed conversations, counted in
/// one-second aggregates on the simulated clock by its own thread.
public final class SimulatedCaptureTransport: CaptureTransport {
    let inventory: Inventory
    let network: SimulatedEchoTransport
    let clock: any WallClock
    let stopping = Atomic<Bool>(false)
    let finished = Mutex<DispatchSemaphore?>(nil)

    public init(inventory: Inventory, network: SimulatedEchoTransport, clock: any WallClock) {
        self.inventory = inventory
        self.network = network
        self.clock = clock
    }

    public func start(_ tap: TrafficTap) throws {
        let done = DispatchSemaphore(value: 0)
        finished.withLock { $0 = done }
        stopping.store(false, ordering: .relaxed)
        let core = inventory.sites.first { $0.role == .core && !$0.subnets.isEmpty }?.subnets.first
        let flows = inventory.sites.filter { $0.role != .core && !$0.subnets.isEmpty }.compactMap { site -> (Site, Double)? in
            guard let link = site.uplinks.first.flatMap({ inventory.link($0) }) else { return nil }
            return (site, SimulatedSNMPTransport.octetsPerSecond(link, inventory: inventory))
        }
        let thread = Thread { [self] in
            var last = EpochSeconds(clock.now())
            while !stopping.load(ordering: .relaxed) {
                let now = EpochSeconds(clock.now())
                if now > last {
                    var local = tap.counter.withLock { OPDTrafficCounter(map: $0.map, bucketSeconds: $0.bucketSeconds) }
                    var packets: Int64 = 0
                    for second in last..<min(now, last + 3600) {
                        let reachable = network.reachableSites(at: Double(second))
                        for (site, octets) in flows where reachable.contains(site.id) {
                            let lan = site.subnets[0].network, dc = core?.network ?? 0
                            // Three conversations: an application download, web, and the office's uploads.
                            let parts: [(UInt32, UInt32, UInt8, UInt16, Double)] = [
                                (dc | 10, lan | 21, 6, 443, 0.55), (dc | 11, lan | 22, 6, 80, 0.25), (lan | 23, dc | 12, 6, 443, 0.20),
                            ]
                            for (s, d, proto, port, share) in parts {
                                let bytes = Int(octets * share)
                                let n = Int64(max(1, bytes / 1200))
                                local.count(source: s, destination: d, length: bytes, proto: proto, port: port, at: second, packets: n)
                                packets += n
                            }
                        }
                    }
                    tap.merge(&local, nonIP: 0)
                    tap.statistics.withLock { $0.received += packets }
                    last = now
                }
                usleep(100_000)
            }
            done.signal()
        }
        thread.name = "pantau-simulated-capture"
        thread.start()
    }

    public func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.withLock { $0 }?.wait()
    }
}
