import MLCostCore
import MLCostTestSupport
@testable import MLCostImporters

/// The golden text of one fixture import: the result's counts and warnings, every record, every reject,
/// the totals and the flags. Shared by the FOCUS and the other importers' fixture tests.
enum FixtureText {
  static func lines(_ result: ImportResult, _ sink: RecordingSink, rawInRejects: Bool) -> [String] {
    var out = ["format: \(result.format.rawValue) \(result.version); read \(result.rowsRead), stored \(result.rowsStored), rejected \(result.rowsRejected)"]
    out += result.warnings.map { "warning: \($0)" }
    out += sink.lines
    out += sink.rejects.map { "reject \($0.location) [\($0.field ?? "-")]: \($0.reason)" + (rawInRejects ? " | raw: \($0.rawText)" : "") }
    for key in result.fileTotals.keys.sorted() {
      let f = result.fileTotals[key]!, r = result.rejectedTotals[key] ?? Totals()
      out.append("total \(key): rows \(f.rows) billed \(f.billedCost.decimalString) effective \(f.effectiveCost.decimalString); rejected rows \(r.rows) billed \(r.billedCost.decimalString)")
    }
    if result.rejectedWithoutAmounts > 0 { out.append("rejected without readable amounts: \(result.rejectedWithoutAmounts)") }
    for (label, n) in result.flagCounts.sorted(by: { $0.key < $1.key }) { out.append("flagged \(n) × \(label)") }
    return out
  }
}
