import CLibXML2
import Foundation
import MLCostCore

/// UBL 2.1 / Peppol BIS Billing 3.0 invoices and credit notes → charges, with the supplier as provider.
///
/// Lines become Usage charges (credit-note lines: Credit, negated); document-level charges and
/// allowances become Adjustment and Credit charges; the document's tax total becomes one Tax charge.
/// Their sum must equal `LegalMonetaryTotal/TaxInclusiveAmount` and the lines must sum to
/// `LineExtensionAmount`, or the invoice is refused. Parsed by libxml2 with entity substitution,
/// DTD loading and network access off; a document that declares entities is refused outright.
enum UBLImporter: DocumentImporter {
  static let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
  static let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"

  static func run(_ bytes: UnsafeRawBufferPointer, context: RecordContext) throws {
    let doc = try parse(bytes, fileName: context.fileName)
    defer { xmlFreeDoc(doc) }
    guard let root = xmlDocGetRootElement(doc) else { throw bad(context, 1, "the document has no root element") }
    let rootName = name(root)
    guard rootName == "Invoice" || rootName == "CreditNote" else {
      throw bad(context, line(root), "the root element is <\(rootName)>, not a UBL <Invoice> or <CreditNote>")
    }
    context.result.replacesOlderExports = false
    let d = try UBLDocument(root: root, rootName: rootName, context: context)
    var sums = (lines: Amount.zero, charges: Amount.zero, rounding: Amount.zero, allRead: true)
    try d.lines(&sums)
    try d.allowancesAndCharges(&sums)
    try d.taxTotal(&sums)
    try d.payableRounding(&sums)
    // Reconcile against LegalMonetaryTotal: lines = LineExtensionAmount; all charges = TaxInclusiveAmount (+ the rounding
    // = what is owed before prepayments).
    guard sums.allRead else { return }
    try d.reconcile(lineSum: sums.lines, chargeSum: sums.charges, rounding: sums.rounding)
  }

