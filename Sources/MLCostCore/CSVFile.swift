import Foundation

/// A buffered CSV file writer (quotes only where needed).
public final class CSVFile {
  private let handle: FileHandle
  @exclusivity(unchecked) private var buffer: [UInt8] = []
  @exclusivity(unchecked) public private(set) var bytes = 0

  public init(path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    handle = h
    buffer.reserveCapacity(1 << 20)
  }

  public func write(_ cells: [String]) {
    for (i, cell) in cells.enumerated() {
      if i > 0 { buffer.append(UInt8(ascii: ",")) }
      if cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: cell.replacingOccurrences(of: "\"", with: "\"\"").utf8)
        buffer.append(UInt8(ascii: "\""))
      } else {
        buffer.append(contentsOf: cell.utf8)
      }
    }
    buffer.append(UInt8(ascii: "\n"))
    if buffer.count >= 1 << 20 { flush() }
  }

  /// The first write error (a full disk): later writes are skipped and `close()` throws it.
  @exclusivity(unchecked) private var failure: (any Error)?

  public func flush() {
    bytes += buffer.count
    if failure == nil {
      do { try handle.write(contentsOf: buffer) } catch { failure = error }
    }
    buffer.removeAll(keepingCapacity: true)
  }

  public func close() throws {
    flush()
    try? handle.close()
    if let failure { throw failure }
  }
}
