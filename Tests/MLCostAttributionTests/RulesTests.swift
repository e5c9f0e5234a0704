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
}
