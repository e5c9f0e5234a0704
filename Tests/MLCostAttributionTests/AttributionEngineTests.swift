import MLCostCore
import MLCostTestSupport
import Testing
@testable import MLCostAttribution

struct AttributionEngineTests {
  func owners(_ a: Attribution) -> [String: Amount] {
    a.allocations.reduce(into: [:]) { $0[$1.owner.description, default: .zero] += $1.cost }
  }
  let usd = FixtureMonth.usd

  @Test func theWorkedExampleComesOutAsWorkedOutByHand() throws {
    let a = try AttributionEngine.run(FixtureMonth.input, rules: FixtureMonth.rules)
    // 7200 + 1000 + 180 + 300 + 120 + 55.55 + 10.01 + 20 billed charges, + 3.75 gpt-4o priced from the catalog.
    #expect(a.charges["USD"] == usd("8889.31"))
    #expect(a.allocated["USD"] == usd("8889.31"))
    #expect(a.chargesBySource["USD"]?[.apiCatalog] == usd("3.75"))
    #expect(owners(a) == [
      "llama-3.1-70b": usd("7340.00"),  // endpoint 7200 + weights 20 + 120 of the vector DB (4M of 10M tokens)
      "bge-large": usd("1180.00"),      // endpoint 1000 + 180 of the vector DB (6M of 10M tokens)
      "llama-3.1-8b": usd("180.00"),    // the untagged spot box, by virtual tag
      "gpt-4o": usd("3.75"),            // 1M × 2.50 + 0.2M × 1.25 + 0.1M × 10.00 per 1M
      "(idle commitment)": usd("120.00"),
      "(unallocated)": usd("65.56"),    // egress 55.55 + tax 10.01
    ])
    #expect(a.pools == [PoolSplit(name: "vector database", currency: "USD", split: "tokens", cost: usd("300.00"),
                                  shares: ["llama-3.1-70b": usd("120.00"), "bge-large": usd("180.00")], unsplit: 0)])
    #expect(a.unpriced == [UnpricedUsage(provider: "Anthropic", model: "claude-x", requestType: "chat", requests: 3, inputTokens: 5000, outputTokens: 100)])
    #expect(a.virtualTagHits == ["spot batch box": 1])
    // GPU usage of the 70B endpoint: 40% of 7200.
    let gpu = a.allocations.first { $0.owner == .model("llama-3.1-70b") && $0.component == .gpuCompute }
    #expect(gpu?.usageCost == usd("2880.00") && gpu?.observedCost == usd("7200.00"))
    #expect(a.drivers["llama-3.1-70b"]?["USD"]?.gpuHours == 5760)
    // Tag aliases are case- and whitespace-normalised; request types map onto the vocabulary.
    #expect(a.allocations.contains { $0.owner == .model("bge-large") && $0.requestType == "embedding" })
  }

  /// Usage without a model (OpenAI's default when a usage query is not grouped by model) and without a stated cost
  /// vanished: neither in costs nor in "unpriced". It is unpriced under `(no model)` now, tokens and requests kept.
  @Test func usageWithoutAModelIsListedAsUnpriced() throws {
    var input = FixtureMonth.input
    var u = UsageGroup(provider: "Mistral", source: "t", model: nil, requestType: .chat, batch: false)
    u.requests = 7; u.inputTokens = 7000; u.outputTokens = 700
    input.usage.append(u)
    let a = try AttributionEngine.run(input, rules: FixtureMonth.rules)
    #expect(a.unpriced.contains(UnpricedUsage(provider: "Mistral", model: "(no model)", requestType: "chat", requests: 7, inputTokens: 7000,
                                              outputTokens: 700)))
    #expect(a.charges["USD"] == usd("8889.31"))   // still not counted as money
  }

  @Test func tagCoverageCountsOnlyTheSourcesOwnTags() throws {
    let a = try AttributionEngine.run(FixtureMonth.input, rules: FixtureMonth.rules)
    let ec2 = a.coverage.first { $0.service == "Amazon Elastic Compute Cloud" }
    #expect(ec2?.total == usd("180.00") && ec2?.tagged == 0)   // attributed by a rule, but untagged
    let sagemaker = a.coverage.first { $0.service == "Amazon SageMaker" }
    #expect(sagemaker?.total == usd("8200.00") && sagemaker?.tagged == usd("8200.00"))
    #expect(a.untagged.map(\.resource) == ["(AWS Data Transfer, no resource id)"])
  }

  @Test func cashBasisSumsBilledCostOnly() throws {
    var rules = FixtureMonth.rules
    rules.basis = .cash
    let a = try AttributionEngine.run(FixtureMonth.input, rules: rules)
    // The committed endpoint and the unused commitment were billed 0 this month.
    #expect(a.charges["USD"] == usd("8889.31") - usd("7200.00") - usd("120.00"))
    #expect(a.allocated == a.charges)
  }

  @Test func aPoolWithoutDriversStaysShared() throws {
    var rules = FixtureMonth.rules
    rules.pools[0].among = ["a-model-with-no-tokens"]
    let a = try AttributionEngine.run(FixtureMonth.input, rules: rules)
    #expect(owners(a)["(shared)"] == usd("300.00"))
    #expect(a.allocated == a.charges)
  }

  @Test func withoutRulesTheUntaggedBoxIsUnallocated() throws {
    let a = try AttributionEngine.run(FixtureMonth.input, rules: .defaults)
    #expect(owners(a)["(unallocated)"] == usd("65.56") + usd("180.00") + usd("300.00"))
    #expect(owners(a)["llama-3.1-8b"] == nil)
  }

  /// Contract 5, as a property: random charges, pools, drivers and rules; every currency balances to the nano.
  @Test func moneyIsConservedForRandomMonths() throws {
    var rng = SplitMix64(seed: 7)
    let models = ["m1", "m2", "m3", "m4"]; let currencies: [Currency] = ["USD", "EUR"]
    for _ in 0..<300 {
      var charges: [ChargeGroup] = []
      for _ in 0..<rng.between(0, 40) {
        let cost = Int64(rng.between(-5_000_000, 50_000_000)) * Int64(rng.between(1, 1_000_000))
        var tags: [String: String] = [:]
        if rng.below(3) > 0 { tags["model"] = models[rng.below(models.count)] }
        if rng.below(2) == 0 { tags["request-type"] = ["chat", "batch", "embedding", "eval"][rng.below(4)] }
        var c = ChargeGroup(currency: currencies[rng.below(2)], billedCost: Amount(nanos: cost / 2), effectiveCost: Amount(nanos: cost), tags: tags)
        c.service = ["svc-a", "svc-b", "shared-db", "gpu-cluster"][rng.below(4)]
        c.provider = ["AWS", "GCP"][rng.below(2)]
        c.resourceId = "r-\(rng.below(20))"
        c.gpuModel = rng.below(2) == 0 ? "H100" : nil
        c.gpuCount = c.gpuModel == nil ? nil : rng.between(1, 8)
        c.consumedQuantity = Double(rng.between(0, 720)); c.consumedUnit = "Hours"
        if rng.below(10) == 0 { c.commitmentStatus = "Unused" }
        charges.append(c)
      }
      var usage: [UsageGroup] = []
      for _ in 0..<rng.between(0, 10) {
        var u = UsageGroup(provider: ["OpenAI", "vLLM"][rng.below(2)], source: "t", model: rng.below(5) == 0 ? nil : models[rng.below(4)],
                           requestType: [.chat, .batch, .embedding][rng.below(3)], batch: rng.below(2) == 0)
        u.inputTokens = Int64(rng.between(0, 10_000_000)); u.outputTokens = Int64(rng.between(0, 1_000_000)); u.requests = Int64(rng.between(0, 5000))
        if rng.below(3) == 0 { u.cost = Int64(rng.between(0, 100_000_000)) * 1000; u.currency = currencies[rng.below(2)] }
        usage.append(u)
      }
      var rules = Rules()
      rules.basis = rng.below(2) == 0 ? .amortised : .cash
      let splits: [Pool.Split] = [.even, .tokens, .requests, .gpuHours, .percent(["m1": 33.3, "m2": 66.7])]
      var m1 = Match(); m1.fields = [(.service, .exact("shared-db"))]
      var m2 = Match(); m2.fields = [(.service, .exact("gpu-cluster"))]
      rules.pools = [Pool(name: "db", match: m1, split: splits[rng.below(splits.count)], among: rng.below(3) == 0 ? ["m9"] : nil, line: 1),
                     Pool(name: "cluster", match: m2, split: splits[rng.below(splits.count)], among: nil, line: 2)]
      let prices = [TokenPrice.key(provider: "OpenAI", model: "m1"): TokenPrice(inputPer1M: 2_500_000_000, outputPer1M: 10_000_000_000,
                                                                                 batchDiscountPPB: 500_000_000, source: "t")]
      let a = try AttributionEngine.run(AttributionInput(month: FixtureMonth.month, charges: charges, usage: usage, prices: prices), rules: rules)
      #expect(a.allocated == a.charges)
      let byOwner = a.allocations.reduce(into: [Currency: Amount]()) { $0[$1.currency, default: .zero] += $1.cost }
      #expect(byOwner.filter { !$0.value.isZero } == a.charges.filter { !$0.value.isZero })
      for p in a.pools { #expect(p.shares.values.reduce(Amount.zero, +) + p.unsplit == p.cost) }
    }
  }

  /// Tag values lose spaces, tabs and other blanks (`.whitespaces`) at their ends, never newlines; untouched otherwise.
  @Test func tagValuesAreTrimmedOfSpacesAndTabsOnly() {
    #expect("  a b\t".trimmingBlanks() == "a b")
    #expect("\u{A0}x\u{2003}".trimmingBlanks() == "x")
    #expect("x\n".trimmingBlanks() == "x\n")
    #expect("plain".trimmingBlanks() == "plain")
    #expect(" \t ".trimmingBlanks() == "")
  }
}