  /// libxml2 with no entity substitution (no XML_PARSE_NOENT), no DTD loading, no network; documents
  /// that declare entities are refused, so neither XXE nor entity expansion bombs get anywhere.
  static func parse(_ bytes: UnsafeRawBufferPointer, fileName: String) throws -> xmlDocPtr {
    // Refuse entity declarations before libxml2 sees them: nothing is resolved, nothing expands.
    if let line = entityDeclarationLine(bytes) {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: line, column: nil),
        "the document declares XML entities in a DOCTYPE; MLCost refuses them (external entities can read local files, nested ones can explode in size)",
        fix: "UBL and Peppol invoices never need a DOCTYPE; remove it or ask the sender for a clean document"))
    }
    let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
    guard let ctxt = xmlNewParserCtxt() else { throw ImportError.usage("cannot start the XML parser") }
    defer { xmlFreeParserCtxt(ctxt) }
    let doc = bytes.withMemoryRebound(to: CChar.self) {
      xmlCtxtReadMemory(ctxt, $0.baseAddress, Int32($0.count), fileName, nil, options)
    }
    guard let doc else {
      let err = xmlCtxtGetLastError(ctxt)
      let message = err.flatMap { $0.pointee.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } } ?? "unreadable XML"
      let lineNo = Int(err?.pointee.line ?? 1)
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: max(1, lineNo), column: err.map { Int($0.pointee.int2) }),
        "not well-formed XML: \(message)", fix: "save the e-invoice as it was delivered; nothing was imported"))
    }
    if let dtd = doc.pointee.intSubset, dtd.pointee.entities != nil || dtd.pointee.pentities != nil {
      let lineNo = Int(xmlGetLineNo(UnsafeMutableRawPointer(dtd).assumingMemoryBound(to: xmlNode.self)))
      xmlFreeDoc(doc)
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: fileName, line: max(1, lineNo), column: nil),
        "the document declares XML entities in a DOCTYPE; MLCost refuses them (external entities can read local files, nested ones can explode in size)",
        fix: "UBL and Peppol invoices never need a DOCTYPE; remove it or ask the sender for a clean document"))
    }
    return doc
  }

  /// The line of the first `<!ENTITY` inside a DOCTYPE's internal subset, if the prolog has one.
  static func entityDeclarationLine(_ b: UnsafeRawBufferPointer) -> Int? {
    let doctype = Array("<!DOCTYPE".utf8), entity = Array("<!ENTITY".utf8)
    func matches(_ word: [UInt8], at i: Int) -> Bool {
      i + word.count <= b.count && (0..<word.count).allSatisfy { b[i + $0] == word[$0] }
    }
    var line = 1, i = 0, inDoctype = false
    while i < b.count {
      let c = b[i]
      if c == 0x0A { line += 1 }
      if !inDoctype && c == UInt8(ascii: "<") {
        if matches(doctype, at: i) { inDoctype = true }
        else if i + 1 < b.count, b[i + 1] != UInt8(ascii: "?"), b[i + 1] != UInt8(ascii: "!") { return nil }  // the root element: prolog over
      } else if inDoctype && c == UInt8(ascii: "<") && matches(entity, at: i) {
        return line
      }
      i += 1
    }
    return nil
  }

  // MARK: - Tree helpers

  static func name(_ n: xmlNodePtr) -> String { n.pointee.name.map { String(cString: $0) } ?? "" }
  static func line(_ n: xmlNodePtr) -> Int { Int(xmlGetLineNo(n)) }

  static func children(_ parent: xmlNodePtr?, _ ns: String, _ local: String) -> [xmlNodePtr] {
    var out: [xmlNodePtr] = []
    var c = parent?.pointee.children
    while let n = c {
      if n.pointee.type == XML_ELEMENT_NODE, name(n) == local, let href = n.pointee.ns?.pointee.href, String(cString: href) == ns { out.append(n) }
      c = n.pointee.next
    }
    return out
  }

  static func child(_ parent: xmlNodePtr?, _ ns: String, _ local: String) -> xmlNodePtr? {
    var c = parent?.pointee.children
    while let n = c {
      if n.pointee.type == XML_ELEMENT_NODE, name(n) == local, let href = n.pointee.ns?.pointee.href, String(cString: href) == ns { return n }
      c = n.pointee.next
    }
    return nil
  }

  static func text(_ n: xmlNodePtr?) -> String? {
    guard let n, let content = xmlNodeGetContent(n) else { return nil }
    defer { mlcost_xml_free(content) }
    let s = String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
    return s.isEmpty ? nil : s
  }

  static func attribute(_ n: xmlNodePtr?, _ name: String) -> String? {
    guard let n, let v = xmlGetProp(n, name) else { return nil }
    defer { mlcost_xml_free(v) }
    return String(cString: v)
  }

  /// The element as XML text, for the rejects table.
  static func dump(_ n: xmlNodePtr) -> String {
    guard let buffer = xmlBufferCreate() else { return "" }
    defer { xmlBufferFree(buffer) }
    _ = xmlNodeDump(buffer, n.pointee.doc, n, 0, 0)
    return xmlBufferContent(buffer).map { String(cString: $0) } ?? ""
  }

  static func bad(_ context: RecordContext, _ line: Int, _ message: String) -> ImportError {
    .badData(Diagnostic(.error, at: SourceLocation(file: context.fileName, line: max(1, line), column: nil), message,
                        fix: "this does not look like a UBL 2.1 invoice or credit note; nothing was imported"))
  }
}

extension ImportFormat {
  /// UBL 2.1 / Peppol BIS Billing 3.0 XML invoice or credit note.
  public static let ubl = ImportFormat(declaring: "ubl")
}

