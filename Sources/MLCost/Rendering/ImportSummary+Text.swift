import MLCostCore
import MLCostImporters
import MLCostReports
import MLCostStore

extension ImportSummary {
  /// The human summary printed after every import: counts, the reconciliation per billing period
  /// and currency, rows flagged, the first rejects, and what was replaced.
  public func renderText() -> String {
    let r = result
    var out: [String] = []
    let verb = dryRun ? "checked (dry run, nothing written)" : "imported"
    out.append("\(fileName): \(verb) as \(r.format.rawValue) \(r.version) — \(Format.count(r.rowsRead)) rows read, "
      + "\(Format.count(r.rowsStored)) \(dryRun ? "would be stored" : "stored"), \(Format.count(r.rowsRejected)) rejected")
    out.append("  sha256 \(sha256)")
    if let s = r.sniffed, !dryRun {
      out.append("  detected \(s.format.rawValue) \(s.version) from \(s.evidence.joined(separator: ", ")); to pin it: mlcost import --format \(s.format.rawValue) \(ImportSummary.quoted(path))")
    }
    for w in r.warnings { out.append("  \(w)") }
    var table = TextTable([("period", .left), ("currency", .left), ("rows", .right), ("BilledCost in file", .right),
                           ("stored", .right), ("rejected", .right), ("EffectiveCost in file", .right), ("stored", .right),
                           ("rejected", .right), ("check", .left)])
    for row in reconciliation {
      table.add([row.key.period?.description ?? "unreadable", row.key.currency.code, Format.count(row.file.rows),
                 Digits.grouped(row.fileBilledText), Format.money(row.stored.billedCost),
                 Format.money(row.rejected.billedCost), Digits.grouped(row.fileEffectiveText),
                 Format.money(row.stored.effectiveCost), Format.money(row.rejected.effectiveCost),
                 row.balances ? "ok" : "MISMATCH"])
    }
    if !reconciliation.isEmpty {
      out.append(table.render(indent: "  "))
      let residuals = reconciliation.filter { !$0.file.billedResidual.isZero || !$0.file.effectiveResidual.isZero }
      for row in residuals {
        out.append("  \(row.key): amounts with more than 12 decimals were rounded half-even; the file's exact text total minus"
          + " stored + rejected is \(row.file.billedResidual.decimalString) (BilledCost), \(row.file.effectiveResidual.decimalString) (EffectiveCost)")
      }
      out.append(reconciles
        ? (residuals.isEmpty ? "  reconciled: file total = stored + rejected, exactly, in every period and currency"
           : "  reconciled: file total = stored + rejected + the rounding residual above, exactly, in every period and currency")
        : "  NOT RECONCILED: the stored totals differ from the file's; this is a bug, please report it")
    }
    if r.rejectedWithoutAmounts > 0 {
      out.append("  \(r.rejectedWithoutAmounts) rejected row(s) had no readable amount, so no total includes them")
    }
    if !r.flagCounts.isEmpty {
      let flagged = r.flagCounts.values.reduce(0, +)
      out.append("  stored as they are, breaking the spec's own arithmetic (\(flagged) flag(s)):")
      for (label, n) in r.flagCounts.sorted(by: { $0.key < $1.key }) { out.append("    \(Format.count(n)) × \(label)") }
    }
    if !r.firstRejects.isEmpty {
      out.append("  rejected rows (first \(r.firstRejects.count) of \(r.rowsRejected)\(dryRun ? "" : "; all are in the reject table")):")
      for reject in r.firstRejects { out.append("    \(reject.location): \(reject.reason)") }
    }
    for rep in replacements where rep.yielded {
      out.append("  not counted in reports: \(Format.count(rep.rowsRemoved)) invoice line(s) for \(rep.provider ?? "no provider") / "
        + "\(rep.billingAccount ?? "no account") / \(rep.period), which import #\(rep.importId) (\(rep.fileName)) already covers as cost data; "
        + "mlcost reconcile compares the two")
    }
    for rep in replacements where !rep.yielded {
      out.append("  replaced \(Format.count(rep.rowsRemoved)) row(s) of import #\(rep.importId) (\(rep.fileName)) for "
        + "\(rep.provider ?? "no provider") / \(rep.billingAccount ?? "no account") / \(rep.period): a newer export of the same period")
    }
    return out.joined(separator: "\n")
  }
}

