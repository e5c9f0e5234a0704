#if canImport(Glibc)
import Glibc
#endif

/// Keeps a mapped input file from crashing the process when it shrinks under the reader: the kernel
/// raises SIGBUS on pages past the new end. The handler maps zero pages over the faulting page (so the
/// read completes, with zeros) and marks the file; `FileByteSource.verifyUnchanged()` turns the mark
/// into an error. A SIGBUS outside the registered mappings gets the default action (a crash, as before).
enum MappedFileGuard {
  static let slots = 64
  /// base, length, faulted — plain memory the handler can read without locks or allocation.
  nonisolated(unsafe) static let table: UnsafeMutablePointer<Int> = {
    let p = UnsafeMutablePointer<Int>.allocate(capacity: slots * 3)
    p.initialize(repeating: 0, count: slots * 3)
    return p
  }()
  nonisolated(unsafe) static var installed = false
  nonisolated(unsafe) static var lock = pthread_mutex_t()

  static func register(_ base: UnsafeRawPointer, _ length: Int) -> Int {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    if !installed { install(); installed = true }
    for i in 0..<slots where table[i * 3] == 0 {
      table[i * 3 + 1] = length
      table[i * 3 + 2] = 0
      table[i * 3] = Int(bitPattern: base)
      return i
    }
    return -1
  }

  static func unregister(_ slot: Int) {
    guard slot >= 0 else { return }
    pthread_mutex_lock(&lock)
    table[slot * 3] = 0
    pthread_mutex_unlock(&lock)
  }

  static func faulted(_ slot: Int) -> Bool { slot >= 0 && table[slot * 3 + 2] != 0 }

  private static func install() {
    var action = sigaction()
    action.sa_flags = SA_SIGINFO
    action.__sigaction_handler.sa_sigaction = { _, info, _ in
      let address = Int(bitPattern: info?.pointee._sifields._sigfault.si_addr)
      let page = Int(sysconf(Int32(_SC_PAGESIZE)))
      for i in 0..<MappedFileGuard.slots {
        let base = MappedFileGuard.table[i * 3], length = MappedFileGuard.table[i * 3 + 1]
        if base != 0 && address >= base && address < base + length {
          let start = address / page * page
          _ = mmap(UnsafeMutableRawPointer(bitPattern: start), page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
          MappedFileGuard.table[i * 3 + 2] = 1
          return
        }
      }
      signal(SIGBUS, SIG_DFL)  // not ours: fault again with the default action
    }
    sigemptyset(&action.sa_mask)
    sigaction(SIGBUS, &action, nil)
  }
}
