// swift-tools-version: 6.1
import PackageDescription

// The module graph is DESIGN.md's: arrows point down only, and
// Tests/MLCostTests/ModuleGraphTests.swift enforces it from the import lines.
// No unsafe flags, so other packages can depend on the library products: the import path's hot class
// state opts out of dynamic exclusivity checks per declaration (`@exclusivity(unchecked)`, docs/decisions.md).

let package = Package(
  name: "MLCost",
  // Built and tested on Linux (Debian 12). On Apple platforms, `Int128` money needs macOS 15; untested there.
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mlcost", targets: ["MLCostCLI"]),
    .library(name: "MLCost", targets: ["MLCost"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // System libraries (Debian: libsqlite3-dev, libxml2-dev, libssl-dev, zlib1g-dev).
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                   providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                   providers: [.apt(["libxml2-dev"])]),
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                   providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

    .target(name: "MLCostCore"),
    .target(name: "MLCostImporters", dependencies: ["MLCostCore", "CLibXML2", "CZlib"]),
    .target(name: "MLCostStore", dependencies: ["MLCostCore", "CSQLite"]),
    .target(name: "MLCostAttribution", dependencies: ["MLCostCore", .product(name: "Yams", package: "Yams")]),
    .target(name: "MLCostCatalogs", dependencies: ["MLCostCore"]),
    .target(name: "MLCostPlanner", dependencies: ["MLCostCore", "MLCostCatalogs", .product(name: "Yams", package: "Yams")]),
    .target(name: "MLCostReports", dependencies: ["MLCostCore", "CLibXML2"]),
    // The demo company and the benchmark shapes: deterministic exports in FOCUS, CUR, OpenAI, LiteLLM and CloudWatch form.
    .target(name: "MLCostDemo", dependencies: ["MLCostCore"]),
    .target(name: "MLCost", dependencies: ["MLCostCore", "MLCostImporters", "MLCostStore", "MLCostAttribution", "MLCostCatalogs",
                                           "MLCostPlanner", "MLCostReports", "MLCostDemo", "CCrypto"],
            // The Spark job `--engine spark` submits (PySpark; see docs/decisions.md).
            resources: [.copy("Spark/mlcost_reduce.py")]),
    .executableTarget(name: "MLCostCLI", dependencies: [
      "MLCost",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),

    .target(name: "MLCostTestSupport", dependencies: ["MLCostCore", "MLCostAttribution", "CZlib"], path: "Tests/MLCostTestSupport"),
    .testTarget(name: "MLCostCoreTests", dependencies: ["MLCostCore"]),
    .testTarget(name: "MLCostImportersTests", dependencies: ["MLCostImporters", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostStoreTests", dependencies: ["MLCostStore", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostAttributionTests", dependencies: ["MLCostAttribution", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostCatalogsTests", dependencies: ["MLCostCatalogs", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostPlannerTests", dependencies: ["MLCostPlanner", "MLCostCatalogs", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostReportsTests", dependencies: ["MLCostReports", "MLCostCore", "MLCostTestSupport"]),
    .testTarget(name: "MLCostTests", dependencies: ["MLCost", "MLCostCore", "MLCostStore", "MLCostImporters", "MLCostDemo", "MLCostTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