/// On cash basis a commitment's fee, billed whole in its month, was reported as "(idle commitment)".
struct CashBasisPurchaseTests {
  @Test func aCommitmentFeeOnCashBasisIsAPurchaseAndUnusedUsageStaysIdle() throws {
    var fee = ChargeGroup(currency: "USD", billedCost: Amount(units: 1200), effectiveCost: Amount(units: 100), chargeCategory: .purchase)
    fee.commitmentStatus = "Unused"
    var unused = ChargeGroup(currency: "USD", billedCost: .zero, effectiveCost: Amount(units: 40), chargeCategory: .usage)
    unused.commitmentStatus = "Unused"
    let input = AttributionInput(month: BillingMonth(year: 2026, month: 10), charges: [fee, unused], usage: [], activity: [:], prices: [:])
    var rules = Rules.defaults
    rules.basis = .cash
    let cash = try AttributionEngine.run(input, rules: rules)
    #expect(cash.allocations.filter { $0.owner == .commitmentPurchase }.reduce(Amount.zero) { $0 + $1.cost } == Amount(units: 1200))
    #expect(!cash.allocations.contains { $0.owner == .idle && !$0.cost.isZero })
    rules.basis = .amortised
    let amortised = try AttributionEngine.run(input, rules: rules)
    #expect(amortised.allocations.filter { $0.owner == .idle }.reduce(Amount.zero) { $0 + $1.cost } == Amount(units: 140))
    #expect(!amortised.allocations.contains { $0.owner == .commitmentPurchase })
  }
}

