#!/usr/bin/env python3
"""Writes a FOCUS CSV as Parquet the way providers deliver it: Tags as a map<string,string>, the cost columns as
decimal128(38,12) (38,18 when a value has more decimals), the period columns as timestamp[us, UTC]; everything else as pyarrow reads it.

usage: scripts/csv-to-parquet.py IN.csv OUT.parquet [snappy|zstd|gzip|none]      (needs pyarrow)
Used by the Parquet tests and scripts/bench-parquet.
"""
import sys, json, decimal
import pyarrow as pa, pyarrow.compute, pyarrow.csv as pcsv, pyarrow.parquet as pq
t = pcsv.read_csv(sys.argv[1], parse_options=pcsv.ParseOptions(newlines_in_values=True), convert_options=pcsv.ConvertOptions(strings_can_be_null=True))
cols = {}
for name in t.column_names:
    c = t[name]
    if name == "Tags":
        cols[name] = pa.array([None if v is None else [(k, str(x)) for k, x in json.loads(v if v.strip().startswith("{") else "{" + v + "}").items()] for v in c.to_pylist()], pa.map_(pa.string(), pa.string()))
    elif name in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        values = [None if v in (None, "") else decimal.Decimal(str(v).strip()) for v in pcsv.read_csv(sys.argv[1], parse_options=pcsv.ParseOptions(newlines_in_values=True), convert_options=pcsv.ConvertOptions(column_types={name: pa.string()}, include_columns=[name]))[name].to_pylist()]
        # decimal128(38, 12) as providers write it; more decimals (real exports have them) at scale 18, else text.
        for scale in (12, 18, None):
            try:
                cols[name] = pa.array(values, pa.decimal128(38, scale)) if scale else pa.array([None if v is None else str(v) for v in values], pa.string())
                break
            except (pa.ArrowInvalid, decimal.InvalidOperation):
                continue
    elif name in ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd"):
        cols[name] = pa.array([None if v in (None, "") else v for v in pcsv.read_csv(sys.argv[1], parse_options=pcsv.ParseOptions(newlines_in_values=True), convert_options=pcsv.ConvertOptions(column_types={name: pa.string()}, include_columns=[name]))[name].to_pylist()], pa.string())
        # The spellings real exports mix (…Z, …+00:00, a space for the T, .000 fractions) as one.
        cols[name] = pa.compute.replace_substring_regex(cols[name], r"^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.0+)?(Z|\+00:00)?$", r"\1T\2Z")
        cols[name] = pa.compute.cast(pa.compute.strptime(cols[name], format="%Y-%m-%dT%H:%M:%SZ", unit="us"), pa.timestamp("us", tz="UTC"))
    else:
        cols[name] = c
pq.write_table(pa.table(cols), sys.argv[2], compression=sys.argv[3] if len(sys.argv) > 3 else "snappy")
