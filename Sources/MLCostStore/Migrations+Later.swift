extension Migrations {
  /// 0006 on: money in 128-bit picos, line detail out of the dimensions.
  static let later: [(id: String, sql: String)] = [
    // 128-bit money: every amount becomes pico-units (10^-12), INTEGER when it fits in 64 bits, else a BLOB of
    // its digits (docs/decisions.md). Nanos × 1000; the views name the columns *_picos.
    ("0006-money-in-picos", """
      DROP VIEW charge_v;
      DROP VIEW usage_v;
      UPDATE charge SET billed_cost = CASE WHEN billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN billed_cost * 1000
        ELSE CAST(CAST(billed_cost AS TEXT) || '000' AS BLOB) END WHERE billed_cost IS NOT NULL;
      UPDATE charge SET effective_cost = CASE WHEN effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN effective_cost * 1000
        ELSE CAST(CAST(effective_cost AS TEXT) || '000' AS BLOB) END WHERE effective_cost IS NOT NULL;
      UPDATE charge SET list_cost = CASE WHEN list_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN list_cost * 1000
        ELSE CAST(CAST(list_cost AS TEXT) || '000' AS BLOB) END WHERE list_cost IS NOT NULL;
      UPDATE charge SET contracted_cost = CASE WHEN contracted_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN contracted_cost * 1000
        ELSE CAST(CAST(contracted_cost AS TEXT) || '000' AS BLOB) END WHERE contracted_cost IS NOT NULL;
      UPDATE charge_summary SET billed_cost = CASE WHEN billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN billed_cost * 1000
        ELSE CAST(CAST(billed_cost AS TEXT) || '000' AS BLOB) END WHERE billed_cost IS NOT NULL;
      UPDATE charge_summary SET effective_cost = CASE WHEN effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN effective_cost * 1000
        ELSE CAST(CAST(effective_cost AS TEXT) || '000' AS BLOB) END WHERE effective_cost IS NOT NULL;
      UPDATE charge_daily SET billed_cost = CASE WHEN billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN billed_cost * 1000
        ELSE CAST(CAST(billed_cost AS TEXT) || '000' AS BLOB) END WHERE billed_cost IS NOT NULL;
      UPDATE charge_daily SET effective_cost = CASE WHEN effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN effective_cost * 1000
        ELSE CAST(CAST(effective_cost AS TEXT) || '000' AS BLOB) END WHERE effective_cost IS NOT NULL;
      UPDATE usage SET cost = CASE WHEN cost BETWEEN -9223372036854775 AND 9223372036854775 THEN cost * 1000
        ELSE CAST(CAST(cost AS TEXT) || '000' AS BLOB) END WHERE cost IS NOT NULL;
      UPDATE import_total SET file_billed_cost = CASE WHEN file_billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN file_billed_cost * 1000
        ELSE CAST(CAST(file_billed_cost AS TEXT) || '000' AS BLOB) END WHERE file_billed_cost IS NOT NULL;
      UPDATE import_total SET file_effective_cost = CASE WHEN file_effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN file_effective_cost * 1000
        ELSE CAST(CAST(file_effective_cost AS TEXT) || '000' AS BLOB) END WHERE file_effective_cost IS NOT NULL;
      UPDATE import_total SET stored_billed_cost = CASE WHEN stored_billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN stored_billed_cost * 1000
        ELSE CAST(CAST(stored_billed_cost AS TEXT) || '000' AS BLOB) END WHERE stored_billed_cost IS NOT NULL;
      UPDATE import_total SET stored_effective_cost = CASE WHEN stored_effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN stored_effective_cost * 1000
        ELSE CAST(CAST(stored_effective_cost AS TEXT) || '000' AS BLOB) END WHERE stored_effective_cost IS NOT NULL;
      UPDATE import_total SET rejected_billed_cost = CASE WHEN rejected_billed_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN rejected_billed_cost * 1000
        ELSE CAST(CAST(rejected_billed_cost AS TEXT) || '000' AS BLOB) END WHERE rejected_billed_cost IS NOT NULL;
      UPDATE import_total SET rejected_effective_cost = CASE WHEN rejected_effective_cost BETWEEN -9223372036854775 AND 9223372036854775 THEN rejected_effective_cost * 1000
        ELSE CAST(CAST(rejected_effective_cost AS TEXT) || '000' AS BLOB) END WHERE rejected_effective_cost IS NOT NULL;
      ALTER TABLE import_total ADD COLUMN file_billed_residual TEXT;
      ALTER TABLE import_total ADD COLUMN file_effective_residual TEXT;
      CREATE VIEW charge_v AS
      SELECT c.id, c.import_id, c.line,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.billing_period_start, 'unixepoch') AS billing_period_start,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.billing_period_end, 'unixepoch') AS billing_period_end,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.charge_period_start, 'unixepoch') AS charge_period_start,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.charge_period_end, 'unixepoch') AS charge_period_end,
        (SELECT name FROM enum_name WHERE kind = 'charge_category' AND code = c.charge_category) AS charge_category,
        (SELECT name FROM enum_name WHERE kind = 'charge_class' AND code = c.charge_class) AS charge_class,
        (SELECT name FROM enum_name WHERE kind = 'charge_frequency' AND code = c.charge_frequency) AS charge_frequency,
        (SELECT name FROM enum_name WHERE kind = 'pricing_category' AND code = c.pricing_category) AS pricing_category,
        c.billed_cost AS billed_cost_picos, c.effective_cost AS effective_cost_picos,
        c.list_cost AS list_cost_picos, c.contracted_cost AS contracted_cost_picos,
        c.consumed_quantity, c.pricing_quantity, c.commitment_discount_quantity, c.gpu_count, c.flags,
        (SELECT value FROM dict WHERE id = c.billing_currency_id) AS billing_currency,
        (SELECT value FROM dict WHERE id = c.provider_name_id) AS provider_name,
        (SELECT value FROM dict WHERE id = c.billing_account_id_id) AS billing_account_id,
        (SELECT value FROM dict WHERE id = c.sub_account_id_id) AS sub_account_id,
        (SELECT value FROM dict WHERE id = c.service_name_id) AS service_name,
        (SELECT value FROM dict WHERE id = c.service_category_id) AS service_category,
        (SELECT value FROM dict WHERE id = c.resource_id_id) AS resource_id,
        (SELECT value FROM dict WHERE id = c.resource_name_id) AS resource_name,
        (SELECT value FROM dict WHERE id = c.resource_type_id) AS resource_type,
        (SELECT value FROM dict WHERE id = c.region_id_id) AS region_id,
        (SELECT value FROM dict WHERE id = c.sku_id_id) AS sku_id,
        (SELECT value FROM dict WHERE id = c.consumed_unit_id) AS consumed_unit,
        (SELECT value FROM dict WHERE id = c.commitment_discount_id_id) AS commitment_discount_id,
        (SELECT value FROM dict WHERE id = c.commitment_discount_status_id) AS commitment_discount_status,
        (SELECT value FROM dict WHERE id = c.instance_type_id) AS instance_type,
        (SELECT value FROM dict WHERE id = c.gpu_model_id) AS gpu_model,
        (SELECT value FROM dict WHERE id = c.tags_id) AS tags,
        (SELECT value FROM dict WHERE id = c.extra_id) AS extra
      FROM (SELECT ch.*, d.charge_category, d.charge_class, d.charge_frequency, d.pricing_category, d.gpu_count,
                   d.billing_currency_id, d.provider_name_id, d.billing_account_id_id, d.sub_account_id_id, d.service_name_id,
                   d.service_category_id, d.resource_id_id, d.resource_name_id, d.resource_type_id, d.region_id_id, d.sku_id_id,
                   d.consumed_unit_id, d.commitment_discount_id_id, d.commitment_discount_status_id, d.instance_type_id,
                   d.gpu_model_id, d.tags_id, d.extra_id
            FROM charge ch JOIN charge_dims d ON d.id = ch.dims_id) c;
      CREATE VIEW usage_v AS
      SELECT u.id, u.import_id, u.line,
        strftime('%Y-%m-%dT%H:%M:%SZ', u.bucket_start, 'unixepoch') AS bucket_start,
        strftime('%Y-%m-%dT%H:%M:%SZ', u.bucket_end, 'unixepoch') AS bucket_end,
        (SELECT value FROM dict WHERE id = u.provider_id) AS provider,
        (SELECT value FROM dict WHERE id = u.source_id) AS source,
        (SELECT value FROM dict WHERE id = u.model_id) AS model,
        u.request_type,
        (SELECT value FROM dict WHERE id = u.source_request_type_id) AS source_request_type,
        (SELECT value FROM dict WHERE id = u.project_id) AS project,
        (SELECT value FROM dict WHERE id = u.api_key_id) AS api_key,
        (SELECT value FROM dict WHERE id = u.user_id) AS user,
        (SELECT value FROM dict WHERE id = u.team_id) AS team,
        (SELECT value FROM dict WHERE id = u.end_user_id) AS end_user,
        (SELECT value FROM dict WHERE id = u.service_tier_id) AS service_tier,
        u.batch, u.request_id, u.requests, u.input_tokens, u.cached_input_tokens, u.cache_write_tokens, u.output_tokens,
        u.quantity, (SELECT value FROM dict WHERE id = u.unit_id) AS unit,
        u.cost AS cost_picos, (SELECT value FROM dict WHERE id = u.currency_id) AS currency,
        (SELECT value FROM dict WHERE id = u.tags_id) AS tags,
        (SELECT value FROM dict WHERE id = u.extra_id) AS extra
      FROM usage u;
      """),
    // Line detail out of the dimensions: fields that vary line by line (a description carrying the hour's price,
    // unit prices) made nearly every charge its own `charge_dims` row and its own `dict` strings, so the rollups
    // did not roll up (docs/decisions.md, "The store"). They move, as plain text, to `charge_detail`, one row per
    // charge that has any; `charge_dims` keeps their columns, always null from here on.
    ("0007-line-detail-out-of-dims", """
      CREATE TABLE charge_detail (
        charge_id INTEGER PRIMARY KEY,
        sku_price_id TEXT,
        sku_price_details TEXT,
        charge_description TEXT,
        list_unit_price TEXT,
        contracted_unit_price TEXT
      );
      INSERT INTO charge_detail
        SELECT c.id, (SELECT value FROM dict WHERE id = d.sku_price_id_id), (SELECT value FROM dict WHERE id = d.sku_price_details_id),
               (SELECT value FROM dict WHERE id = d.charge_description_id), (SELECT value FROM dict WHERE id = d.list_unit_price_id),
               (SELECT value FROM dict WHERE id = d.contracted_unit_price_id)
        FROM charge c JOIN charge_dims d ON d.id = c.dims_id
        WHERE coalesce(d.sku_price_id_id, d.sku_price_details_id, d.charge_description_id, d.list_unit_price_id, d.contracted_unit_price_id) IS NOT NULL;
      UPDATE charge_dims SET sku_price_id_id = NULL, sku_price_details_id = NULL, charge_description_id = NULL, list_unit_price_id = NULL,
        contracted_unit_price_id = NULL;
      DROP VIEW charge_v;
      CREATE VIEW charge_v AS
      SELECT c.id, c.import_id, c.line,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.billing_period_start, 'unixepoch') AS billing_period_start,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.billing_period_end, 'unixepoch') AS billing_period_end,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.charge_period_start, 'unixepoch') AS charge_period_start,
        strftime('%Y-%m-%dT%H:%M:%SZ', c.charge_period_end, 'unixepoch') AS charge_period_end,
        (SELECT name FROM enum_name WHERE kind = 'charge_category' AND code = c.charge_category) AS charge_category,
        (SELECT name FROM enum_name WHERE kind = 'charge_class' AND code = c.charge_class) AS charge_class,
        (SELECT name FROM enum_name WHERE kind = 'charge_frequency' AND code = c.charge_frequency) AS charge_frequency,
        (SELECT name FROM enum_name WHERE kind = 'pricing_category' AND code = c.pricing_category) AS pricing_category,
        c.billed_cost AS billed_cost_picos, c.effective_cost AS effective_cost_picos,
        c.list_cost AS list_cost_picos, c.contracted_cost AS contracted_cost_picos,
        c.consumed_quantity, c.pricing_quantity, c.commitment_discount_quantity, c.gpu_count, c.flags,
        (SELECT value FROM dict WHERE id = c.billing_currency_id) AS billing_currency,
        (SELECT value FROM dict WHERE id = c.provider_name_id) AS provider_name,
        (SELECT value FROM dict WHERE id = c.billing_account_id_id) AS billing_account_id,
        (SELECT value FROM dict WHERE id = c.sub_account_id_id) AS sub_account_id,
        (SELECT value FROM dict WHERE id = c.service_name_id) AS service_name,
        (SELECT value FROM dict WHERE id = c.service_category_id) AS service_category,
        (SELECT value FROM dict WHERE id = c.resource_id_id) AS resource_id,
        (SELECT value FROM dict WHERE id = c.resource_name_id) AS resource_name,
        (SELECT value FROM dict WHERE id = c.resource_type_id) AS resource_type,
        (SELECT value FROM dict WHERE id = c.region_id_id) AS region_id,
        (SELECT value FROM dict WHERE id = c.sku_id_id) AS sku_id,
        (SELECT value FROM dict WHERE id = c.consumed_unit_id) AS consumed_unit,
        (SELECT value FROM dict WHERE id = c.commitment_discount_id_id) AS commitment_discount_id,
        (SELECT value FROM dict WHERE id = c.commitment_discount_status_id) AS commitment_discount_status,
        (SELECT value FROM dict WHERE id = c.instance_type_id) AS instance_type,
        (SELECT value FROM dict WHERE id = c.gpu_model_id) AS gpu_model,
        (SELECT value FROM dict WHERE id = c.tags_id) AS tags,
        (SELECT value FROM dict WHERE id = c.extra_id) AS extra,
        x.sku_price_id, x.sku_price_details, x.charge_description, x.list_unit_price, x.contracted_unit_price
      FROM (SELECT ch.*, d.charge_category, d.charge_class, d.charge_frequency, d.pricing_category, d.gpu_count,
                   d.billing_currency_id, d.provider_name_id, d.billing_account_id_id, d.sub_account_id_id, d.service_name_id,
                   d.service_category_id, d.resource_id_id, d.resource_name_id, d.resource_type_id, d.region_id_id, d.sku_id_id,
                   d.consumed_unit_id, d.commitment_discount_id_id, d.commitment_discount_status_id, d.instance_type_id,
                   d.gpu_model_id, d.tags_id, d.extra_id
            FROM charge ch JOIN charge_dims d ON d.id = ch.dims_id) c
      LEFT JOIN charge_detail x ON x.charge_id = c.id;
      """),
    // `mlcost alerts`: what has fired (so each alert fires once) and when the last recorded run was.
    ("0008-alerts", """
      CREATE TABLE alert_fired (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        as_of INTEGER NOT NULL,
        fired_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE alert_run (
        id INTEGER PRIMARY KEY,
        as_of INTEGER NOT NULL,
        ran_at INTEGER NOT NULL,
        fired INTEGER NOT NULL
      );
      """),
    // Quantities per day, so an anomaly can be split into volume, unit price and mix (existing rows filled from charge).
    ("0009-daily-quantity", """
      ALTER TABLE charge_daily ADD COLUMN consumed_quantity REAL;
      UPDATE charge_daily SET consumed_quantity = q.total
      FROM (SELECT billing_period_start AS p, charge_period_start - (((charge_period_start % 86400) + 86400) % 86400) AS d,
                   dims_id AS k, import_id AS i, sum(consumed_quantity) AS total
            FROM charge GROUP BY 1, 2, 3, 4) AS q
      WHERE charge_daily.billing_period_start = q.p AND charge_daily.day = q.d AND charge_daily.dims_id = q.k
        AND charge_daily.import_id = q.i;
      """),
    // Effective cost in another pricing currency per day, so an anomaly's FX part can be told from its unit price.
    // Earlier imports keep NULL (their PricingCurrency columns are only in `extra`): re-import them for FX splits.
    ("0010-daily-pricing-currency", """
      ALTER TABLE charge_daily ADD COLUMN pricing_currency_cost;
      """),
    // FOCUS Contract Commitment, Billing Period and Invoice Detail rows: the typed fields reconciliation and commitment
    // reports read, every column as JSON. Small tables (rows per invoice line or contract, not per hour).
    ("0011-focus-datasets", """
      CREATE TABLE focus_dataset_row (
        import_id INTEGER NOT NULL REFERENCES import(id),
        dataset TEXT NOT NULL,
        line INTEGER NOT NULL,
        row_id TEXT,
        invoice_issuer TEXT,
        billing_account_id TEXT,
        invoice_id TEXT,
        period_start INTEGER,
        period_end INTEGER,
        category TEXT,
        currency TEXT,
        cost,
        quantity REAL,
        unit TEXT,
        fields TEXT NOT NULL
      );
      CREATE INDEX focus_dataset_row_import ON focus_dataset_row(import_id);
      CREATE INDEX focus_dataset_row_period ON focus_dataset_row(dataset, period_start);
      """),
    // A charge line that stands for several source rows (a group Spark reduced; NULL = one row): counts weigh it.
    ("0012-charge-source-rows", """
      ALTER TABLE charge ADD COLUMN source_rows INTEGER;
      """),
  ]
}
