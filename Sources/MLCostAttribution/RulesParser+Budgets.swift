import MLCostCore
import Yams

extension RulesParser {
  /// One entry of `budgets:`.
  ///
  ///     - name: assistant team
  ///       scope: {team: assistant}      # or total; model, request_type, team, environment, endpoint,
  ///                                     # any match field (provider, service, …) or tag: {key: value}
  ///       amount: 60000
  ///       currency: USD                 # default USD
  ///       period: monthly               # monthly, quarterly or annual
  ///       alert_at: {actual: [80, 100], forecast: [100]}
  func budget(_ node: Node) throws(RulesError) -> Budget {
    var name = "", scope: BudgetScope?, amount: Amount?, currency: Currency = .usd, period = BudgetPeriod.monthly
    var actual: [Double] = [80, 100], forecast: [Double] = [100]
    for (key, keyNode, value) in try pairs(node, "a budget") {
      switch key {
      case "name": name = try string(value, "name")
      case "scope": scope = try budgetScope(value)
      case "amount":
        guard let a = try? ExactDecimal.parse(try string(value, "amount")), a > .zero else {
          throw fail(value, "amount must be an amount above zero such as 60000.00")
        }
        amount = a
      case "currency":
        let c = try string(value, "currency").uppercased()
        guard c.count == 3, c.allSatisfy({ $0.isLetter }) else { throw fail(value, "currency must be an ISO 4217 code such as USD") }
        currency = Currency(c)
      case "period":
        let s = try string(value, "period").lowercased()
        guard let p = BudgetPeriod(rawValue: s == "yearly" ? "annual" : s) else {
          throw fail(value, "period '\(s)' is not known", fix: "use monthly, quarterly or annual")
        }
        period = p
      case "alert_at":
        for (k, kNode, v) in try pairs(value, "alert_at") {
          let percents = try strings(v, k).map { (s: String) throws(RulesError) -> Double in
            guard let d = Double(s), d > 0, d <= 1000 else { throw fail(v, "\(k) thresholds are percents of the amount, above 0") }
            return d
          }
          switch k {
          case "actual": actual = percents.sorted()
          case "forecast": forecast = percents.sorted()
          default: throw fail(kNode, "unknown key '\(k)' in alert_at", fix: "alert_at has actual and forecast (lists of percents)")
          }
        }
      default:
        throw fail(keyNode, "unknown key '\(key)' in a budget", fix: "a budget has name, scope, amount, currency, period and alert_at")
      }
    }
    guard !name.isEmpty else { throw fail(node, "a budget needs a name") }
    guard let scope else { throw fail(node, "budget '\(name)' needs a scope", fix: "scope: total, or e.g. {team: assistant}") }
    guard let amount else { throw fail(node, "budget '\(name)' needs an amount") }
    return Budget(name: name, scope: scope, amount: amount, currency: currency, period: period,
                  actualThresholds: actual, forecastThresholds: forecast, line: node.mark?.line ?? 0)
  }

  func budgetScope(_ node: Node) throws(RulesError) -> BudgetScope {
    if let s = node.scalar?.string {
      guard s.lowercased() == "total" else { throw fail(node, "scope '\(s)' is not known", fix: "scope: total, or a mapping such as {model: llama-3.1-70b}") }
      return .total
    }
    var scope = BudgetScope()
    for (key, keyNode, value) in try pairs(node, "scope") {
      if let d = Dimension(rawValue: key) {
        scope.dimensions[d] = try pattern(value)
      } else if key == "tag" || key == "tags" {
        for (tag, _, v) in try pairs(value, "tag") { scope.match.tags.append((Rules.normaliseKey(tag), try pattern(v))) }
      } else if let field = Match.Field(rawValue: key) {
        scope.match.fields.append((field, try pattern(value)))
      } else {
        throw fail(keyNode, "unknown scope key '\(key)'",
                   fix: "a scope names dimensions (\(Dimension.allCases.map(\.rawValue).joined(separator: ", "))), match fields or tag")
      }
    }
    if scope.isTotal { throw fail(node, "an empty scope", fix: "write scope: total to budget everything") }
    return scope
  }

  /// One entry of `mutes:` — `{dimension: model, value: mistral-7b, from: 2026-10-03, to: 2026-10-09, reason: …}`.
  func mute(_ node: Node) throws(RulesError) -> Mute {
    var dimension: String?, value: Pattern?, from: Int64?, to: Int64?, reason = ""
    for (key, keyNode, v) in try pairs(node, "a mute") {
      switch key {
      case "dimension":
        let d = try string(v, "dimension").replacingOccurrences(of: "_", with: " ")
        guard ["model", "request type", "service", "cost per 1M tokens"].contains(d) else {
          throw fail(v, "dimension '\(d)' is not watched for anomalies", fix: "use model, request_type, service or cost per 1M tokens")
        }
        dimension = d
      case "value": value = try pattern(v)
      case "from": from = try day(v)
      case "to": to = try day(v)
      case "reason": reason = try string(v, "reason")
      default: throw fail(keyNode, "unknown key '\(key)' in a mute", fix: "a mute has dimension, value, from, to and reason")
      }
    }
    guard let from else { throw fail(node, "a mute needs from: YYYY-MM-DD") }
    let end = to ?? from
    guard end >= from else { throw fail(node, "a mute's to is before its from") }
    guard !reason.isEmpty else { throw fail(node, "a mute needs a reason", fix: "say why the event is expected; it is listed with the muted anomalies") }
    return Mute(dimension: dimension, value: value, from: from, to: end, reason: reason, line: node.mark?.line ?? 0)
  }

  /// `YYYY-MM-DD` → UTC midnight.
  func day(_ node: Node) throws(RulesError) -> Int64 {
    let s = try string(node, "a date")
    let parts = s.split(separator: "-").map { Int($0) }
    guard s.count == 10, parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], (1...12).contains(m),
          d >= 1, d <= Timestamp.daysInMonth(year: y, month: m) else {
      throw fail(node, "'\(s)' is not a date", fix: "write dates as YYYY-MM-DD")
    }
    return Timestamp.daysFromCivil(year: y, month: m, day: d) * 86_400
  }
}
