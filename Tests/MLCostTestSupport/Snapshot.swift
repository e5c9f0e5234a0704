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

/// A short unified-style diff: the differing lines with a little context.
public func lineDiff(_ a: String, _ b: String) -> String {
  let x = a.components(separatedBy: "\n"), y = b.components(separatedBy: "\n")
  var out: [String] = []
  for i in 0..<max(x.count, y.count) {
    let l = i < x.count ? x[i] : nil, r = i < y.count ? y[i] : nil
    if l != r {
      if let l { out.append("-\(i + 1): \(l)") }
      if let r { out.append("+\(i + 1): \(r)") }
    }
    if out.count > 40 { out.append("…"); break }
  }
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
  public static func temporaryDirectory(_ name: String = #function) -> String {
    let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("mlcost-tests-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}
