#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that yields bytes in chunks: a file, memory, a hashing tee.
public protocol ByteSource: AnyObject {
  /// Fills up to `buffer.count` bytes; returns 0 at the end.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
  /// The whole input as read-only memory, when the source can map it (files); nil otherwise.
  /// A reader that uses it never calls `read(into:)`.
  var mappedBytes: UnsafeRawBufferPointer? { get }
  /// Tells the source that bytes before `offset` will not be read again (a mapped file drops them).
  func release(before offset: Int)
  /// Bytes of the underlying file consumed so far, when that differs from the bytes delivered
  /// (compressed input); progress is measured against the file's size with it.
  var sourceBytesRead: Int64? { get }
  /// Throws when the underlying file changed while it was read (see `FileByteSource.verifyUnchanged`).
  func verifyUnchanged() throws
  /// Rows that are not text (a Parquet file): a CSV reader over this source takes its rows from the feed.
  var rowFeed: (any RowFeed)? { get }
}

/// A source of rows that are not CSV text: it appends the next row's fields to the reader
/// (`CSVReader.feedField`), the header first; false at the end.
public protocol RowFeed: AnyObject {
  func nextRow(into reader: CSVReader) throws -> Bool
}

extension ByteSource {
  public var mappedBytes: UnsafeRawBufferPointer? { nil }
  public func release(before offset: Int) {}
  public var sourceBytesRead: Int64? { nil }
  public func verifyUnchanged() throws {}
  public var rowFeed: (any RowFeed)? { nil }
}

/// Reads a file with `read(2)`; never holds more than the caller's buffer.
public final class FileByteSource: ByteSource {
  public let path: String
  public let size: Int64
  private let fd: Int32

  public init(path: String) throws(ImportError) {
    self.path = path
    // Checked before opening: opening a FIFO blocks until a writer comes, and a device may never end.
    var before = stat()
    if stat(path, &before) == 0, let kind = FileByteSource.kind(before.st_mode) {
      throw .missingInput(path: path, reason: "\(kind), not a regular file; name an exported file")
    }
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw .missingInput(path: path, reason: "cannot open the file (\(reason))")
    }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      close(fd)
      throw .missingInput(path: path, reason: "cannot read the file's size")
    }
    if let kind = FileByteSource.kind(st.st_mode) {
      close(fd)
      throw .missingInput(path: path, reason: "\(kind), not a regular file; name an exported file")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    self.fd = fd
    self.size = Int64(st.st_size)
    self.openedAt = st.st_mtim
  }

  deinit {
    if let mapping {
      MappedFileGuard.unregister(slot)
      munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count)
    }
    close(fd)
  }

  /// What a file mode is when it is not a regular file ("a directory", "a FIFO (named pipe)", …); nil for a regular file.
  public static func kind(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFDIR: "a directory (import a folder by naming it: every recognised file in it is imported)"
    case S_IFIFO: "a FIFO (named pipe)"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }

  @exclusivity(unchecked) private var slot = -1

  /// A mapped file that shrank while it was read raises SIGBUS; the guard maps zeros over the lost pages
  /// and this says so, so the import stops with an error instead of a crash. Also catches a file that
  /// changed size or modification time since it was opened.
  public func verifyUnchanged() throws(ImportError) {
    var st = stat()
    let truncated = slot >= 0 && MappedFileGuard.faulted(slot)
    if truncated || fstat(fd, &st) != 0 || Int64(st.st_size) != size || st.st_mtim.tv_sec != openedAt.tv_sec || st.st_mtim.tv_nsec != openedAt.tv_nsec {
      throw .missingInput(path: path, reason: "the file changed while it was being read (it is \(Int64(st.st_size)) bytes now, was \(size)); "
        + "nothing was imported — import it again once the export is complete")
    }
  }
  @exclusivity(unchecked) private var openedAt = timespec()

  @exclusivity(unchecked) private var mapping: UnsafeRawBufferPointer?
  @exclusivity(unchecked) private var mappingTried = false
  @exclusivity(unchecked) private var released = 0

  /// The file mapped read-only (sequential access advised), or nil when it cannot be (empty, not mappable).
  public var mappedBytes: UnsafeRawBufferPointer? {
    if !mappingTried {
      mappingTried = true
      if size > 0, let p = mmap(nil, Int(size), PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
        _ = madvise(p, Int(size), MADV_SEQUENTIAL)
        mapping = UnsafeRawBufferPointer(start: p, count: Int(size))
        slot = MappedFileGuard.register(UnsafeRawPointer(p), Int(size))
        if slot < 0 {  // no guard slot free: read(2) instead of a mapping that could crash
          munmap(p, Int(size))
          mapping = nil
        }
      }
    }
    return mapping
  }

  /// Drops mapped pages before `offset` from this process (they stay in the page cache), in steps of
  /// 16 MiB, so resident memory stays flat however large the file.
  public func release(before offset: Int) {
    guard let mapping, offset - released >= 16 << 20 else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let end = offset / page * page
    guard end > released else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: mapping.baseAddress! + released), end - released, MADV_DONTNEED)
    released = end
  }

  /// The first `n` bytes of the file, without moving the read position.
  public func peek(_ n: Int) -> [UInt8] {
    var head = [UInt8](repeating: 0, count: n)
    let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, 0) }
    return Array(head.prefix(max(0, got)))
  }

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
  @exclusivity(unchecked) private var offset = 0
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
