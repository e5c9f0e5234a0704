#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that yields bytes in chunks: a file, memory, a hashing tee.
public protocol ByteSource: AnyObject {
  /// Fills up to `buffer.count` bytes; returns 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Reads a file with `read(2)`; never holds more than the caller's buffer.
public final class FileByteSource: ByteSource {
  public let path: String
  public let size: Int64
  private let fd: Int32

  public init(path: String) throws(ImportError) {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw .missingInput(path: path, reason: "cannot open the file (\(reason))")
    }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      close(fd)
      throw .missingInput(path: path, reason: "cannot read the file's size")
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw .missingInput(path: path, reason: "not a regular file")
    }
    self.fd = fd
    self.size = Int64(st.st_size)
  }

  deinit { close(fd) }

  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    while true {
      let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if n >= 0 { return n }
      if errno == EINTR { continue }
      throw ImportError.missingInput(path: path, reason: "read failed (\(String(cString: strerror(errno))))")
    }
  }
}

/// Bytes in memory, handed out in chunks of a chosen size (1 byte in tests).
public final class MemoryByteSource: ByteSource {
  private let bytes: [UInt8]
  private let chunkSize: Int
  private var offset = 0
  public init(_ bytes: [UInt8], chunkSize: Int = 1 << 20) {
    self.bytes = bytes
    self.chunkSize = max(1, chunkSize)
  }
  public convenience init(_ text: String, chunkSize: Int = 1 << 20) { self.init(Array(text.utf8), chunkSize: chunkSize) }
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let n = min(buffer.count, chunkSize, bytes.count - offset)
    guard n > 0 else { return 0 }
    bytes.withUnsafeBytes { src in
      buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
    }
    offset += n
    return n
  }
}