extension ImportSummary {
  /// A path as a shell word.
  public static func quoted(_ s: String) -> String {
    s.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

extension ImportRecord {
  /// One line for `mlcost import` when the bytes were already imported.
  public func alreadyImportedText(path: String) -> String {
    "\((path as NSString).lastPathComponent): already imported as #\(id) on \(file.importedAt) (same sha256 \(file.sha256.prefix(12))…); nothing stored"
      + (replacedBy.map { " (its rows were since replaced by import #\($0))" } ?? "")
  }
}

import Foundation

/// `mlcost imports`: what is loaded, with totals.
public enum ImportsListing {
  public static func table(_ records: [ImportRecord]) -> String {
    if records.isEmpty { return "no imports yet: run `mlcost import FILE…` (or `mlcost demo`)" }
    var t = TextTable([("#", .right), ("file", .left), ("format", .left), ("imported", .left), ("read", .right), ("stored", .right),
                       ("rejected", .right), ("live", .right), ("period", .left), ("currency", .left), ("BilledCost", .right),
                       ("EffectiveCost", .right), ("note", .left)])
    for rec in records {
      let note = rec.replacedBy.map { "replaced by #\($0)" } ?? (rec.rowsLive < rec.rowsStored ? "partly replaced" : "")
      let totals = rec.reconciliation.isEmpty ? [nil] : rec.reconciliation.map { Optional($0) }
      for (k, total) in totals.enumerated() {
        let head = k == 0
          ? [String(rec.id), rec.fileName, "\(rec.format) \(rec.formatVersion)", rec.importedAt, Format.count(rec.rowsRead),
             Format.count(rec.rowsStored), Format.count(rec.rowsRejected), Format.count(rec.rowsLive)]
          : Array(repeating: "", count: 8)
        let tail = total.map { [$0.key.period?.description ?? "unreadable", $0.key.currency.code, Format.money($0.stored.billedCost),
                                Format.money($0.stored.effectiveCost)] } ?? ["", "", "", ""]
        t.add(head + tail + [k == 0 ? note : ""])
      }
    }
    return t.render()
  }

  /// The machine-readable reconciliation: one object per import.
  public static func json(_ records: [ImportRecord]) throws -> String {
    struct Total: Encodable {
      var billingPeriod: String, currency: String, billedCost: String, effectiveCost: String, rows: Int
      var fileRows: Int, fileBilledCost: String, fileEffectiveCost: String
      /// The file's text total minus its kept total (amounts past 12 decimals), exact; "0" when none.
      var fileBilledResidual: String, fileEffectiveResidual: String
      var rejectedRows: Int, rejectedBilledCost: String, rejectedEffectiveCost: String
      var reconciled: Bool
    }
    struct Entry: Encodable {
      var id: Int64, file: String, path: String, format: String, formatVersion: String, sha256: String, importedAt: String
      var rowsRead: Int, rowsStored: Int, rowsRejected: Int, rowsFlagged: Int, rowsLive: Int, replacedBy: Int64?
      var totals: [Total]
    }
    let entries = records.map { rec in
      Entry(id: rec.id, file: rec.fileName, path: rec.path, format: rec.format, formatVersion: rec.formatVersion, sha256: rec.sha256,
            importedAt: rec.importedAt, rowsRead: rec.rowsRead, rowsStored: rec.rowsStored, rowsRejected: rec.rowsRejected,
            rowsFlagged: rec.rowsFlagged, rowsLive: rec.rowsLive, replacedBy: rec.replacedBy,
            totals: rec.reconciliation.map {
              Total(billingPeriod: $0.key.period?.description ?? "unreadable", currency: $0.key.currency.code,
                    billedCost: $0.stored.billedCost.decimalString, effectiveCost: $0.stored.effectiveCost.decimalString,
                    rows: $0.stored.rows, fileRows: $0.file.rows, fileBilledCost: $0.fileBilledText,
                    fileEffectiveCost: $0.fileEffectiveText, fileBilledResidual: $0.file.billedResidual.decimalString,
                    fileEffectiveResidual: $0.file.effectiveResidual.decimalString, rejectedRows: $0.rejected.rows,
                    rejectedBilledCost: $0.rejected.billedCost.decimalString,
                    rejectedEffectiveCost: $0.rejected.effectiveCost.decimalString, reconciled: $0.balances)
            })
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(entries), as: UTF8.self)
  }
}
