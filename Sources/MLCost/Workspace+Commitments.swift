import Foundation
import MLCostAttribution
import MLCostCore
import MLCostReports
import MLCostStore

extension Workspace {
  /// The commitments active in a month: FOCUS Contract Commitment rows (term, cost, quantity) joined by id with the
  /// month's charges that name them (EffectiveCost Used and Unused), and commitments only the charges name.
  public func commitments(month: BillingMonth) throws -> CommitmentReport {
    let contracts = try store.contractCommitments(overlapping: month.start, month.next.start)
    var use: [String: (used: Amount, unused: Amount, currency: String, name: String?, type: String?)] = [:]
    for u in try store.commitmentUse(month: month) {
      var e = use[u.id] ?? (.zero, .zero, u.currency, u.name, u.type)
      if u.status?.lowercased() == "unused" { e.unused += u.effective } else { e.used += u.effective }
      use[u.id] = e
    }
    var rows: [CommitmentReport.Row] = []
    var seen = Set<String>()
    for c in contracts {
      seen.insert(c.id)
      let fields = ((try? JSONSerialization.jsonObject(with: Data(c.fields.utf8))) as? [String: Any]) ?? [:]
      let type = (fields["ContractCommitmentType"] as? String) ?? use[c.id]?.type
      var share: Amount?
      if let cost = c.cost, let s = c.start, let e = c.end, e > s {
        let overlap = max(0, min(e, month.next.start) - max(s, month.start))
        share = LargestRemainder.scale(cost, overlap, e - s)
      }
      let u = use[c.id]
      rows.append(CommitmentReport.Row(id: c.id, type: type, category: c.category, currency: Currency(c.currency ?? u?.currency ?? "?"),
        termStart: c.start.map(Timestamp.iso8601), termEnd: c.end.map(Timestamp.iso8601), contractCost: c.cost, monthShare: share,
        used: u?.used ?? .zero, unused: u?.unused ?? .zero, source: u == nil ? "contract (no charge this month)" : "contract and charges"))
    }
    for (id, u) in use.sorted(by: { $0.key < $1.key }) where !seen.contains(id) {
      rows.append(CommitmentReport.Row(id: id, type: u.type, category: nil, currency: Currency(u.currency), termStart: nil, termEnd: nil,
        contractCost: nil, monthShare: nil, used: u.used, unused: u.unused, source: "charges"))
    }
    var report = CommitmentReport(month: month.description, rows: rows)
    if contracts.isEmpty {
      report.notes.append("No FOCUS Contract Commitment rows for \(month): terms and contract costs come from that dataset (mlcost import --format focus-dataset).")
    }
    report.notes.append("Used and unused are the month's EffectiveCost of the charges that name the commitment (amortised); "
      + "this month's share is the contract cost × the month's hours in its term ÷ the term's hours.")
    return report
  }
}
