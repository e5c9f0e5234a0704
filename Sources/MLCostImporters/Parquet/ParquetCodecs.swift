#if canImport(Glibc)
import Glibc
#endif
import CZlib

/// Page decompression: snappy (written here: its format is a page long and Debian's library would add a build
/// dependency), gzip through zlib (already linked), zstd through the system's libzstd loaded at run time.
enum ParquetCodec {
  static func name(_ codec: Int32) -> String {
    ["none", "snappy", "gzip", "lzo", "brotli", "lz4", "zstd", "lz4_raw"][safe: Int(codec)] ?? "codec \(codec)"
  }

  /// Whether `codec` can be read here (zstd only when libzstd is installed).
  static func supported(_ codec: Int32) -> Bool {
    switch codec {
    case 0, 1, 2: return true
    case 6: return Zstd.shared != nil
    default: return false
    }
  }

  /// Decompresses `input` into exactly `output.count` bytes.
  static func decompress(_ codec: Int32, _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ParquetError) {
    switch codec {
    case 0:
      guard input.count == output.count else { throw .damaged("an uncompressed page whose size is not its header's") }
      if let s = input.baseAddress, let d = output.baseAddress { d.copyMemory(from: s, byteCount: input.count) }
    case 1: try snappy(input, into: output)
    case 2: try gzip(input, into: output)
    case 6:
      guard let z = Zstd.shared else { throw .unsupported("zstd pages (libzstd is not installed)") }
      try z.decompress(input, into: output)
    default: throw .unsupported("\(name(codec)) compression")
    }
  }

  static func snappy(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ParquetError) {
    guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      if output.isEmpty { return }
      throw .damaged("an empty snappy page")
    }
    let dst = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
    let n = input.count, cap = output.count
    var i = 0, o = 0
    var length = 0, shift = 0
    while true {
      guard i < n, shift < 35 else { throw .damaged("a snappy page without its length") }
      let b = Int(src[i]); i += 1
      length |= (b & 0x7F) << shift
      if b & 0x80 == 0 { break }
      shift += 7
    }
    guard length == cap else { throw .damaged("a snappy page of \(length) bytes where its header says \(cap)") }
    while i < n {
      let tag = Int(src[i]); i += 1
      switch tag & 3 {
      case 0:
        var len = tag >> 2
        if len >= 60 {
          let extra = len - 59
          guard i + extra <= n else { throw .damaged("a truncated snappy literal") }
          len = 0
          for k in 0..<extra { len |= Int(src[i + k]) << (8 * k) }
          i += extra
        }
        len += 1
        guard i + len <= n, o + len <= cap else { throw .damaged("a snappy literal past the page") }
        (dst + o).update(from: src + i, count: len)
        i += len; o += len
      default:
        let len: Int, offset: Int
        switch tag & 3 {
        case 1:
          guard i < n else { throw .damaged("a truncated snappy copy") }
          len = 4 + ((tag >> 2) & 7); offset = ((tag >> 5) << 8) | Int(src[i]); i += 1
        case 2:
          guard i + 2 <= n else { throw .damaged("a truncated snappy copy") }
          len = (tag >> 2) + 1; offset = Int(src[i]) | Int(src[i + 1]) << 8; i += 2
        default:
          guard i + 4 <= n else { throw .damaged("a truncated snappy copy") }
          len = (tag >> 2) + 1
          offset = Int(src[i]) | Int(src[i + 1]) << 8 | Int(src[i + 2]) << 16 | Int(src[i + 3]) << 24; i += 4
        }
        guard offset > 0, offset <= o, o + len <= cap else { throw .damaged("a snappy copy outside the page") }
        if offset >= len {
          (dst + o).update(from: dst + o - offset, count: len)
        } else {
          for k in 0..<len { dst[o + k] = dst[o - offset + k] }
        }
        o += len
      }
    }
    guard o == cap else { throw .damaged("a snappy page shorter than its header says") }
  }

  static func gzip(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ParquetError) {
    var stream = z_stream()
    guard mlcost_inflate_init(&stream) == Z_OK else { throw .damaged("zlib could not start") }
    defer { inflateEnd(&stream) }
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(input.count)
    stream.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
    stream.avail_out = UInt32(output.count)
    let status = inflate(&stream, Z_FINISH)
    guard status == Z_STREAM_END, Int(stream.total_out) == output.count else {
      throw .damaged("a gzip page that does not inflate to its header's size")
    }
  }
}

/// libzstd, loaded once when the first zstd file is read (no build-time dependency; Debian installs it with apt).
final class Zstd: Sendable {
  private typealias Decompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
  private typealias IsError = @convention(c) (Int) -> UInt32
  private let decompressFn: Decompress
  private let isErrorFn: IsError

  static let shared: Zstd? = Zstd()

  private init?() {
    guard let lib = dlopen("libzstd.so.1", RTLD_NOW) ?? dlopen("libzstd.so", RTLD_NOW),
          let d = dlsym(lib, "ZSTD_decompress"), let e = dlsym(lib, "ZSTD_isError") else { return nil }
    decompressFn = unsafeBitCast(d, to: Decompress.self)
    isErrorFn = unsafeBitCast(e, to: IsError.self)
  }

  func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(ParquetError) {
    let n = decompressFn(output.baseAddress, output.count, input.baseAddress, input.count)
    guard isErrorFn(n) == 0, n == output.count else { throw .damaged("a zstd page that does not decompress to its header's size") }
  }
}

fileprivate extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
