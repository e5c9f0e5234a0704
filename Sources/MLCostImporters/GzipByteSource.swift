import Foundation
import CZlib
import MLCostCore

/// Inflates a gzip stream (billing exports usually arrive as `.csv.gz`) while it is read: 256 KiB of
/// compressed input at a time, whatever the file size. Concatenated gzip members are read in turn.
public final class GzipByteSource: ByteSource {
  private let inner: any ByteSource
  private let fileName: String
  @exclusivity(unchecked) private var stream = z_stream()
  private let input: UnsafeMutableRawBufferPointer
  @exclusivity(unchecked) private var inputEnded = false
  @exclusivity(unchecked) private var finished = false
  /// Compressed bytes consumed so far (for progress against the file size).
  @exclusivity(unchecked) public private(set) var compressedBytesRead: Int64 = 0
  @exclusivity(unchecked) public private(set) var inflatedBytes: Int64 = 0
  public let limits: Limits

  /// A gzip bomb (1 MB of zeros → 1 GB) is refused, not inflated into memory and time: past `checkAfter`
  /// inflated bytes the ratio may not exceed `maxRatio`, and the whole may not exceed `maxBytes`.
  /// Real CSV exports compress 5–50×; the defaults leave room. `MLCOST_GZIP_MAX_RATIO` and
  /// `MLCOST_GZIP_MAX_GB` change them.
  public struct Limits: Sendable {
    public var maxRatio: Int64 = 200
    public var maxBytes: Int64 = 256 << 30
    public var checkAfter: Int64 = 64 << 20
    public init(maxRatio: Int64 = 200, maxBytes: Int64 = 256 << 30, checkAfter: Int64 = 64 << 20) {
      self.maxRatio = maxRatio; self.maxBytes = maxBytes; self.checkAfter = checkAfter
    }
    public static var fromEnvironment: Limits {
      var l = Limits()
      let env = ProcessInfo.processInfo.environment
      if let r = env["MLCOST_GZIP_MAX_RATIO"].flatMap(Int64.init), r > 0 { l.maxRatio = r }
      if let g = env["MLCOST_GZIP_MAX_GB"].flatMap(Int64.init), g > 0, g < 1 << 30 { l.maxBytes = g << 30 }
      return l
    }
  }

  /// True when the bytes start with the gzip magic number.
  public static func isGzip(_ head: UnsafeRawBufferPointer) -> Bool {
    head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B
  }

  public init(_ inner: any ByteSource, fileName: String, limits: Limits = .fromEnvironment) throws(ImportError) {
    self.limits = limits
    self.inner = inner
    self.fileName = fileName
    input = .allocate(byteCount: 256 << 10, alignment: 16)
    guard mlcost_inflate_init(&stream) == Z_OK else {
      input.deallocate()
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1), "cannot start decompressing (zlib)"))
    }
  }

  deinit {
    inflateEnd(&stream)
    input.deallocate()
  }

  public var sourceBytesRead: Int64? { compressedBytesRead }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
    stream.next_out = out.assumingMemoryBound(to: Bytef.self)
    stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
    while stream.avail_out > 0 {
      if stream.avail_in == 0 && !inputEnded {
        let n = try inner.read(into: input)
        if n == 0 { inputEnded = true } else {
          compressedBytesRead += Int64(n)
          stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
          stream.avail_in = UInt32(n)
        }
      }
      let before = stream.avail_out
      let rc = inflate(&stream, Z_NO_FLUSH)
      try checkLimits(inflatedSoFar: inflatedBytes + Int64(buffer.count) - Int64(stream.avail_out))
      switch rc {
      case Z_STREAM_END:
        // Another gzip member may follow (e.g. exports written in parts and concatenated).
        if stream.avail_in > 0 || !inputEnded {
          if stream.avail_in == 0 {
            let n = try inner.read(into: input)
            if n == 0 { inputEnded = true; finished = true; inflatedBytes += Int64(buffer.count - Int(stream.avail_out)); return buffer.count - Int(stream.avail_out) }
            compressedBytesRead += Int64(n)
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(n)
          }
          inflateReset(&stream)
        } else {
          finished = true
          inflatedBytes += Int64(buffer.count - Int(stream.avail_out)); return buffer.count - Int(stream.avail_out)
        }
      case Z_OK, Z_BUF_ERROR:
        if inputEnded && stream.avail_in == 0 && stream.avail_out == before {
          throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
            "the gzip stream ends early (after \(compressedBytesRead) compressed bytes)", fix: "the file is truncated; download it again"))
        }
      default:
        let why = stream.msg.map { String(cString: $0) } ?? "error \(rc)"
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
          "the file is not valid gzip near compressed byte \(compressedBytesRead - Int64(stream.avail_in)) (\(why))",
          fix: "check the download, or decompress it yourself and import the CSV"))
      }
    }
    inflatedBytes += Int64(buffer.count)
    return buffer.count
  }

  private func checkLimits(inflatedSoFar n: Int64) throws(ImportError) {
    if n > limits.maxBytes {
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
        "the gzip stream inflates past \(limits.maxBytes >> 30) GiB", fix: "if the export really is that large, raise MLCOST_GZIP_MAX_GB"))
    }
    if n > limits.checkAfter && n / max(1, compressedBytesRead) > limits.maxRatio {
      throw .badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: 1),
        "the gzip stream inflates more than \(limits.maxRatio)× (\(n >> 20) MiB from \(compressedBytesRead >> 10) KiB): refused as a decompression bomb",
        fix: "real exports compress 5–50×; if this one is genuine, raise MLCOST_GZIP_MAX_RATIO"))
    }
  }
}