extension FormatDescriptor {
  static let ubl = FormatDescriptor(.ubl, document: .importer(UBLImporter.self) { head in
    guard head.isXML, head.has("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
            || head.has("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2") else { return nil }
    return SniffResult(format: .ubl, version: head.has("CreditNote-2") && !head.has("Invoice-2\"") ? "2.1 credit note" : "2.1 invoice",
                       evidence: ["UBL Invoice-2/CreditNote-2 namespace"])
  })
}

/// One UBL invoice or credit note being read: its header facts, and the charges its lines, allowances and
/// tax become.
struct UBLDocument {
  typealias Sums = (lines: Amount, charges: Amount, rounding: Amount, allRead: Bool)
  let root: xmlNodePtr
  let rootName: String
  let context: RecordContext
  let credit: Bool
  let sign: Int64
  let currency: String
  let invoiceId: String
  let issue: Int64
  let periodStart: Int64?
  let periodEnd: Int64?
  let month: BillingMonth
  let supplier: String
  let customer: String?
  let customerName: String?
  let strings = ConstantText()
  let cbc = UBLImporter.cbc, cac = UBLImporter.cac

  init(root: xmlNodePtr, rootName: String, context: RecordContext) throws {
    self.root = root; self.rootName = rootName; self.context = context
    func text(_ n: xmlNodePtr?) -> String? { UBLImporter.text(n) }
    func child(_ n: xmlNodePtr?, _ ns: String, _ name: String) -> xmlNodePtr? { UBLImporter.child(n, ns, name) }
    func line(_ n: xmlNodePtr) -> Int { UBLImporter.line(n) }
    func bad(_ c: RecordContext, _ l: Int, _ m: String) -> ImportError { UBLImporter.bad(c, l, m) }
    let cbc = UBLImporter.cbc, cac = UBLImporter.cac
    credit = rootName == "CreditNote"
    sign = credit ? -1 : 1
    guard let currency = text(child(root, cbc, "DocumentCurrencyCode")) else {
      throw bad(context, line(root), "cbc:DocumentCurrencyCode is missing")
    }
    self.currency = currency
    invoiceId = text(child(root, cbc, "ID")) ?? "?"
    guard let issueText = text(child(root, cbc, "IssueDate")), let issue = try? Timestamp.parse(issueText) else {
      throw bad(context, line(root), "cbc:IssueDate is missing or not a date (YYYY-MM-DD)")
    }
    self.issue = issue
    let period = child(root, cac, "InvoicePeriod")
    // A date that is present but not a date is an error: skipping it would move the invoice to its issue month.
    func date(_ node: xmlNodePtr?, _ what: String) throws -> Int64? {
      guard let node, let t = text(node) else { return nil }
      do { return try Timestamp.parse(t) } catch {
        throw bad(context, line(node), "\(what) '\(t)' is not a date (\(error))")
      }
    }
    periodStart = try date(child(period, cbc, "StartDate"), "cac:InvoicePeriod/cbc:StartDate")
    periodEnd = try date(child(period, cbc, "EndDate"), "cac:InvoicePeriod/cbc:EndDate").map { $0 + 86_400 }
    if let s = periodStart, let e = periodEnd, e <= s {
      throw bad(context, line(period!), "cac:InvoicePeriod ends before it starts")
    }
    month = BillingMonth(containing: periodStart ?? issue)
    let supplierParty = child(child(root, cac, "AccountingSupplierParty"), cac, "Party")
    supplier = text(child(child(supplierParty, cac, "PartyName"), cbc, "Name"))
      ?? text(child(child(supplierParty, cac, "PartyLegalEntity"), cbc, "RegistrationName")) ?? "unknown supplier"
    let customerParty = child(child(root, cac, "AccountingCustomerParty"), cac, "Party")
    customer = text(child(customerParty, cbc, "EndpointID")) ?? text(child(child(customerParty, cac, "PartyIdentification"), cbc, "ID"))
    customerName = text(child(child(customerParty, cac, "PartyName"), cbc, "Name"))
      ?? text(child(child(customerParty, cac, "PartyLegalEntity"), cbc, "RegistrationName"))

  }

