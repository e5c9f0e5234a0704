import Foundation
import MLCostCatalogs
import MLCostCore
import MLCostPlanner
import MLCostStore

extension Workspace {
  /// The planner over a catalogs folder: stored calibration if present, else fitted now.
  public static func planner(catalogs dir: String?, top: Int = 15) throws -> Planner {
    let catalog = try loadCatalog(dir)
    if let (efficiency, summary) = try CalibrationFile.read(directory: catalog.directory) {
      return Planner(catalog: catalog, efficiency: efficiency, calibration: summary, top: top)
    }
    // No stored fit: fit now, and claim no held-out error (none was measured).
    let fitted = Calibration.run(catalog, heldOut: false)
    return Planner(catalog: catalog, efficiency: fitted.efficiency,
                   calibration: PlanCalibration(benchmarkRows: fitted.rows, medianAbsPercentError: nil, worstAbsPercentError: nil), top: top)
  }

  /// `mlcost plan SCENARIO.yaml`.
  /// `contracts`: committed options at the discounts the user's own commitments got (`contractDiscounts(month:)`).
  public static func plan(scenario path: String, catalogs dir: String?, at time: Int64, top: Int = 15, contracts: ContractDiscounts? = nil) throws -> PlanResult {
    guard let data = FileManager.default.contents(atPath: path) else { throw ImportError.missingInput(path: path, reason: "cannot read the scenario") }
    var workload = try Scenario.parse(yaml: String(decoding: data, as: UTF8.self), file: (path as NSString).lastPathComponent)
    let notes = contracts.map { apply($0, to: &workload) } ?? []
    var plan = try planner(catalogs: dir, top: top).plan(workload, at: time)
    plan.notes += notes
    return plan
  }

  /// `mlcost throughput …`.
  public static func throughput(model: String, gpu: String, gpus: Int, precision: Precision, input: Int, output: Int, ttftMs: Double?, tpotMs: Double?,
                                engine: String? = nil, catalogs dir: String?) throws -> ThroughputEstimate {
    let p = try planner(catalogs: dir)
    guard let m = p.catalog.model(named: model) else { throw ThroughputError.unknownModel(model) }
    guard let g = p.catalog.gpu(named: gpu) else { throw ThroughputError.unknownGPU(gpu) }
    let precisionValue = precision
    guard g.supports(precisionValue) else {
      throw ThroughputError.unsupportedPrecision(gpu: g.name, precision: precisionValue.rawValue,
                                                 supportedBy: p.catalog.gpus.filter { $0.supports(precisionValue) }.map(\.name))
    }
    return try p.throughput.best(model: m, gpu: g, gpus: gpus, precision: precisionValue, input: input, output: output, ttftMs: ttftMs, tpotMs: tpotMs,
                                 engine: engine.map(BenchmarkRow.engineKind))
  }

  /// Fits the throughput model on the benchmarks and writes `throughput_calibration.csv`; returns the report.
  public static func calibrate(catalogs dir: String?, asOf: String, write: Bool) throws -> String {
    let catalog = try loadCatalog(dir)
    let c = Calibration.run(catalog, heldOut: true)
    if write {
      try CalibrationFile.text(c, asOf: asOf).write(toFile: (catalog.directory as NSString).appendingPathComponent(CalibrationFile.name),
                                                     atomically: true, encoding: .utf8)
    }
    return CalibrationReport.markdown(c)
  }
}

