import MLCostAttribution
import MLCostCatalogs
import MLCostCore
import MLCostDemo
import MLCostReports
import MLCostImporters
import MLCostPlanner
import MLCostStore

// The CLI imports only this module (DESIGN.md); these are the lower-level types it needs to name.
public typealias ImportOptions = MLCostImporters.ImportOptions
public typealias ReducedRow = MLCostImporters.ReducedRow
public typealias ImportFormat = MLCostImporters.ImportFormat
public typealias ImportProgress = MLCostImporters.ImportProgress
public typealias SniffResult = MLCostImporters.SniffResult
public typealias ImportError = MLCostCore.ImportError
public typealias StoreError = MLCostStore.StoreError
public typealias ImportRecord = MLCostStore.ImportRecord
public typealias Diagnostic = MLCostCore.Diagnostic
public typealias MonthlyReport = MLCostReports.MonthlyReport
public typealias Rules = MLCostAttribution.Rules
public typealias ColumnChoice = MLCostReports.ColumnChoice
public typealias TextRenderer = MLCostReports.TextRenderer
public typealias SliceKey = MLCostAttribution.SliceKey
public typealias Spelling = MLCostCore.Spelling
public typealias SliceFilter = MLCostAttribution.SliceFilter
public typealias SlicePattern = MLCostAttribution.Pattern
public typealias Basis = MLCostCore.Basis
public typealias BillingMonth = MLCostCore.BillingMonth
public typealias APIPriceBook = MLCostCatalogs.APIPriceBook
public typealias ReportReadError = MLCostReports.ReportReadError
public typealias CatalogError = MLCostCatalogs.CatalogError
public typealias IdleReport = MLCostReports.IdleReport
public typealias IdleRenderer = MLCostReports.IdleRenderer
public typealias ReconciliationRenderer = MLCostReports.ReconciliationRenderer
public typealias CommitmentRenderer = MLCostReports.CommitmentRenderer
public typealias CommitmentReport = MLCostReports.CommitmentReport
public typealias InvoiceReconciliation = MLCostReports.InvoiceReconciliation
public typealias AnomalyReport = MLCostReports.AnomalyReport
public typealias AnomalyRenderer = MLCostReports.AnomalyRenderer
public typealias CSVTables = MLCostReports.CSVTables
public typealias BudgetReport = MLCostReports.BudgetReport
public typealias BudgetRenderer = MLCostReports.BudgetRenderer
public typealias ForecastReport = MLCostReports.ForecastReport
public typealias Dimension = MLCostAttribution.Dimension
public typealias BudgetPeriod = MLCostAttribution.BudgetPeriod
public typealias AlertReport = MLCostReports.AlertReport
public typealias AlertRenderer = MLCostReports.AlertRenderer
public typealias Catalog = MLCostCatalogs.Catalog
public typealias CatalogIssue = MLCostCatalogs.CatalogIssue
public typealias PlanResult = MLCostCore.PlanResult
public typealias ThroughputEstimate = MLCostPlanner.ThroughputEstimate
public typealias ThroughputError = MLCostPlanner.ThroughputError
public typealias PlannerError = MLCostPlanner.PlannerError
public typealias ScenarioError = MLCostPlanner.ScenarioError
public typealias PlanRenderer = MLCostReports.PlanRenderer
public typealias Precision = MLCostCatalogs.Precision

/// The span of data in a database, for messages that say what is there when a question finds nothing.
public struct DataHoldings: Sendable {
  public var months: [BillingMonth]
  public var firstChargeDay: Int64?
  public var lastChargeDay: Int64?

  public var isEmpty: Bool { months.isEmpty }
  /// `2026-07 … 2026-10`, or `2026-10`.
  public var monthSpan: String {
    guard let first = months.first, let last = months.last else { return "nothing" }
    return first == last ? first.description : "\(first) … \(last)"
  }
  public var daySpan: String {
    guard let a = firstChargeDay, let b = lastChargeDay else { return "no charges" }
    return "\(Timestamp.iso8601(a).prefix(10)) … \(Timestamp.iso8601(b).prefix(10))"
  }
}
public typealias ExportShape = MLCostDemo.ExportShape
public typealias DemoCompany = MLCostDemo.DemoCompany
