// swift-tools-version: 6.1
import PackageDescription

// libFuzzer harnesses for MLCost's parsers (scripts/fuzz builds and runs them). A package of its own
// because a fuzzer binary has no `main` of its own (libFuzzer's) and every module it reaches is built
// with `-sanitize=fuzzer` coverage: `swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library`.
let package = Package(
  name: "MLCostFuzz",
  dependencies: [.package(name: "MLCost", path: "..")],
  targets: [
    .executableTarget(name: "mlcost-fuzz", dependencies: [
      .product(name: "MLCost", package: "MLCost"),
    ]),
  ],
  swiftLanguageModes: [.v6]
)
