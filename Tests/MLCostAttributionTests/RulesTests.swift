import MLCostCore
import Testing
@testable import MLCostAttribution

struct RulesTests {
  static let example = """
    # Sum EffectiveCost (amortised).
    basis: amortised
    dimensions:
      model: [model, user:model, "ModelName"]
      request_type: request-type
    virtual_tags:
      - name: spot batch box
        match: {provider: AWS, resource_id: "glob:arn:aws:ec2:*:instance/i-0c3f*"}
        set: {model: llama-3.1-8b, request_type: batch}
    pools:
      - name: vector database
        match: {service: "regex:^Pinecone|Vector"}
        split: tokens
      - name: platform team
        match: {tag: {cost-center: platform}}
        split: {percent: {llama-3.1-70b: 70, bge-large: 30}}
    components:
      - match: {service_category: Storage}
        component: storage
      - match: {tag: {workload: training}}
        phase: training
    """

  @Test func theDocumentedExampleParses() throws {
    let r = try Rules.parse(yaml: Self.example, file: "mlcost.yaml")
    #expect(r.basis == .amortised)
    #expect(r.dimensions[.model] == ["model", "user:model", "modelname"])
    #expect(r.dimensions[.requestType] == ["request-type"])
    #expect(r.dimensions[.team] == Rules.defaultAliases[.team])
    #expect(r.virtualTags.count == 1 && r.virtualTags[0].set[.model] == "llama-3.1-8b")
    #expect(r.pools.map(\.split.name) == ["tokens", "percent"])
    #expect(r.components.count == 2 && r.components[1].phase == .training)
  }

  @Test(arguments: [
    ("basis: both\n", "mlcost.yaml:1:8", "basis 'both' is not known"),
    ("dimensions:\n  modle: [model]\n", "mlcost.yaml:2:3", "unknown dimension 'modle'"),
    ("pools:\n  - name: x\n    match: {service: db}\n    split: by-vibes\n", "mlcost.yaml:4:12", "unknown split 'by-vibes'"),
    ("virtual_tags:\n  - match: {resource_id: \"regex:([\"}\n    set: {model: m}\n", "mlcost.yaml:2:26", "not a valid regular expression"),
    ("components:\n  - match: {colour: red}\n    component: storage\n", "mlcost.yaml:2:13", "unknown match field 'colour'"),
    ("pools:\n  - name: x\n    split: even\n", "mlcost.yaml:2:5", "a pool needs a match"),
    ("basis: [amortised\n", "mlcost.yaml:2:1", "not valid YAML"),
    ("colour: blue\n", "mlcost.yaml:1:1", "unknown key 'colour'"),
    // docs/rules.md promises that any mistake is an error: shares that do not add up, one model spelt two ways.
    ("pools:\n  - match: {service: db}\n    split: {percent: {a: 60, b: 30}}\n", "mlcost.yaml:3:12", "the percentages sum to 90, not 100"),
    ("pools:\n  - match: {service: db}\n    split: {percent: {a: 60, b: 70}}\n", "mlcost.yaml:3:12", "the percentages sum to 130, not 100"),
    ("pools:\n  - match: {service: db}\n    split: {percent: {Llama: 50, llama: 50}}\n", "mlcost.yaml:3:12", "differ only in case"),
    ("pools:\n  - match: {service: db}\n    among: [m1, M1]\n    split: even\n", "mlcost.yaml:3:12", "differ only in case"),
    ("idle:\n  window_days: 999999999999999\n", "mlcost.yaml:2:16", "window_days must be a whole number of days from 1 to 3660"),
  ])
  func aWrongRulesFileSaysWhereAndWhat(_ yaml: String, _ location: String, _ says: String) {
    #expect {
      _ = try Rules.parse(yaml: yaml, file: "mlcost.yaml")
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix(location) && text.contains(says)
    }
  }

  @Test func theIdleBlockParses() throws {
    let r = try Rules.parse(yaml: "idle:\n  window_days: 7\n  min_cost: 5.00\n  gpu_below_percent: 15\n  orphan_days: 3\n  endpoints: [\"glob:*:inference-component/*\"]\n", file: "m.yaml")
    #expect(r.idle.windowDays == 7 && r.idle.minCost == 5_000_000_000 && r.idle.gpuBelowPercent == 15 && r.idle.orphanDays == 3)
    #expect(r.idle.endpoints.first?.matches("arn:aws:sagemaker:us-east-1:1:inference-component/x") == true)
    #expect(throws: RulesError.self) { try Rules.parse(yaml: "idle:\n  window_days: soon\n", file: "m.yaml") }
  }

  @Test func noRulesFileMeansTheDefaults() throws {
    let r = try Rules.parse(yaml: "", file: "mlcost.yaml")
    #expect(r.basis == .amortised && r.pools.isEmpty && r.dimensions[.model]?.contains("user:model") == true)
  }

  @Test func patternsMatchCaseInsensitivelyAndByGlobOrRegex() throws {
    #expect(try Pattern.parse("AWS").matches("aws"))
    #expect(try Pattern.parse("glob:arn:aws:ec2:*:instance/i-0c3f*").matches("arn:aws:ec2:us-east-1:3456:instance/i-0c3f9a7e"))
    #expect(try !Pattern.parse("glob:i-0c3f?").matches("i-0c3f12"))
    #expect(try Pattern.parse("regex:^gke-gpu-[0-9]+$").matches("gke-gpu-17"))
    #expect(try !Pattern.parse("regex:^gke-gpu-[0-9]+$").matches("gke-cpu-17"))
  }

  /// A pool that matches nothing, a share for a model that does not exist and two spellings of one model in
  /// the data are warnings with the rules file's line, carried into the report's notes.
  @Test func rulesTheDataDoesNotBearOutAreWarnedAbout() throws {
    let rules = try Rules.parse(yaml: """
      pools:
        - name: nothing
          match: {service: no-such-service}
          split: even
        - name: db
          match: {service: db}
          split: {percent: {m1: 50, m2-typo: 50}}
      """, file: "mlcost.yaml")
    var a = ChargeGroup(currency: "USD", billedCost: Amount(units: 10), effectiveCost: Amount(units: 10), tags: ["model": "m1"])
    a.service = "gpu"
    var b = ChargeGroup(currency: "USD", billedCost: Amount(units: 4), effectiveCost: Amount(units: 4), tags: ["model": "M1"])
    b.service = "gpu"
    var db = ChargeGroup(currency: "USD", billedCost: Amount(units: 2), effectiveCost: Amount(units: 2))
    db.service = "db"
    let result = try AttributionEngine.run(AttributionInput(month: BillingMonth(year: 2026, month: 10), charges: [a, b, db]), rules: rules)
    #expect(result.warnings.contains { $0.hasPrefix("mlcost.yaml:2: pool 'nothing' matched no charge in 2026-10") }, "\(result.warnings)")
    #expect(result.warnings.contains { $0.contains("mlcost.yaml:5: pool 'db' names model 'm2-typo'") }, "\(result.warnings)")
    #expect(result.warnings.contains { $0.contains("models 'M1' and 'm1' differ only in case") }, "\(result.warnings)")
    #expect(result.allocated == result.charges)
  }
}

