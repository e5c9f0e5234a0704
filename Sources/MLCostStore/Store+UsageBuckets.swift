import Foundation
import MLCostCore

/// One usage bucket of one model and request type (the planner's `--from-usage`).
public struct StoredUsageBucket: Sendable, Equatable {
  public var start: Int64
  public var end: Int64
  public var provider: String
  public var batch: Bool
  public var requests: Int64
  public var inputTokens: Int64
  public var cachedInputTokens: Int64
  public var outputTokens: Int64
}

extension Store {
  /// Usage of `model` (case-insensitive) and `requestType` with buckets starting in the month, in time order.
  public func usageBuckets(model: String, requestType: String, month: BillingMonth) throws(StoreError) -> [StoredUsageBucket] {
    try db.rows("""
      SELECT bucket_start, bucket_end, (SELECT value FROM dict WHERE id = provider_id), coalesce(batch, 0), coalesce(sum(requests), 0),
             coalesce(sum(input_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(output_tokens), 0)
      FROM usage
      WHERE bucket_start >= ? AND bucket_start < ? AND request_type = ?
        AND model_id IN (SELECT id FROM dict WHERE lower(value) = lower(?))
      GROUP BY bucket_start, bucket_end, provider_id, batch ORDER BY 1
      """, [.integer(month.start), .integer(month.next.start), .text(requestType), .text(model)]).map { r in
      StoredUsageBucket(start: r[0].int ?? 0, end: r[1].int ?? 0, provider: r[2].string ?? "", batch: r[3].int == 1, requests: r[4].int ?? 0,
                        inputTokens: r[5].int ?? 0, cachedInputTokens: r[6].int ?? 0, outputTokens: r[7].int ?? 0)
    }
  }

  /// The cost the imported usage of a model and request type states for a month, per currency (exact); empty when
  /// none of it states a cost.
  public func statedUsageCost(model: String, requestType: String, month: BillingMonth) throws(StoreError) -> [(currency: String, cost: Amount)] {
    try db.rows("""
      SELECT coalesce((SELECT value FROM dict WHERE id = currency_id), 'USD'), money_sum(cost)
      FROM usage
      WHERE bucket_start >= ? AND bucket_start < ? AND request_type = ? AND cost IS NOT NULL
        AND model_id IN (SELECT id FROM dict WHERE lower(value) = lower(?))
      GROUP BY currency_id ORDER BY 1
      """, [.integer(month.start), .integer(month.next.start), .text(requestType), .text(model)]).map { ($0[0].string ?? "USD", $0[1].amountOrOverflow) }
  }
}
