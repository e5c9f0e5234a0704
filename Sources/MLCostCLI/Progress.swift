import Foundation
import MLCost

/// A progress bar on stderr — only when stderr is a terminal, never in pipes or logs.
final class ProgressBar {
  private let total: Int64
  private let label: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  let enabled: Bool

  init(label: String, totalBytes: Int64) {
    self.total = max(1, totalBytes)
    self.label = label
    self.enabled = isatty(STDERR_FILENO) == 1 && totalBytes > 4 << 20
  }

  func update(_ p: ImportProgress) {
    guard enabled else { return }
    let now = Date()
    guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = now
    let fraction = min(1, Double(p.bytesRead) / Double(total))
    let elapsed = now.timeIntervalSince(start)
    let rate = elapsed > 0 ? Double(p.rows) / elapsed : 0
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let width = 28
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line = String(format: "\r%@ %@ %3.0f%%  %.0f/%.0f MB  %.0fk rows/s  ETA %.0fs ",
                      label, bar, fraction * 100, Double(p.bytesRead) / 1e6, Double(total) / 1e6, rate / 1000, eta)
    FileHandle.standardError.write(Data(line.utf8))
  }

  func finish() {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
