// swift-tools-version: 6.1
// A probe, not part of MLCost: measures the bulk insert of MLCost's `charge` rows through GRDB and
// through the SQLite C API, to justify the store's choice (docs/decisions.md). Run: scripts/store-probe/run
import PackageDescription

let package = Package(
  name: "StoreProbe",
  dependencies: [.package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0")],
  targets: [
    .executableTarget(name: "StoreProbe", dependencies: [
      .product(name: "GRDB", package: "GRDB.swift"),
      .product(name: "GRDBSQLite", package: "GRDB.swift"),
    ])
  ],
  swiftLanguageModes: [.v6]
)
