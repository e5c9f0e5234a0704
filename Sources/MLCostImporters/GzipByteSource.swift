import CZlib
import MLCostCore

/// Inflates a gzip stream (billing exports usually arrive as `.csv.gz`) while it is read: 256 KiB of
/// compressed input at a time, whatever the file size. Concatenated gzip members are read in turn.
public final class GzipByteSource: ByteSource {
  private let inner: any ByteSource
  private let fileName: String
  private var stream = z_stream()
  private let input: UnsafeMutableRawBufferPointer
  private var inputEnded = false
  private var finished = false
  /// Compressed bytes consumed so far (for progress against the file size).
  public private(set) var compressedBytesRead: Int64 = 0

  /// True when the bytes start with the gzip magic number.
  public static func isGzip(_ head: UnsafeRawBufferPointer) -> Bool {
    head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B
  }

  public init(_ inner: any ByteSource, fileName: String) throws(ImportError) {
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
      switch rc {
      case Z_STREAM_END:
        // Another gzip member may follow (e.g. exports written in parts and concatenated).
        if stream.avail_in > 0 || !inputEnded {
          if stream.avail_in == 0 {
            let n = try inner.read(into: input)
            if n == 0 { inputEnded = true; finished = true; return buffer.count - Int(stream.avail_out) }
            compressedBytesRead += Int64(n)
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(n)
          }
          inflateReset(&stream)
        } else {
          finished = true
          return buffer.count - Int(stream.avail_out)
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
    return buffer.count
  }
}
