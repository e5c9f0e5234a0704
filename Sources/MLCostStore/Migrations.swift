/// The schema as frozen, string-only migrations. Never edit a migration that has shipped: add one.
/// `StoreTests.migrationsAreFrozen` pins a checksum of every migration so an edit fails the tests.
/// (In two files only to keep each short: `Migrations+Later.swift` holds 0006 on.)
enum Migrations {
  static let all: [(id: String, sql: String)] = foundation + later

  /// 0001–0005: the charge store, usage and metrics, and the first rollups.
  static let foundation: [(id: String, sql: String)] = [
    ("0001-foundation", """
      CREATE TABLE dict (
        id INTEGER PRIMARY KEY,
        value TEXT NOT NULL UNIQUE
      );
      CREATE TABLE import (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        file_path TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        format_version TEXT NOT NULL,
        file_bytes INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        lenient INTEGER NOT NULL,
        rows_read INTEGER NOT NULL DEFAULT 0,
        rows_stored INTEGER NOT NULL DEFAULT 0,
        rows_rejected INTEGER NOT NULL DEFAULT 0,
        rows_flagged INTEGER NOT NULL DEFAULT 0,
        first_charge_id INTEGER,
        last_charge_id INTEGER,
        replaced_by INTEGER REFERENCES import(id)
      );
      CREATE INDEX import_size ON import(file_bytes);
      CREATE TABLE import_total (
        import_id INTEGER NOT NULL REFERENCES import(id),
        billing_period TEXT NOT NULL,
        currency TEXT NOT NULL,
        file_rows INTEGER NOT NULL,
        file_billed_cost INTEGER NOT NULL,
        file_effective_cost INTEGER NOT NULL,
        stored_rows INTEGER NOT NULL,
        stored_billed_cost INTEGER NOT NULL,
        stored_effective_cost INTEGER NOT NULL,
        rejected_rows INTEGER NOT NULL,
        rejected_billed_cost INTEGER NOT NULL,
        rejected_effective_cost INTEGER NOT NULL,
        PRIMARY KEY (import_id, billing_period, currency)
      );
      CREATE TABLE import_scope (
        import_id INTEGER NOT NULL REFERENCES import(id),
        provider_name_id INTEGER,
        billing_account_id_id INTEGER,
        billing_period_start INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        superseded_by INTEGER REFERENCES import(id)
      );
      CREATE INDEX import_scope_key ON import_scope(billing_period_start, provider_name_id, billing_account_id_id);
      CREATE TABLE reject (
        id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES import(id),
        file TEXT NOT NULL,
        line INTEGER NOT NULL,
        "column" INTEGER,
        field TEXT,
        raw TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE TABLE charge_dims (
        id INTEGER PRIMARY KEY,
        key_hash INTEGER NOT NULL,
        charge_category INTEGER NOT NULL,
        charge_class INTEGER,
        charge_frequency INTEGER,
        pricing_category INTEGER,
        gpu_count INTEGER,
        billing_currency_id INTEGER NOT NULL REFERENCES dict(id),
        provider_name_id INTEGER, publisher_name_id INTEGER, invoice_issuer_name_id INTEGER,
        billing_account_id_id INTEGER, billing_account_name_id INTEGER, billing_account_type_id INTEGER,
        sub_account_id_id INTEGER, sub_account_name_id INTEGER, sub_account_type_id INTEGER,
        invoice_id_id INTEGER, service_name_id INTEGER, service_category_id INTEGER, service_subcategory_id INTEGER,
        resource_id_id INTEGER, resource_name_id INTEGER, resource_type_id INTEGER,
        region_id_id INTEGER, region_name_id INTEGER, availability_zone_id INTEGER,
        sku_id_id INTEGER, sku_price_id_id INTEGER, sku_meter_id INTEGER, sku_price_details_id INTEGER,
        charge_description_id INTEGER, consumed_unit_id INTEGER, pricing_unit_id INTEGER,
        list_unit_price_id INTEGER, contracted_unit_price_id INTEGER,
        commitment_discount_id_id INTEGER, commitment_discount_name_id INTEGER,
        commitment_discount_category_id INTEGER, commitment_discount_type_id INTEGER,
        commitment_discount_status_id INTEGER, commitment_discount_unit_id INTEGER,
        capacity_reservation_id_id INTEGER, capacity_reservation_status_id INTEGER,
        pricing_currency_id INTEGER, host_provider_name_id INTEGER, service_provider_name_id INTEGER,
        instance_type_id INTEGER, gpu_model_id INTEGER,
        tags_id INTEGER, extra_id INTEGER
      );
      CREATE INDEX charge_dims_hash ON charge_dims(key_hash);
      CREATE TABLE charge (
        id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES import(id),
        line INTEGER NOT NULL,
        dims_id INTEGER NOT NULL REFERENCES charge_dims(id),
        billing_period_start INTEGER NOT NULL,
        billing_period_end INTEGER,
        charge_period_start INTEGER NOT NULL,
        charge_period_end INTEGER NOT NULL,
        billed_cost INTEGER NOT NULL,
        effective_cost INTEGER NOT NULL,
        list_cost INTEGER,
        contracted_cost INTEGER,
        consumed_quantity REAL,
        pricing_quantity REAL,
        commitment_discount_quantity REAL,
        flags INTEGER NOT NULL
      );
      CREATE TABLE enum_name (
        kind TEXT NOT NULL,
        code INTEGER NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (kind, code)
      );
      INSERT INTO enum_name VALUES
        ('charge_category', 1, 'Usage'), ('charge_category', 2, 'Purchase'), ('charge_category', 3, 'Tax'),
        ('charge_category', 4, 'Credit'), ('charge_category', 5, 'Adjustment'),
        ('charge_class', 1, 'Correction'),
        ('charge_frequency', 1, 'One-Time'), ('charge_frequency', 2, 'Recurring'), ('charge_frequency', 3, 'Usage-Based'),
        ('pricing_category', 1, 'Standard'), ('pricing_category', 2, 'Dynamic'), ('pricing_category', 3, 'Committed'),
        ('pricing_category', 4, 'Other');
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
        c.billed_cost AS billed_cost_nanos, c.effective_cost AS effective_cost_nanos,
        c.list_cost AS list_cost_nanos, c.contracted_cost AS contracted_cost_nanos,
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
      """),
    ("0002-usage-and-metrics", """
      CREATE TABLE usage (
        id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES import(id),
        line INTEGER NOT NULL,
        bucket_start INTEGER NOT NULL,
        bucket_end INTEGER NOT NULL,
        provider_id INTEGER NOT NULL REFERENCES dict(id),
        source_id INTEGER NOT NULL REFERENCES dict(id),
        model_id INTEGER,
        request_type TEXT NOT NULL,
        source_request_type_id INTEGER,
        project_id INTEGER, api_key_id INTEGER, user_id INTEGER, team_id INTEGER, end_user_id INTEGER,
        service_tier_id INTEGER,
        batch INTEGER,
        request_id TEXT,
        requests INTEGER,
        input_tokens INTEGER,
        cached_input_tokens INTEGER,
        cache_write_tokens INTEGER,
        output_tokens INTEGER,
        quantity REAL,
        unit_id INTEGER,
        cost INTEGER,
        currency_id INTEGER,
        tags_id INTEGER,
        extra_id INTEGER
      );
      CREATE INDEX usage_import ON usage(import_id);
      CREATE INDEX usage_scope ON usage(provider_id, source_id, bucket_start);
      CREATE TABLE metric_series (
        id INTEGER PRIMARY KEY,
        resource_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        namespace TEXT NOT NULL DEFAULT '',
        statistic TEXT NOT NULL DEFAULT '',
        dimensions TEXT NOT NULL,
        unit TEXT,
        UNIQUE (resource_id, metric, namespace, statistic, dimensions)
      );
      CREATE TABLE metric_sample (
        series_id INTEGER NOT NULL REFERENCES metric_series(id),
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        import_id INTEGER NOT NULL REFERENCES import(id),
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
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
        u.cost AS cost_nanos, (SELECT value FROM dict WHERE id = u.currency_id) AS currency,
        (SELECT value FROM dict WHERE id = u.tags_id) AS tags,
        (SELECT value FROM dict WHERE id = u.extra_id) AS extra
      FROM usage u;
      CREATE VIEW metric_v AS
      SELECT s.resource_id, s.metric, s.namespace, s.statistic, s.dimensions, s.unit,
        strftime('%Y-%m-%dT%H:%M:%SZ', m.ts, 'unixepoch') AS ts, m.value, m.import_id
      FROM metric_sample m JOIN metric_series s ON s.id = m.series_id;
      """),
    ("0003-charge-summary", """
      CREATE TABLE charge_summary (
        billing_period_start INTEGER NOT NULL,
        dims_id INTEGER NOT NULL REFERENCES charge_dims(id),
        import_id INTEGER NOT NULL REFERENCES import(id),
        rows INTEGER NOT NULL,
        billed_cost INTEGER NOT NULL,
        effective_cost INTEGER NOT NULL,
        consumed_quantity REAL,
        pricing_quantity REAL,
        PRIMARY KEY (billing_period_start, dims_id, import_id)
      ) WITHOUT ROWID;
      INSERT INTO charge_summary
        SELECT billing_period_start, dims_id, import_id, count(*), sum(billed_cost), sum(effective_cost),
               sum(consumed_quantity), sum(pricing_quantity)
        FROM charge GROUP BY billing_period_start, dims_id, import_id;
      """),
    ("0004-daily-rollups", """
      CREATE TABLE charge_daily (
        billing_period_start INTEGER NOT NULL,
        day INTEGER NOT NULL,
        dims_id INTEGER NOT NULL REFERENCES charge_dims(id),
        import_id INTEGER NOT NULL REFERENCES import(id),
        rows INTEGER NOT NULL,
        billed_cost INTEGER NOT NULL,
        effective_cost INTEGER NOT NULL,
        PRIMARY KEY (day, dims_id, import_id, billing_period_start)
      ) WITHOUT ROWID;
      INSERT INTO charge_daily
        SELECT billing_period_start, charge_period_start - (charge_period_start % 86400), dims_id, import_id, count(*),
               sum(billed_cost), sum(effective_cost)
        FROM charge GROUP BY 1, 2, 3, 4;
      CREATE TABLE metric_daily (
        series_id INTEGER NOT NULL REFERENCES metric_series(id),
        day INTEGER NOT NULL,
        samples INTEGER NOT NULL,
        total REAL NOT NULL,
        maximum REAL NOT NULL,
        above_zero INTEGER NOT NULL,
        PRIMARY KEY (series_id, day)
      ) WITHOUT ROWID;
      INSERT INTO metric_daily
        SELECT series_id, ts - (ts % 86400), count(*), sum(value), max(value), sum(value > 0) FROM metric_sample GROUP BY 1, 2;
      """),
    ("0005-metric-rollups-by-day-and-month", """
      CREATE INDEX metric_daily_by_day ON metric_daily(day, series_id, samples, total, maximum, above_zero);
      CREATE TABLE metric_monthly (
        month_start INTEGER NOT NULL,
        series_id INTEGER NOT NULL REFERENCES metric_series(id),
        samples INTEGER NOT NULL,
        total REAL NOT NULL,
        maximum REAL NOT NULL,
        above_zero INTEGER NOT NULL,
        PRIMARY KEY (month_start, series_id)
      ) WITHOUT ROWID;
      INSERT INTO metric_monthly
        SELECT CAST(strftime('%s', date(day, 'unixepoch', 'start of month')) AS INTEGER), series_id, sum(samples), sum(total), max(maximum), sum(above_zero)
        FROM metric_daily GROUP BY 1, 2;
      """),
  ]
}
