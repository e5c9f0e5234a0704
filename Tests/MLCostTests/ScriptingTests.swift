import Foundation
import MLCostTestSupport
import Testing

/// Every command scriptable: one error style, case-insensitive choices with a "did you mean", unknown commands
/// refused (with `--help` too, which printed the root help and exited 0), CSV and `--out` for idle, anomalies and
/// plan, JSON for the catalogs.
struct ScriptingTests {
  let dir = Repo.temporaryDirectory()
  var db: String { (dir as NSString).appendingPathComponent("s.db") }

  @Test func anUnknownCommandIsAUsageErrorWithASuggestionEvenWithHelp() throws {
    for args in [["reprot"], ["reprot", "--help"], ["catalog", "lst"]] {
      let r = try Binary.run(args)
      #expect(r.status == 64, "\(args): \(r.status)")
      #expect(r.stderr.hasPrefix("error: 'mlcost \(args.prefix(args[0] == "catalog" ? 2 : 1).joined(separator: " "))' is not a command"), "\(r.stderr)")
      #expect(r.stderr.contains("did you mean '\(args[0] == "catalog" ? "list" : "report")'?"), "\(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
    #expect(try Binary.run(["help", "idle"]).status == 0)
    #expect(try Binary.run(["report", "--help"]).status == 0)
  }

  @Test func choicesIgnoreCaseAndNearMissesGetASuggestion() throws {
    let ok = try Binary.run(["throughput", "--model", "llama-3.1-8b", "--gpu", "H100", "--format", "JSON", "--catalogs", Repo.path("catalogs")])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect((try? JSONSerialization.jsonObject(with: Data(ok.stdout.utf8))) != nil)
    let near = try Binary.run(["idle", "--db", db, "--format", "cvs"])
    #expect(near.status == 64)
    #expect(near.stderr.hasPrefix("error: The value 'cvs' is invalid for '--format <format>': use table, md, csv or json (did you mean 'csv'?)"),
            "\(near.stderr)")
    // An alias is written once, in the option's type: `amortized` is `amortised`, and its near misses are suggested.
    let alias = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10", "--basis", "Amortized"])
    #expect(alias.status == 66 && alias.stderr.contains("no database here yet"), "\(alias.stderr)")
    let basis = try Binary.run(["report", "monthly", "--db", db, "--month", "2026-10", "--basis", "amortizd"])
    #expect(basis.status == 64 && basis.stderr.contains("use amortised or cash (did you mean 'amortised'?)"), "\(basis.stderr)")
    let precision = try Binary.run(["throughput", "--model", "m", "--gpu", "g", "--precision", "fp16"])
    #expect(precision.status == 64 && precision.stderr.contains("use bf16, fp8 or fp4"), "\(precision.stderr)")
    // Argument-parser's own errors take the same style.
    let missing = try Binary.run(["report", "monthly", "--db", db])
    #expect(missing.status == 64 && missing.stderr.hasPrefix("error: "), "\(missing.stderr)")
  }

  @Test func idleAndAnomaliesWriteCSVToAFile() throws {
    // Two weeks of a SageMaker endpoint with no metrics (unknown) and a spike day (an anomaly).
    var rows: [String] = []
    for day in 1...28 {
      rows.append(FocusText.row(day == 20 ? "900.00" : "100.00", resource: "arn:aws:sagemaker:us-east-1:1:endpoint/chat", day: day,
                                tags: "\"{\"\"model\"\":\"\"m\"\"}\""))
    }
    let file = try FocusText.write(rows, to: dir, name: "f.csv")
    #expect(try Binary.run(["import", "--db", db, file]).status == 0)
    let idleOut = (dir as NSString).appendingPathComponent("idle.csv")
    let idle = try Binary.run(["idle", "--db", db, "--format", "csv", "--out", idleOut])
    #expect(idle.status == 0 && idle.stdout == "wrote \(idleOut)\n", "\(idle.stderr)")
    let idleText = try String(contentsOfFile: idleOut, encoding: .utf8)
    #expect(idleText.hasPrefix("kind,resource_id,model,currency,window_cost,monthly_waste,monthly_saving,rule,action,evidence,from,to\n"))
    #expect(idleText.contains("unknown,arn:aws:sagemaker:us-east-1:1:endpoint/chat,m,USD,2200.00,"))   // 13 × 100 + the 900 spike
    let anomalies = try Binary.run(["anomalies", "--db", db, "--since", "2026-10-15", "--format", "csv"])
    #expect(anomalies.status == 0, "\(anomalies.stderr)")
    let lines = anomalies.stdout.split(separator: "\n")
    #expect(lines.first == "dimension,value,currency,start,end,days,expected,actual,impact,volume,unit_price,mix,fx,volume_unit,baseline,top_contributors,also_seen_as,muted")
    #expect(lines.contains { $0.hasPrefix("model,m,USD,2026-10-20,2026-10-20,1,100.00,900.00,800.00,") })
  }

  @Test func planWritesCSVAndCatalogsListAsJSON() throws {
    let out = (dir as NSString).appendingPathComponent("plan.csv")
    let plan = try Binary.run(["plan", Repo.path("examples/scenario.yaml"), "--format", "csv", "--out", out, "--catalogs", Repo.path("catalogs")])
    #expect(plan.status == 0, "\(plan.stderr)")
    let csv = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(csv.first?.hasPrefix("rank,id,kind,provider,region,instance_type,gpu,gpus_per_instance,model,precision,pricing,monthly_cost_usd,") == true)
    #expect(csv.contains { $0.hasPrefix("1,") && $0.contains(",yes,") })   // the recommended option is marked
    let list = try Binary.run(["catalog", "list", "gpus", "--format", "json", "--filter", "H200", "--catalogs", Repo.path("catalogs")])
    #expect(list.status == 0, "\(list.stderr)")
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: String]])
    #expect(Set(rows.compactMap { $0["gpu"] }) == ["H200", "GH200"] && rows.allSatisfy { $0["memory_gb"] != nil })
  }

  /// `idle --help` listed 4 kinds where the README lists 5; the formats each command accepts are the ones its help and
  /// the README's command table list.
  @Test func helpTextsAndTheREADMEAgree() throws {
    let readme = try String(contentsOfFile: Repo.path("README.md"), encoding: .utf8)
    let idleHelp = try Binary.run(["idle", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
    let idleRow = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| `mlcost idle") })
    for kind in ["idle", "under-used", "orphaned", "stopped-but-billed", "unknown"] {
      #expect(idleHelp.contains("\(kind) ("), "idle --help lacks \(kind)")
      #expect(idleRow.contains("`\(kind)`"), "README lacks \(kind)")
    }
    for (command, formats) in [("idle", ["table", "md", "csv", "json"]), ("anomalies", ["table", "md", "csv", "json"]),
                               ("plan", ["table", "md", "csv", "json", "html"]), ("catalog list", ["table", "csv", "json"])] {
      let help = try Binary.run(command.split(separator: " ").map(String.init) + ["--help"]).stdout
      let row = try #require(readme.split(separator: "\n").first { $0.hasPrefix("| `mlcost \(command)") })
      #expect(row.contains("--format " + formats.joined(separator: "\\|")), "README row of \(command)")
      #expect(row.contains("--out FILE") && help.contains("--out <file>"), "\(command) --out")
      for f in formats { #expect(help.contains(f), "\(command) --help lacks \(f)") }
    }
  }
}