  func base() -> ChargeRecord {
    var r = ChargeRecord()
    r.billingPeriodStart = month.start
    r.billingPeriodEnd = month.next.start
    r.chargePeriodStart = periodStart ?? issue
    r.chargePeriodEnd = periodEnd ?? (issue + 86_400)
    r[.billingCurrency] = strings.ref(currency)
    r[.providerName] = strings.ref(supplier); r[.publisherName] = strings.ref(supplier); r[.invoiceIssuerName] = strings.ref(supplier)
    if let customer { r[.billingAccountId] = strings.ref(customer) }
    if let customerName { r[.billingAccountName] = strings.ref(customerName) }
    r[.invoiceId] = strings.ref(invoiceId)
    return r
  }
  func amounts(_ r: ChargeRecord) -> RowAmounts {
    var a = RowAmounts()
    a.period = month; a.currency = Currency(currency); a.billedCost = r.billedCost; a.effectiveCost = r.effectiveCost
    return a
  }
  func amount(_ node: xmlNodePtr?, _ what: String) throws(FieldError) -> Amount {
    guard let node, let t = text(node) else {
      throw FieldError(line: node.map(line) ?? 0, column: nil, field: what, message: "\(what) is missing", fix: "every UBL line has an amount")
    }
    if let id = attribute(node, "currencyID"), id.trimmingCharacters(in: .whitespaces) != currency {
      throw FieldError(line: line(node), column: nil, field: what, message: "\(what) is in \(id) but the document currency is \(currency)",
                       fix: "amounts must be in cbc:DocumentCurrencyCode")
    }
    do { return try ExactDecimal.parse(t) } catch {
      throw FieldError(line: line(node), column: nil, field: what, message: "\(error) in \(what)", fix: "write plain decimals such as 1656.25")
    }
  }


  func text(_ n: xmlNodePtr?) -> String? { UBLImporter.text(n) }
  func child(_ n: xmlNodePtr?, _ ns: String, _ name: String) -> xmlNodePtr? { UBLImporter.child(n, ns, name) }
  func line(_ n: xmlNodePtr) -> Int { UBLImporter.line(n) }
  func attribute(_ n: xmlNodePtr?, _ name: String) -> String? { UBLImporter.attribute(n, name) }

  /// Invoice or credit-note lines → Usage (or Credit) charges.
  func lines(_ sums: inout Sums) throws {
    let lineName = credit ? "CreditNoteLine" : "InvoiceLine"
    for node in UBLImporter.children(root, cac, lineName) {
      let item = child(node, cac, "Item")
      let mapped: ChargeRecord? = try context.record(line: line(node), raw: UBLImporter.dump(node)) { () throws(FieldError) -> ChargeRecord in
        var r = base()
        let extension_ = try amount(child(node, cbc, "LineExtensionAmount"), "cbc:LineExtensionAmount")
        r.billedCost = sign * extension_; r.effectiveCost = r.billedCost
        r.chargeCategory = credit ? .credit : .usage
        r.line = line(node)
        if let q = child(node, cbc, credit ? "CreditedQuantity" : "InvoicedQuantity") {
          r.pricingQuantity = text(q).flatMap(Double.init); r.consumedQuantity = r.pricingQuantity
          if let unit = attribute(q, "unitCode") { r[.pricingUnit] = strings.ref(unit); r[.consumedUnit] = r[.pricingUnit] }
        }
        if let name = text(child(item, cbc, "Name")) { r[.chargeDescription] = strings.ref(name) }
        if let sku = text(child(child(item, cac, "SellersItemIdentification"), cbc, "ID")) { r[.skuId] = strings.ref(sku) }
        if let price = text(child(child(node, cac, "Price"), cbc, "PriceAmount")) { r[.listUnitPrice] = strings.ref(price) }
        let linePeriod = child(node, cac, "InvoicePeriod")
        for (tag, isEnd) in [("StartDate", false), ("EndDate", true)] {
          guard let n = child(linePeriod, cbc, tag), let t = text(n) else { continue }
          guard let v = try? Timestamp.parse(t) else {
            throw FieldError(line: line(n), column: nil, field: "cbc:\(tag)", message: "the line's InvoicePeriod/\(tag) '\(t)' is not a date",
                             fix: "write it as YYYY-MM-DD")
          }
          if isEnd { r.chargePeriodEnd = v + 86_400 } else { r.chargePeriodStart = v }
        }
        var extra: [String] = []
        if let id = text(child(node, cbc, "ID")) { extra.append("\"LineID\":\"\(JSON.escaped(id))\"") }
        if let cost = text(child(node, cbc, "AccountingCost")) { extra.append("\"AccountingCost\":\"\(JSON.escaped(cost))\"") }
        if let cls = text(child(child(item, cac, "CommodityClassification"), cbc, "ItemClassificationCode")) {
          extra.append("\"ItemClassificationCode\":\"\(JSON.escaped(cls))\"")
        }
        if let tax = text(child(child(item, cac, "ClassifiedTaxCategory"), cbc, "ID")) { extra.append("\"TaxCategory\":\"\(JSON.escaped(tax))\"") }
        if !extra.isEmpty { r[.extra] = strings.ref("{" + extra.joined(separator: ",") + "}") }
        return r
      }
      guard let r = mapped else { sums.allRead = false; continue }
      sums.lines += sign * r.billedCost
      sums.charges += r.billedCost
      try context.charge(r, amounts(r))
    }
  }