extension Workspace {
  /// `mlcost plan --from-usage`: the week's hourly profile, tokens per request and today's API come
  /// from the imported usage of one model and request type in one month.
  /// Without `selfHost`, the open model of the usage itself when the catalog knows it (a 70B workload is compared with
  /// self-hosting the 70B, never silently with an 8B); for a closed model, the open models most teams compare with.
  public func plan(model: String, requestType: String, month: BillingMonth, selfHost: [String]?, catalogs dir: String?, top: Int = 15,
                   commitmentsMonth: BillingMonth? = nil) throws -> PlanResult {
    let buckets = try store.usageBuckets(model: model, requestType: requestType, month: month)
    let planner = try Self.planner(catalogs: dir, top: top)
    let sameModel = planner.catalog.model(named: model)?.name
    let models = selfHost ?? sameModel.map { [$0] } ?? Self.defaultSelfHostModels
    var workload = try Self.workload(from: buckets, model: model, requestType: requestType, month: month, selfHost: models)
    let contractNotes = try commitmentsMonth.map { Self.apply(try contractDiscounts(month: $0), to: &workload) } ?? []
    var plan = try planner.plan(workload, at: month.start)
    plan.notes += contractNotes
    // What that usage cost: as the provider stated it in the imported data, else at catalog prices (the reference option).
    let stated = try store.statedUsageCost(model: model, requestType: requestType, month: month)
    var today: String
    if stated.isEmpty {
      let reference = plan.options.first { $0.id == plan.breakEven.apiOptionId }
      today = "Today: the imported \(model) \(requestType) usage in \(month) states no cost"
        + (reference.map { "; at catalog prices it costs \(PlanText.dollars($0.monthlyCost)) a month (\($0.provider))" } ?? "")
    } else {
      today = "Today: the imported \(model) \(requestType) usage in \(month) cost "
        + stated.map { "\($0.cost.decimalString) \($0.currency)" }.joined(separator: " + ") + " as stated by the provider"
    }
    if selfHost == nil {
      today += sameModel != nil ? "; self-hosting \(sameModel!) itself is compared (--self-host to add others)"
        : "; \(model) is not an open model: self-hosting compares \(models.joined(separator: ", ")) (--self-host to choose)"
    }
    plan.recommendation?.reasons.insert(today + ".", at: 0)
    return plan
  }

  /// The open models compared with a closed model's usage when the user names none.
  public static let defaultSelfHostModels = ["Llama-3.1-8B", "Llama-3.1-70B"]

  /// Requests are spread evenly over each bucket's hours and folded onto the hours of the week
  /// (Monday 00:00 UTC first), averaged over how often each hour occurs in the month.
  static func workload(from buckets: [StoredUsageBucket], model: String, requestType: String, month: BillingMonth,
                       selfHost: [String]) throws -> Workload {
    let requests = buckets.reduce(Int64(0)) { $0 + $1.requests }
    guard requests > 0 else {
      throw PlannerError.invalid("no imported usage with request counts for model '\(model)', request type '\(requestType)' in \(month): see `mlcost report monthly --month \(month)` for the names")
    }
    func hourOfWeek(_ t: Int64) -> Int { Int(((t / 3600) % 168 + 168 + 72) % 168) }   // 1970-01-01 was a Thursday
    var totals = [Double](repeating: 0, count: 168), occurrences = [Double](repeating: 0, count: 168)
    var h = month.start
    while h < month.next.start { occurrences[hourOfWeek(h)] += 1; h += 3600 }
    for b in buckets {
      let start = max(b.start, month.start), end = min(max(b.end, b.start + 3600), month.next.start)
      let hours = max(1, (end - start + 3599) / 3600)
      var t = start
      while t < end { totals[hourOfWeek(t)] += Double(b.requests) / Double(hours); t += 3600 }
    }
    let hourly = (0..<168).map { occurrences[$0] > 0 ? totals[$0] / occurrences[$0] : 0 }
    let n = Double(requests)
    let input = Double(buckets.reduce(Int64(0)) { $0 + $1.inputTokens + $1.cachedInputTokens }) / n
    let cached = Double(buckets.reduce(Int64(0)) { $0 + $1.cachedInputTokens }) / n
    let output = Double(buckets.reduce(Int64(0)) { $0 + $1.outputTokens }) / n
    var byProvider: [String: Int64] = [:]
    for b in buckets { byProvider[b.provider, default: 0] += b.requests }
    let provider = byProvider.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
    let batchShare = Double(buckets.filter(\.batch).reduce(Int64(0)) { $0 + $1.requests }) / n
    // Usage exports carry no latency: MLPerf's server constraints (TTFT 2 s, TPOT 200 ms) stand in.
    return Workload(name: "\(model) · \(requestType) · \(month) (from imported usage)", requestType: requestType, hourlyRequests: hourly,
                    inputTokens: max(1, input), cachedInputTokens: cached, outputTokens: max(1, output), ttftMs: 2000, tpotMs: 200,
                    batchable: batchShare > 0.5, horizonMonths: 12, api: [.init(provider: provider, model: model)],
                    selfHost: Workload.SelfHost(models: selfHost))
  }
}
