import Foundation
import MLCostCore
import MLCostPlanner
import MLCostStore

/// The planner's committed options at the user's own prices: what their commitments really got off list price.
public struct ContractDiscounts: Sendable {
  /// Planner provider → (1-year, 3-year) discount off on-demand.
  public var discounts: [String: (oneYear: Double?, threeYear: Double?)] = [:]
  /// Planner provider → the commitments it comes from, for the plan's notes.
  public var sources: [String: String] = [:]
  /// What was left out and why.
  public var notes: [String] = []
}

extension Workspace {
  /// Per provider and term, 1 − EffectiveCost ÷ ListCost over the month's charges each commitment covered
  /// (`CommitmentDiscountStatus` Used): the discount the user's reserved instances and savings plans got, weighted by
  /// list cost. The term comes from the commitment's FOCUS Contract Commitment row (12 or 36 months, a month either way);
  /// commitments without one, or not in USD (the planner's currency), are left out and named.
  public func contractDiscounts(month: BillingMonth) throws -> ContractDiscounts {
    var terms: [String: Int] = [:]
    for c in try store.contractCommitments(overlapping: month.start, month.next.start) {
      guard let s = c.start, let e = c.end, e > s else { continue }
      let months = Double(e - s) / (365.25 / 12 * 86_400)
      if abs(months - 12) <= 1 { terms[c.id] = 12 } else if abs(months - 36) <= 1 { terms[c.id] = 36 }
    }
    var sums: [String: [Int: (list: Amount, effective: Amount, ids: [String])]] = [:]
    var out = ContractDiscounts()
    var noTerm: [String] = [], otherCurrency: [String] = []
    for u in try store.committedUsage(month: month) where u.list > .zero {
      guard u.currency == "USD" else { otherCurrency.append(u.commitment); continue }
      guard let term = terms[u.commitment] else { noTerm.append(u.commitment); continue }
      let provider = Self.plannerProvider(u.provider)
      var e = sums[provider, default: [:]][term] ?? (.zero, .zero, [])
      e.list += u.list; e.effective += u.effective; e.ids.append(u.commitment)
      sums[provider, default: [:]][term] = e
    }
    for (provider, byTerm) in sums.sorted(by: { $0.key < $1.key }) {
      func discount(_ term: Int) -> Double? {
        guard let e = byTerm[term], let list = Double(e.list.decimalString), let effective = Double(e.effective.decimalString), list > 0 else { return nil }
        return min(0.95, max(0, 1 - effective / list))
      }
      out.discounts[provider] = (discount(12), discount(36))
      let ids = byTerm.values.flatMap(\.ids).sorted()
      out.sources[provider.lowercased()] = "your commitments in \(month): " + ids.prefix(3).joined(separator: ", ") + (ids.count > 3 ? " and \(ids.count - 3) more" : "")
    }
    if !noTerm.isEmpty {
      out.notes.append("Commitments without a 1- or 3-year Contract Commitment row are not used for committed prices: \(noTerm.prefix(3).joined(separator: ", "))\(noTerm.count > 3 ? " …" : "") (import the FOCUS Contract Commitment dataset).")
    }
    if !otherCurrency.isEmpty {
      out.notes.append("Commitments billed in another currency than USD are not used for committed prices: \(otherCurrency.prefix(3).joined(separator: ", ")).")
    }
    return out
  }

  /// The catalogs' provider name for a FOCUS provider (`Amazon Web Services` → `AWS`, `Microsoft` → `Azure` …).
  static func plannerProvider(_ name: String) -> String {
    let l = name.lowercased()
    if l == "aws" || l.contains("amazon") { return "AWS" }
    if l.contains("microsoft") || l.contains("azure") { return "Azure" }
    if l.contains("google") || l == "gcp" { return "GCP" }
    if l.contains("oracle") || l == "oci" { return "OCI" }
    return name
  }

  /// Lays the contract discounts into a workload's pricing where its scenario states none for that provider.
  static func apply(_ c: ContractDiscounts, to w: inout Workload) -> [String] {
    var notes = c.notes
    for (provider, d) in c.discounts.sorted(by: { $0.key < $1.key }) {
      if w.pricing.commitmentDiscount(provider: provider) != nil {
        notes.append("\(provider): the scenario's commitment discounts are kept over \(c.sources[provider.lowercased()] ?? "the imported commitments").")
        continue
      }
      w.pricing.commitmentDiscounts[provider] = d
      w.pricing.contractSources[provider.lowercased()] = c.sources[provider.lowercased()]
      let terms = [("1-year", d.oneYear), ("3-year", d.threeYear)].compactMap { t, v in v.map { "\(t) −\(Int(($0 * 100).rounded()))%" } }
      notes.append("\(provider) committed options are priced at your own commitments' discount off on-demand (\(terms.joined(separator: ", "))), \(c.sources[provider.lowercased()] ?? ""), not the catalog's published rates.")
    }
    return notes
  }
}
