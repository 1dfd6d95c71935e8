// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pantau",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pantau", targets: ["pantau"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // Pure domain: inventory model, working calendar, availability math, topology,
        // state machines. Imports Foundation (dates, time zones) and no I/O library.
        .target(name: "PantauCore", path: "Sources/PantauCore"),
        // Reads inventory/ and probes/ (YAML, CSV) into the domain model, with file:line diagnostics.
        .target(name: "PantauInventory", dependencies: [
            "PantauCore", .product(name: "Yams", package: "Yams"),
        ], path: "Sources/PantauInventory"),
        // The store contract: protocols, record types and the rules every store follows (ticket
        // lifecycle and numbering, helpdesk, month close, import checks) as pure functions that
        // return what to write. No database library: faces and notifiers depend on this only.
        .target(name: "PantauStoreKit", dependencies: ["PantauCore"], path: "Sources/PantauStoreKit"),
        // The embedded store on SQLite (GRDB): SQL and row mapping under the contract; the spool.
        .target(name: "PantauSQLite", dependencies: [
            "PantauCore", "PantauStoreKit", .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Sources/PantauSQLite"),
        // The shared store for several engines: the store protocols on PostgreSQL (postgres-nio),
        // history partitioned by month.
        .target(name: "PantauPostgres", dependencies: [
            "PantauCore", "PantauStoreKit", "PantauSQLite", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/PantauPostgres"),
        // Probers and their transports (ICMP over real sockets; simulated and recording fakes).
        .target(name: "PantauProbes", dependencies: [
            "PantauCore", .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/PantauProbes"),
        // net-snmp (libsnmp) as a Swift module: headers in the right order plus small helpers.
        .systemLibrary(name: "CNetSNMP", path: "Sources/CNetSNMP", pkgConfig: "netsnmp",
                       providers: [.apt(["libsnmp-dev"])]),
        // The SNMP transport and trap receiver on net-snmp's single-session API, one I/O thread.
        .target(name: "PantauNetSNMP", dependencies: ["CNetSNMP", "PantauProbes"], path: "Sources/PantauNetSNMP"),
        // libpcap as a Swift module: passive traffic per OPD on a SPAN/mirror port.
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        // The capture transport on libpcap: its own thread, headers only, counted per OPD subnet.
        .target(name: "PantauCapture", dependencies: ["CPcap", "PantauProbes", "PantauCore"], path: "Sources/PantauCapture"),
        // libcurl (SMTP with STARTTLS and AUTH) as a Swift module: typed wrappers for the variadic setopt.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Notification channels (Telegram, JSON webhook, SMTP) delivering the durable outbox.
        .target(name: "PantauNotify", dependencies: [
            "PantauCore", "PantauStoreKit", "PantauBus", "CCurl", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/PantauNotify"),
        // What the running services share: the observation bus, engine events, the wall clock
        // and the board of store faults. No store, no prober: the web face uses it without the engine.
        .target(name: "PantauBus", dependencies: [
            "PantauCore", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/PantauBus"),
        // The correlator: incidents from observations (IncidentManager), the central feed of
        // several engines and the active/standby lock. Services over the bus and the store contract.
        .target(name: "PantauCorrelator", dependencies: [
            "PantauCore", "PantauStoreKit", "PantauBus",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/PantauCorrelator"),
        // The probe engine: schedules rounds, tracks state, writes history. A Service.
        .target(name: "PantauEngine", dependencies: [
            "PantauCore", "PantauProbes", "PantauStoreKit", "PantauBus",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], path: "Sources/PantauEngine"),
        // Read models shared by every face (CLI, web, report): status, availability, tickets,
        // with their Codable output types and the staleness rule.
        .target(name: "PantauReports", dependencies: [
            "PantauCore", "PantauStoreKit", .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Sources/PantauReports"),
        // The helpdesk workflow (reports, escalation, installation, archive) for every face.
        .target(name: "PantauHelpdesk", dependencies: [
            "PantauCore", "PantauStoreKit", "PantauNotify", "PantauReports", "PantauBus",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/PantauHelpdesk"),
        // The web face: dashboard, JSON API, live events and /metrics (Hummingbird), a sibling
        // service of the engine; users, roles, sessions and the audit log.
        .target(name: "PantauWeb", dependencies: [
            "PantauCore", "PantauStoreKit", "PantauReports", "PantauBus", "PantauHelpdesk",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Sources/PantauWeb"),
        // The one executable, with subcommands.
        .executableTarget(name: "pantau", dependencies: [
            "PantauCore", "PantauInventory", "PantauStoreKit", "PantauSQLite", "PantauProbes", "PantauBus", "PantauEngine", "PantauCorrelator", "PantauNetSNMP", "PantauNotify",
            "PantauReports", "PantauCapture", "PantauWeb", "PantauHelpdesk", "PantauPostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], path: "Sources/pantau"),

        // Optimized so the per-second reference in the property tests stays fast.
        .testTarget(name: "PantauCoreTests", dependencies: ["PantauCore"], path: "Tests/PantauCoreTests",
                    swiftSettings: [.unsafeFlags(["-O"])]),
        .testTarget(name: "PantauInventoryTests", dependencies: ["PantauInventory", "PantauCore", .product(name: "Yams", package: "Yams")],
                    path: "Tests/PantauInventoryTests"),
        .testTarget(name: "PantauStoreTests", dependencies: ["PantauStoreKit", "PantauSQLite", "PantauCore", "PantauTestSupport", "PantauPostgres",
                                                            "PantauReports", .product(name: "GRDB", package: "GRDB.swift")],
                    path: "Tests/PantauStoreTests"),
        // Real agents for tests: snmpd, snmpsim, network namespaces (test-only helpers).
        .target(name: "PantauTestSupport", path: "Tests/PantauTestSupport"),
        .testTarget(name: "PantauProbesTests", dependencies: ["PantauProbes", "PantauCore", "PantauNetSNMP", "PantauCapture", "PantauTestSupport"],
                    path: "Tests/PantauProbesTests"),
        .testTarget(name: "PantauEngineTests", dependencies: [
            "PantauEngine", "PantauBus", "PantauCorrelator", "PantauNotify", "PantauTestSupport", "PantauProbes", "PantauStoreKit", "PantauSQLite", "PantauCore", "PantauInventory",
            "PantauReports", "PantauHelpdesk", "PantauPostgres", .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Tests/PantauEngineTests"),
        // Every route, role and error of the web face on Hummingbird's test client.
        .testTarget(name: "PantauWebTests", dependencies: [
            "PantauWeb", "PantauStoreKit", "PantauSQLite", "PantauCore", "PantauBus", "PantauEngine", "PantauReports", "PantauTestSupport", "PantauHelpdesk", "PantauPostgres",
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
        ], path: "Tests/PantauWebTests"),
        // Drives the built `pantau` binary: CLI contracts, kill -9, network namespaces.
        .testTarget(name: "PantauIntegrationTests", dependencies: [
            "pantau", "PantauStoreKit", "PantauSQLite", "PantauCore", "PantauTestSupport",
        ], path: "Tests/PantauIntegrationTests"),
    ]
)
