import Foundation
import MLCost

/// The one place where errors become text and exit codes.
enum ExitStatus {
  static let ok: Int32 = 0, unexpected: Int32 = 1, alertsFired: Int32 = 3, usage: Int32 = 64, badData: Int32 = 65, missingInput: Int32 = 66

  /// Our errors → (message, code); nil for argument-parser's own (help, usage) errors.
  static func map(_ error: any Error) -> (String, Int32)? {
    switch error {
    case let e as ImportError:
      switch e {
      case .missingInput: return (e.description, missingInput)
      case .badData: return (e.description, badData)
      case .usage: return ("error: \(e.description)", usage)
      }
    case let e as StoreError:
      if case .cannotOpen = e { return (e.description, missingInput) }
      if case .overflow = e { return ("error: \(e.description)", badData) }
      if case .encoding = e { return ("error: \(e.description)", badData) }
      if case .sqlite(_, let message, _) = e, message.contains("integer overflow") { return ("error: \(e.description)", badData) }
      return ("error: \(e.description)", unexpected)
    case let e as ReportReadError:
      return (e.description, badData)
    case let e as CatalogError:
      return (e.description, badData)
    case let e as Failure:
      // One error style: a refusal says `error:` (after its file, when it names one) and how to fix it.
      let firstLine = e.message.prefix { $0 != "\n" }
      let refused = e.code == usage || e.code == badData || e.code == missingInput
      return (refused && !firstLine.contains("error:") ? "error: " + e.message : e.message, e.code)
    default:
      // ArgumentParser knows its own errors (help, usage, validation): it gives them a code other than its
      // generic failure, and they keep its message. Anything else is unexpected.
      if MLCostCommand.exitCode(for: error) != .failure { return nil }
      return ("error: \(error)", unexpected)
    }
  }
}

/// A failure a subcommand has already explained (e.g. after printing partial results).
struct Failure: Error {
  var message: String
  var code: Int32
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Output that could not be written (a full disk, a closed pipe) is a failure, never exit 0.
enum StandardOutput {
  static func check() throws {
    // `stdout` is a C global Swift 6 will not read from here; fd 1's stream is the same one.
    let stream = fdopenedStdout
    if fflush(stream) != 0 || ferror(stream) != 0 {
      throw Failure(message: "error: could not write the output (\(String(cString: strerror(errno)))); it is incomplete", code: ExitStatus.unexpected)
    }
  }
}

/// The C `stdout` stream, looked up once by symbol (Swift 6 refuses direct access to the mutable C global).
nonisolated(unsafe) private let fdopenedStdout: UnsafeMutablePointer<FILE>? = {
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "stdout") else { return nil }
  return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
}()
