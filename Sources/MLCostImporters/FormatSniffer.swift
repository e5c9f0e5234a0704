import Foundation
import MLCostCore

/// Guesses the format from a CSV header or a document's first bytes; the caller prints the command
/// that pins the guess. More than one candidate means the caller must refuse and list them.
public enum FormatSniffer {
  /// Every CSV format whose signature columns the header has.
  public static func candidates(header: [String]) -> [SniffResult] {
    var out: [SniffResult] = []
    let names = Set(header.map { FocusColumns.normalise($0) })
    let focusCore = ["billedcost", "effectivecost", "chargecategory", "chargeperiodstart"]
    if focusCore.allSatisfy(names.contains) {
      out.append(SniffResult(format: .focus, version: FocusColumns.version(of: names),
                             evidence: ["BilledCost", "EffectiveCost", "ChargeCategory", "ChargePeriodStart"]))
    }
    let cur = Set(header.map(CURImporter.key))
    if cur.contains("lineitemunblendedcost") && cur.contains("lineitemlineitemtype") {
      let legacy = header.contains { $0.contains("/") }
      let v2 = header.contains { ["resource_tags", "bill_payer_account_name", "line_item_usage_account_name", "product"].contains($0.lowercased()) }
      out.append(SniffResult(format: .cur, version: legacy ? "legacy" : (v2 ? "2.0" : "athena"),
                             evidence: [legacy ? "lineItem/UnblendedCost" : "line_item_unblended_cost", legacy ? "lineItem/LineItemType" : "line_item_line_item_type"]))
    }
    if let azure = AzureColumns.sniff(header) { out.append(azure) }
    let gcp = Set(header.map { $0.lowercased() })
    if gcp.contains("cost") && gcp.contains("usage_start_time") && (gcp.contains("sku.id") || gcp.contains("service.description") || gcp.contains("invoice.month")) {
      out.append(SniffResult(format: .gcp, version: "csv", evidence: ["cost", "usage_start_time", "sku.id"]))
    }
    if gcp.contains("request_id") && gcp.contains("call_type") && gcp.contains("spend") {
      out.append(SniffResult(format: .litellm, version: "spend-logs", evidence: ["request_id", "call_type", "spend"]))
    }
    if let metrics = MetricsCSVImporter.sniff(header) { out.append(metrics) }
    return out
  }

  /// The one CSV format the header fits, or nil (none or several; see `candidates`).
  public static func sniff(header: [String]) -> SniffResult? {
    let c = candidates(header: header)
    return c.count == 1 ? c[0] : nil
  }

  /// JSON and XML documents, from their first bytes (up to 64 KiB).
  public static func sniffDocument(_ head: UnsafeRawBufferPointer) -> [SniffResult] {
    var i = 0
    if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { i = 3 }
    while i < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[i]) { i += 1 }
    guard i < head.count else { return [] }
    let text = String(decoding: UnsafeRawBufferPointer(rebasing: head[i...]), as: UTF8.self)
    func has(_ s: String) -> Bool { text.contains(s) }
    var out: [SniffResult] = []
    if head[i] == UInt8(ascii: "<") {
      if has("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2") || has("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2") {
        out.append(SniffResult(format: .ubl, version: has("CreditNote-2") && !has("Invoice-2\"") ? "2.1 credit note" : "2.1 invoice",
                               evidence: ["UBL Invoice-2/CreditNote-2 namespace"]))
      }
      return out
    }
    guard head[i] == UInt8(ascii: "{") || head[i] == UInt8(ascii: "[") else { return [] }
    if has("\"organization.usage.") || has("\"organization.costs.result\"") {
      out.append(SniffResult(format: .openai, version: has("organization.costs.result") ? "costs" : "usage",
                             evidence: ["\"object\": \"organization.…\""]))
    }
    if has("\"uncached_input_tokens\"") || has("\"cache_read_input_tokens\"") || (has("\"starting_at\"") && has("\"amount\"") && has("\"cost_type\"")) {
      out.append(SniffResult(format: .anthropic, version: has("\"cost_type\"") || has("\"token_type\"") ? "cost_report" : "usage_report",
                             evidence: ["starting_at", "uncached_input_tokens / amount"]))
    }
    if has("\"MetricDataResults\"") {
      out.append(SniffResult(format: .cloudwatch, version: "get-metric-data", evidence: ["MetricDataResults"]))
    }
    if has("\"usage_start_time\"") && has("\"cost\"") {
      out.append(SniffResult(format: .gcp, version: "jsonl", evidence: ["usage_start_time", "cost"]))
    }
    return out
  }
}