  /// Document-level charges and allowances → Adjustment and Credit charges.
  func allowancesAndCharges(_ sums: inout Sums) throws {
    for node in UBLImporter.children(root, cac, "AllowanceCharge") {
      let mapped: ChargeRecord? = try context.record(line: line(node), raw: UBLImporter.dump(node)) { () throws(FieldError) -> ChargeRecord in
        var r = base()
        let isCharge = text(child(node, cbc, "ChargeIndicator"))?.lowercased() == "true"
        let value = try amount(child(node, cbc, "Amount"), "cbc:Amount")
        r.billedCost = sign * (isCharge ? value : -value); r.effectiveCost = r.billedCost
        r.chargeCategory = isCharge ? .adjustment : .credit
        r.line = line(node)
        let reason = text(child(node, cbc, "AllowanceChargeReason")) ?? (isCharge ? "document-level charge" : "document-level allowance")
        r[.chargeDescription] = strings.ref(reason)
        return r
      }
      guard let r = mapped else { sums.allRead = false; continue }
      sums.charges += r.billedCost
      try context.charge(r, amounts(r))
    }
  }

  /// The document's tax total → one Tax charge.
  func taxTotal(_ sums: inout Sums) throws {
    // The tax total in the document currency (a second TaxTotal may state it in the tax currency).
    if let tax = UBLImporter.children(root, cac, "TaxTotal").first(where: { attribute(child($0, cbc, "TaxAmount"), "currencyID") ?? currency == currency }) {
      let mapped: ChargeRecord? = try context.record(line: line(tax), raw: UBLImporter.dump(tax)) { () throws(FieldError) -> ChargeRecord in
        var r = base()
        r.billedCost = sign * (try amount(child(tax, cbc, "TaxAmount"), "cbc:TaxAmount")); r.effectiveCost = r.billedCost
        r.chargeCategory = .tax
        r.line = line(tax)
        r[.chargeDescription] = strings.ref("tax total")
        return r
      }
      if let r = mapped { sums.charges += r.billedCost; try context.charge(r, amounts(r)) } else { sums.allRead = false }
    }

  }

  /// `LegalMonetaryTotal/PayableRoundingAmount` → an Adjustment charge: what is owed is the tax-inclusive amount plus the
  /// rounding (the Norwegian example: 1801.78 + 0.22).
  func payableRounding(_ sums: inout Sums) throws {
    guard let node = child(child(root, cac, "LegalMonetaryTotal"), cbc, "PayableRoundingAmount") else { return }
    let mapped: ChargeRecord? = try context.record(line: line(node), raw: UBLImporter.dump(node)) { () throws(FieldError) -> ChargeRecord in
      var r = base()
      r.billedCost = sign * (try amount(node, "LegalMonetaryTotal/PayableRoundingAmount")); r.effectiveCost = r.billedCost
      r.chargeCategory = .adjustment
      r.line = line(node)
      r[.chargeDescription] = strings.ref("payable rounding")
      return r
    }
    guard let r = mapped else { sums.allRead = false; return }
    if r.billedCost.isZero { return }
    sums.charges += r.billedCost; sums.rounding += r.billedCost
    try context.charge(r, amounts(r))
  }

