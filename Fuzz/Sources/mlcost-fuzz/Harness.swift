import Foundation
import MLCost

// One binary, one harness per target; MLCOST_FUZZ_TARGET picks it (scripts/fuzz sets it).
nonisolated(unsafe) var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
  let name = ProcessInfo.processInfo.environment["MLCOST_FUZZ_TARGET"] ?? ""
  guard let target = FuzzTarget(rawValue: name) else {
    FileHandle.standardError.write(Data("set MLCOST_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(2)
  }
  selected = target
  return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  selected?.run(bytes)
  return 0
}

// SwiftPM links an executable's `main` to `<module>_main`; hand the process to libFuzzer's driver from there.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("mlcost_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
  var count = argc
  var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
  return withUnsafeMutablePointer(to: &count) { c in
    withUnsafeMutablePointer(to: &vector) { v in
      runDriver(c, v) { data, size in testOneInput(data, size) }
    }
  }
}
