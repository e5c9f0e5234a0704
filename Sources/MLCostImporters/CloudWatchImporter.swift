import MLCostCore

/// `aws cloudwatch get-metric-data` output → metric samples, one per (timestamp, value).
///
/// The output names each series only by its query `Id` and `Label`; the dimensions (EndpointName
/// **and** VariantName for SageMaker) live in the query. So the file must carry `MetricDataQueries`
/// beside `MetricDataResults` (merge the two: `jq -s '.[0] * .[1]' query.json output.json`).
/// A timestamp with no value is absent, never zero.
enum CloudWatchImporter: DocumentImporter {
  struct Series {
    var namespace: String?
    var metric: String
    var dimensions: [(String, String)]
    var statistic: String?
    var unit: String?
  }

  static func run(_ bytes: UnsafeRawBufferPointer, context: RecordContext) throws {
    let root = try context.parseJSON(bytes)
    for doc in root.elements ?? [root] {
      var queries: [String: Series] = [:]
      for q in doc["MetricDataQueries"]?.elements ?? [] {
        guard let id = q.string("Id"), let stat = q["MetricStat"], let metric = stat["Metric"], let name = metric.string("MetricName") else { continue }
        var dims: [(String, String)] = []
        for d in metric["Dimensions"]?.elements ?? [] {
          if let n = d.string("Name"), let v = d.string("Value") { dims.append((n, v)) }
        }
        queries[id] = Series(namespace: metric.string("Namespace"), metric: name, dimensions: dims.sorted { $0.0 < $1.0 },
                             statistic: stat.string("Stat"), unit: stat.string("Unit"))
      }
      guard let results = doc["MetricDataResults"]?.elements else {
        throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: context.fileName, line: doc.line, column: doc.column),
          "there is no MetricDataResults list", fix: "save the output of aws cloudwatch get-metric-data as it came"))
      }
      for result in results {
        guard let series = try context.record(result, { () throws(FieldError) -> Series in
          let id = result.string("Id") ?? "?"
          guard let s = queries[id] else {
            throw FieldError(line: result.line, column: result.column, field: "Id",
              message: "series '\(id)' (\(result.string("Label") ?? "no label")) has no matching MetricDataQueries entry, so its dimensions are unknown",
              fix: "keep the query beside the output: jq -s '.[0] * .[1]' query.json output.json")
          }
          return s
        }) else { continue }
        let times = result["Timestamps"]?.elements ?? []
        let values = result["Values"]?.elements ?? []
        if times.count != values.count {
          try context.reject(line: result.line, column: result.column, field: "Values", raw: result.json,
            message: "\(times.count) timestamps but \(values.count) values", fix: "the two lists must be the same length")
          continue
        }
        let resource = resourceId(series)
        let dimensions = "{" + series.dimensions.map { "\"\(JSON.escaped($0.0))\":\"\(JSON.escaped($0.1))\"" }.joined(separator: ",") + "}"
        for (t, v) in zip(times, values) {
          let pair = JSONNode.object([("Timestamp", t), ("Value", v)], t.line, t.column)
          guard let sample = try context.record(pair, { () throws(FieldError) -> MetricSample in
            var m = MetricSample()
            m.line = t.line
            m.timestamp = try pair.instant("Timestamp") ?? 0
            guard let value = try pair.double("Value") else {
              throw FieldError(line: v.line, column: v.column, field: "Values", message: "a value is null", fix: "drop the sample; absent is absent")
            }
            m.value = value
            m.resourceId = resource; m.metric = series.metric; m.namespace = series.namespace
            m.unit = series.unit; m.statistic = series.statistic; m.dimensions = dimensions
            return m
          }) else { continue }
          try context.metric(sample)
        }
      }
    }
  }

  /// The resource a series is about: the endpoint for SageMaker, the instance for EC2, else the first dimension.
  static func resourceId(_ s: Series) -> String {
    for key in ["EndpointName", "InstanceId", "ResourceId", "Host", "ClusterName", "FunctionName"] {
      if let v = s.dimensions.first(where: { $0.0 == key })?.1 { return v }
    }
    return s.dimensions.first?.1 ?? (s.namespace ?? "unknown")
  }
}

extension ImportFormat {
  /// `aws cloudwatch get-metric-data` JSON.
  public static let cloudwatch = ImportFormat(declaring: "cloudwatch")
}

extension FormatDescriptor {
  static let cloudwatch = FormatDescriptor(.cloudwatch, document: .importer(CloudWatchImporter.self) { head in
    !head.isXML && head.has("\"MetricDataResults\"") ? SniffResult(format: .cloudwatch, version: "get-metric-data", evidence: ["MetricDataResults"]) : nil
  })
}