  /// Lines = LegalMonetaryTotal/LineExtensionAmount, everything but the rounding = TaxInclusiveAmount, and the payable
  /// amount = tax-inclusive + rounding − prepaid; or nothing is imported.
  func reconcile(lineSum: Amount, chargeSum: Amount, rounding: Amount) throws {
    let totals = child(root, cac, "LegalMonetaryTotal")
    do throws(FieldError) {
      let lineTotal = try amount(child(totals, cbc, "LineExtensionAmount"), "LegalMonetaryTotal/LineExtensionAmount")
      let inclusive = try amount(child(totals, cbc, "TaxInclusiveAmount"), "LegalMonetaryTotal/TaxInclusiveAmount")
      if lineSum.isOverflow || chargeSum.isOverflow {
        throw FieldError(line: line(totals!), column: nil, field: "LineExtensionAmount",
          message: "the document's amounts sum beyond ±1.7 × 10^26 units (128-bit pico-units)", fix: "the invoice's amounts cannot be right; check it")
      }
      if lineSum != lineTotal {
        throw FieldError(line: line(totals!), column: nil, field: "LineExtensionAmount",
          message: "the lines sum to \(lineSum.decimalString) but LegalMonetaryTotal/LineExtensionAmount says \(lineTotal.decimalString)",
          fix: "the invoice does not add up; ask the supplier for a corrected one")
      }
      if chargeSum - rounding != sign * inclusive {
        throw FieldError(line: line(totals!), column: nil, field: "TaxInclusiveAmount",
          message: "lines, allowances, charges and tax sum to \((sign * (chargeSum - rounding)).decimalString) but LegalMonetaryTotal/TaxInclusiveAmount says \(inclusive.decimalString)",
          fix: "the invoice does not add up; ask the supplier for a corrected one")
      }
      let prepaid = try child(totals, cbc, "PrepaidAmount").map { node throws(FieldError) in try amount(node, "LegalMonetaryTotal/PrepaidAmount") } ?? .zero
      if let node = child(totals, cbc, "PayableAmount") {
        let payable = try amount(node, "LegalMonetaryTotal/PayableAmount")
        if inclusive + sign * rounding - prepaid != payable {
          throw FieldError(line: line(node), column: nil, field: "PayableAmount",
            message: "tax-inclusive \(inclusive.decimalString) + rounding \((sign * rounding).decimalString) − prepaid \(prepaid.decimalString) is \((inclusive + sign * rounding - prepaid).decimalString), but PayableAmount says \(payable.decimalString)",
            fix: "the invoice does not add up; ask the supplier for a corrected one")
        }
      }
      let payable = text(child(totals, cbc, "PayableAmount")) ?? "?"
      let extras = (rounding.isZero ? "" : ", rounding \((sign * rounding).decimalString)") + (prepaid.isZero ? "" : ", prepaid \(prepaid.decimalString)")
      context.result.warnings.append(Diagnostic(.note, at: SourceLocation(file: context.fileName, line: line(totals!), column: nil),
        "\(rootName) \(invoiceId) from \(supplier) reconciles with LegalMonetaryTotal: lines \(lineTotal.decimalString), tax-inclusive \(inclusive.decimalString)\(extras), payable \(payable) \(currency)"))
    } catch {
      throw ImportError.badData(Diagnostic(.error, at: SourceLocation(file: context.fileName, line: error.line, column: nil), error.message,
                                           fix: (error.fix.map { $0 + "; " } ?? "") + "nothing was imported"))
    }  }
}
