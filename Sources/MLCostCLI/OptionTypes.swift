import ArgumentParser
import MLCost

/// An option whose values are a fixed list: typed (no string comparisons or force-unwraps after parsing),
/// matched ignoring case, with aliases written once; a near miss is refused with the list and a suggestion.
public protocol ChoiceOption: CaseIterable, RawRepresentable, ExpressibleByArgument where RawValue == String {
  /// Other accepted spellings (`amortized` for `amortised`).
  static var aliases: [String: Self] { get }
}

extension ChoiceOption {
  public static var aliases: [String: Self] { [:] }

  public init?(argument: String) {
    let key = argument.lowercased()
    if let exact = Self.allCases.first(where: { $0.rawValue.lowercased() == key }) {
      self = exact
    } else if let alias = Self.aliases.first(where: { $0.key.lowercased() == key })?.value {
      self = alias
    } else {
      return nil
    }
  }

  /// For `@Option(transform:)`: the value, or the usage error ArgumentParser shows after "The value 'x' is invalid for '--opt'".
  static func parse(_ argument: String) throws -> Self {
    if let value = Self(argument: argument) { return value }
    let names = allCases.map(\.rawValue)
    var message = "use \(Choice.list(names))"
    if let near = Choice.suggestion(argument, among: names + aliases.keys.sorted()) {
      message += " (did you mean '\(Self(argument: near)?.rawValue ?? near)'?)"
    }
    throw ValidationError(message)
  }

  static var names: String { Choice.list(allCases.map(\.rawValue)) }

  /// The option's help with its default, worded as ArgumentParser words it (which it cannot do for an option
  /// parsed by `transform:`).
  static func help(_ abstract: String, valueName: String, default value: Self) -> ArgumentHelp {
    ArgumentHelp(abstract + " (default: \(value.rawValue))", valueName: valueName)
  }
}

/// `--format` of the commands that print a table or JSON only.
enum TableOrJSON: String, ChoiceOption { case table, json }
/// `--format` of `idle` and `anomalies`.
enum FindingsFormat: String, ChoiceOption { case table, md, csv, json }
/// `--by` of `budget`: the dimension whose owners are forecast.
enum ForecastBy: String, ChoiceOption {
  case model, requestType = "request_type", team, environment, endpoint, total
  static var aliases: [String: ForecastBy] { ["request-type": .requestType, "owner": .model] }
  var dimension: Dimension? { self == .total ? nil : Dimension(rawValue: rawValue) }
}
extension BudgetPeriod: ExpressibleByArgument, ChoiceOption {
  public static var aliases: [String: BudgetPeriod] { ["yearly": .annual, "month": .monthly, "quarter": .quarterly] }
}
/// `--format` of `alerts`.
enum AlertFormat: String, ChoiceOption { case table, json }
/// `--format` of `plan`.
enum PlanFormat: String, ChoiceOption { case table, md, csv, json, html }
/// `--format` of `catalog list`.
enum CatalogFormat: String, ChoiceOption { case table, csv, json }

extension ReportFormat: ExpressibleByArgument, ChoiceOption {}
extension Basis: ExpressibleByArgument, ChoiceOption {
  public static var aliases: [String: Basis] { ["amortized": .amortised] }
}
extension Precision: ExpressibleByArgument, ChoiceOption {}
extension ExportShape: ExpressibleByArgument, ChoiceOption {}
extension Workspace.GeneratedFormat: ExpressibleByArgument, ChoiceOption {}

/// `--format` of `import`: `auto` (sniff) or one format.
enum ImportFormatOption: ChoiceOption {
  case auto
  case pinned(ImportFormat)
  static var allCases: [ImportFormatOption] { [.auto] + ImportFormat.allCases.map { .pinned($0) } }
  init?(rawValue: String) {
    if rawValue == "auto" { self = .auto } else if let f = ImportFormat(rawValue: rawValue) { self = .pinned(f) } else { return nil }
  }
  var rawValue: String {
    switch self {
    case .auto: "auto"
    case .pinned(let f): f.rawValue
    }
  }
  var format: ImportFormat? {
    if case .pinned(let f) = self { return f }
    return nil
  }
}
