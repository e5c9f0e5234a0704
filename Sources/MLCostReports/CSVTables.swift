import MLCostCore

/// CSV for the idle, anomaly and plan results: one row per finding, anomaly or option, exact amounts as text,
/// the same quoting and formula neutralising as the monthly report's CSV.
public enum CSVTables {
  static func csv(_ header: [String], _ rows: [[String?]]) -> String {
    ([header.map(CSVRenderer.cell).joined(separator: ",")] + rows.map { $0.map { CSVRenderer.cell($0 ?? "") }.joined(separator: ",") })
      .joined(separator: "\n") + "\n"
  }

  static func pairs<V: CustomStringConvertible>(_ d: [String: V]) -> String {
    d.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
  }

  public static func idle(_ r: IdleReport) -> String {
    csv(["kind", "resource_id", "model", "currency", "window_cost", "monthly_waste", "monthly_saving", "rule", "action", "evidence", "from", "to"],
        r.findings.map { [$0.kind.rawValue, $0.resourceId, $0.model, $0.currency.code, $0.windowCost.decimalString, $0.monthlyWaste?.decimalString,
                          $0.monthlySaving?.decimalString, $0.rule, $0.action,
                          pairs($0.evidence), r.from, r.to] })
  }

  public static func anomalies(_ r: AnomalyReport) -> String {
    func row(_ a: Anomaly, muted: String?) -> [String?] {
      [a.dimension, a.value, a.currency.code, a.start, a.end, String(a.days), a.expected.decimalString, a.actual.decimalString,
       a.impact.decimalString, a.explanation?.volume.decimalString, a.explanation?.unitPrice.decimalString, a.explanation?.mix.decimalString,
       a.explanation?.fx.decimalString, a.explanation?.driverUnit, a.baseline, pairs(a.topContributors), a.alsoSeenAs.joined(separator: "; "), muted]
    }
    return csv(["dimension", "value", "currency", "start", "end", "days", "expected", "actual", "impact", "volume", "unit_price", "mix", "fx",
                "volume_unit", "baseline", "top_contributors", "also_seen_as", "muted"],
               r.anomalies.map { row($0, muted: nil) } + r.muted.map { row($0.anomaly, muted: $0.reason) })
  }

  /// Money here is the planner's estimate rounded to the cent (rates to six places), as in its JSON.
  public static func plan(_ p: PlanResult) -> String {
    func cents(_ v: Double?) -> String? { v.map { String(format: "%.2f", $0) } }
    return csv(["rank", "id", "kind", "provider", "region", "instance_type", "gpu", "gpus_per_instance", "model", "precision", "pricing",
                "monthly_cost_usd", "cost_per_1m_tokens_usd", "instances_min", "instances_peak", "utilisation", "ttft_ms", "tpot_ms",
                "meets_targets", "p_gpus", "p90_monthly_cost_usd", "risk", "recommended", "notes"],
               p.options.map { o in
                 [String(o.rank), o.id, o.kind.rawValue, o.provider, o.region, o.instanceType, o.gpu, o.gpusPerInstance.map(String.init), o.model, o.precision,
                  o.pricing.rawValue, cents(o.monthlyCost), String(format: "%.6f", o.costPer1MTokens), o.instancesMin.map(String.init),
                  o.instancesPeak.map(String.init), o.utilisation.map { String(format: "%.3f", $0) }, o.ttftMs.map { String(format: "%.0f", $0) },
                  o.tpotMs.map { String(format: "%.1f", $0) }, o.meetsTargets ? "yes" : "no",
                  o.availability.map { String(format: "%.3f", $0.probabilityToHold) }, cents(o.availability?.p90MonthlyCost), o.availability?.risk.rawValue,
                  p.recommendation?.optionId == o.id ? "yes" : "no", o.notes.joined(separator: "; ")]
               })
  }
}