/// Slices: each allocation carries its charge's fields; a pool share carries its pool charge's.
struct SliceAttributionTests {
  @Test func poolSharesKeepTheirPoolChargesFields() throws {
    var rules = Rules()
    rules.pools = [Pool(name: "cluster", match: { var m = Match(); m.fields = [(.service, .exact("GPU cluster"))]; return m }(),
                        split: .percent(["a": 0.5, "b": 0.5]), among: nil, line: 1)]
    func charge(_ service: String, _ region: String, _ cost: String, model: String?) -> ChargeGroup {
      var c = ChargeGroup(currency: .usd, billedCost: Amount(stringLiteral: cost), effectiveCost: Amount(stringLiteral: cost))
      c.service = service; c.region = region; c.provider = "cloud"
      if let model { c.tags = ["model": model] }
      return c
    }
    let input = AttributionInput(month: BillingMonth("2026-10")!, charges: [
      charge("GPU cluster", "eu-west-1", "100", model: nil), charge("GPU cluster", "us-east-1", "50", model: nil),
      charge("Endpoints", "eu-west-1", "30", model: "a"),
    ], sliceFields: [.field(.region)])
    let a = try AttributionEngine.run(input, rules: rules)
    let fields: [SliceField] = [.field(.region)]
    let eu = Slicer.filter(a, [SliceFilter(key: .charge(.field(.region)), patterns: [.exact("EU-WEST-1")])], fields: fields)
    #expect(eu.charges[.usd] == "130")
    let groups = Slicer.group(eu, by: [.owner], fields: fields)
    #expect(groups.map(\.values) == [["a"], ["b"]] && groups.map(\.cost) == ["80", "50"])
    let byRule = Slicer.group(a, by: [.rule], fields: fields)
    #expect(byRule.map(\.values[0]) == ["pool 'cluster' split by percent", "model tag"] && byRule.map(\.cost) == ["150", "30"])
  }
}
