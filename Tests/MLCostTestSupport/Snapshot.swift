import Foundation
import Testing

/// Golden files: compares `actual` with the file; records it when `RECORD_SNAPSHOTS` is set.
public func assertSnapshot(_ actual: String, at path: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let fm = FileManager.default
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
    try? fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try? actual.write(toFile: path, atomically: true, encoding: .utf8)
    return
  }
  guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
    Issue.record("no golden file at \(path); run with RECORD_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
    return
  }
  if expected != actual {
    Issue.record("\(path) differs (RECORD_SNAPSHOTS=1 re-records):\n\(lineDiff(expected, actual))", sourceLocation: sourceLocation)
  }
}

/// A line diff (the standard library's `difference(from:)`, a Myers diff): removed lines as `-N:` with
/// their line number in `a`, inserted ones as `+N:` with theirs in `b`; one inserted line is one `+` line.
public func lineDiff(_ a: String, _ b: String) -> String {
  let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
  let changes = y.difference(from: x)
  var removed = Set<Int>(), inserted = Set<Int>()
  for change in changes {
    switch change {
    case .remove(let offset, _, _): removed.insert(offset)
    case .insert(let offset, _, _): inserted.insert(offset)
    }
  }
  var out: [String] = []
  var i = 0, j = 0
  while i < x.count || j < y.count, out.count <= 40 {
    if i < x.count, removed.contains(i) {
      out.append("-\(i + 1): \(x[i])"); i += 1
    } else if j < y.count, inserted.contains(j) {
      out.append("+\(j + 1): \(y[j])"); j += 1
    } else {
      i += 1; j += 1
    }
  }
  if out.count > 40 { out.append("…") }
  return out.joined(separator: "\n")
}

/// Paths inside the repository, from this file's location.
public enum Repo {
  public static let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()
  public static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
  /// `../shared/data/…`, or nil (with the reason) when `../shared` is absent.
  public static var sharedData: String? {
    let p = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: p) ? p : nil
  }
  /// The trait of a test that reads `../shared/data`: without it the test is skipped, and the test run says why.
  public static var needsSharedData: ConditionTrait {
    .enabled(if: sharedData != nil, "../shared/data is absent (a user's checkout has none); CI runs with it beside the repository")
  }
  public static func temporaryDirectory(_ name: String = #function) -> String {
    let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mlcost-tests-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}
