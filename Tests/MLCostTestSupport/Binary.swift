import Foundation

/// Runs the built `mlcost` binary as a user would.
public enum Binary {
  /// `.build/<triple>/debug/mlcost`, next to the test bundle.
  public static var mlcost: String {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
      let p = candidate.appendingPathComponent("mlcost").path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return Repo.path(".build/debug/mlcost")
  }

  public struct Result {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// Runs `executable` (the built mlcost by default; a copy elsewhere to test what it finds beside itself).
  public static func run(_ arguments: [String], environment: [String: String] = [:], cwd: String? = nil, executable: String? = nil) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable ?? mlcost)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["MLCOST_DB"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Both pipes drain at once: a child that fills its stderr pipe while we wait on stdout would block forever.
    let e = Drain(err.fileHandleForReading)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e.wait(), as: UTF8.self))
  }
}

/// Reads a pipe to its end on its own thread.
final class Drain: @unchecked Sendable {
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)
  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      data = handle.readDataToEndOfFile()
      done.signal()
    }
  }
  func wait() -> Data {
    done.wait()
    return data
  }
}

/// Small FOCUS files for contract tests.
public enum FocusText {
  public static let header = "BilledCost,EffectiveCost,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingCurrency,ProviderName,BillingAccountId,ResourceId,Tags"
  public static func row(_ billed: String, _ effective: String? = nil, period: String = "2026-10", provider: String = "AWS",
                         account: String = "111", resource: String = "i-1", day: Int = 1, tags: String = "") -> String {
    let d = day < 10 ? "0\(day)" : "\(day)"
    return "\(billed),\(effective ?? billed),Usage,\(period)-\(d)T00:00:00Z,\(period)-\(d)T01:00:00Z,\(period)-01T00:00:00Z,USD,\(provider),\(account),\(resource),\(tags)"
  }
  public static func file(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }
  @discardableResult
  public static func write(_ rows: [String], to dir: String, name: String) throws -> String {
    let path = (dir as NSString).appendingPathComponent(name)
    try file(rows).write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
