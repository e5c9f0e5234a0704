import CZlib

/// gzip-compresses bytes (tests build their `.gz` inputs with it).
public func gzip(_ bytes: [UInt8]) -> [UInt8] {
  var stream = z_stream()
  precondition(mlcost_deflate_init_gzip(&stream) == Z_OK)
  defer { deflateEnd(&stream) }
  var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
  var input = bytes
  let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
    out.withUnsafeMutableBufferPointer { outBuf in
      stream.next_in = inBuf.baseAddress
      stream.avail_in = UInt32(inBuf.count)
      stream.next_out = outBuf.baseAddress
      stream.avail_out = UInt32(outBuf.count)
      precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
      return outBuf.count - Int(stream.avail_out)
    }
  }
  return Array(out.prefix(produced))
}