/// The budgets: and mutes: blocks, and what a wrong one says.
struct BudgetRulesTests {
  @Test func budgetsParseWithDefaults() throws {
    let r = try Rules.parse(yaml: """
      budgets:
        - name: assistant
          scope: {team: assistant, provider: AWS, tag: {env: prod}}
          amount: 60000.50
          currency: eur
          period: quarterly
          alert_at: {actual: [90, 50], forecast: 110}
        - name: everything
          scope: total
          amount: 1000
      """, file: "r.yaml")
    #expect(r.budgets.count == 2)
    let a = r.budgets[0]
    #expect(a.amount == "60000.50" && a.currency == "EUR" && a.period == .quarterly)
    #expect(a.actualThresholds == [50, 90] && a.forecastThresholds == [110])
    #expect(a.scope.description == "team=assistant, provider=AWS, tag env=prod")
    #expect(r.budgets[1].scope.isTotal && r.budgets[1].period == .monthly && r.budgets[1].actualThresholds == [80, 100])
  }

  @Test(arguments: [
    ("budgets:\n  - name: a\n    scope: total\n", "r.yaml:2:5: error: budget 'a' needs an amount"),
    ("budgets:\n  - name: a\n    scope: total\n    amount: 5\n    period: weekly\n", "r.yaml:5:13: error: period 'weekly' is not known; use monthly, quarterly or annual"),
    ("budgets:\n  - name: a\n    scope: {colour: red}\n    amount: 5\n", "r.yaml:3:13: error: unknown scope key 'colour'"),
    ("budgets:\n  - name: a\n    scope: total\n    amount: 5\n  - name: a\n    scope: total\n    amount: 6\n", "r.yaml:5: error: two budgets are named 'a'"),
    ("budgets:\n  - name: a\n    scope: total\n    amount: -5\n", "r.yaml:4:13: error: amount must be an amount above zero such as 60000.00"),
    ("mutes:\n  - from: 2026-10-01\n", "r.yaml:2:5: error: a mute needs a reason"),
    ("mutes:\n  - from: 2026-13-01\n    reason: x\n", "r.yaml:2:11: error: '2026-13-01' is not a date"),
  ])
  func aWrongBudgetOrMuteSaysWhereAndWhy(yaml: String, message: String) {
    do {
      _ = try Rules.parse(yaml: yaml, file: "r.yaml")
      Issue.record("accepted: \(yaml)")
    } catch {
      #expect(error.description.hasPrefix(message), "\(error.description)")
    }
  }
}
