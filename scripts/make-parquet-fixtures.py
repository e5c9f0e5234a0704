#!/usr/bin/env python3
"""Writes the Parquet fixtures of the built-in reader's tests (Tests/Parquet/) with pyarrow: one table of every type
a FOCUS or CUR export uses (strings with escapes, integers, unsigned, floats, booleans, decimals, dates, timestamps
in three units, a map with null, empty and null-valued entries), written with each codec, page version and encoding
the reader reads, in small pages and row groups so rows cross both; and `expected.json`, the text each field must read
as, computed here from the Python values (not by reading the files back). Also `list.parquet`, a list column, which the
built-in reader leaves to the pyarrow helper.

usage: scripts/make-parquet-fixtures.py [OUT_DIR]      (default Tests/Parquet; needs pyarrow)
"""
import sys, json, os, datetime as dt, decimal
import pyarrow as pa, pyarrow.parquet as pq

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "Parquet")
os.makedirs(out, exist_ok=True)
decimal.getcontext().prec = 60
D = decimal.Decimal
utc = dt.timezone.utc
rows = []
for i in range(41):
    null = i % 7 == 3
    rows.append({
        "ServiceName": None if null else ["Amazon SageMaker", 'quote " comma , newline \n', "café — ünïcode", ""][i % 4],
        "Count": None if null else [0, -1, 2**40, 17][i % 4],
        "Small": None if null else [0, -128, 127, 5][i % 4],
        "Unsigned": None if null else [0, 4_000_000_000, 1, 7][i % 4],
        "Quantity": None if null else [10.0, 0.1, 1e-05, -3.25, 123456.789, 2.5][i % 6],
        "Ratio": None if null else [1.5, -0.25, 3.0][i % 3],
        "Flag": None if null else i % 2 == 0,
        "BilledCost": None if null else [D("0"), D("-12.5"), D("0.000000000001"), D("12345678901234567890.123456789012"), D("1.2")][i % 5],
        "BillingDay": None if null else dt.date(2026, 10, 1) + dt.timedelta(days=i),
        "ChargePeriodStart": None if null else dt.datetime(2026, 10, 1, tzinfo=utc) + dt.timedelta(hours=i),
        "Millis": None if null else dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=utc) + dt.timedelta(milliseconds=i),
        "Nanos": None if null else dt.datetime(2026, 10, 1, 0, 0, 0, 123000, tzinfo=utc) + dt.timedelta(seconds=i),
        "Tags": None if i % 5 == 4 else ([] if i % 5 == 3 else [("team", ["ml", "data"][i % 2]), ("note", None if i % 3 == 0 else 'a"b\\c\td\ne é')][: 1 + i % 2]),
        "Raw": None if null else b"bytes-" + str(i).encode(),
    })
schema = pa.schema([
    ("ServiceName", pa.string()), ("Count", pa.int64()), ("Small", pa.int8()), ("Unsigned", pa.uint32()),
    ("Quantity", pa.float64()), ("Ratio", pa.float32()), ("Flag", pa.bool_()), ("BilledCost", pa.decimal128(38, 12)),
    ("BillingDay", pa.date32()), ("ChargePeriodStart", pa.timestamp("us", tz="UTC")), ("Millis", pa.timestamp("ms", tz="UTC")),
    ("Nanos", pa.timestamp("ns", tz="UTC")), ("Tags", pa.map_(pa.string(), pa.string())), ("Raw", pa.binary()),
])
table = pa.Table.from_pylist(rows, schema=schema)

def ts(v, digits):
    s = v.strftime("%Y-%m-%dT%H:%M:%S")
    frac = f"{v.microsecond:06d}" + "000"
    frac = frac[:digits].rstrip("0")
    return s + ("." + frac if frac else "") + "Z"

def num(v):
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)

def text(name, v):
    if v is None:
        return ""
    if name == "Tags":
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + json.dumps(x, ensure_ascii=False) for k, x in v) + "}"
    if name in ("Quantity", "Ratio"):
        return num(v)
    if name == "Flag":
        return "true" if v else "false"
    if name == "BilledCost":
        return format(v.quantize(D("0.000000000001")), "f")
    if name == "BillingDay":
        return v.isoformat()
    if name in ("ChargePeriodStart", "Millis", "Nanos"):
        return ts(v, {"ChargePeriodStart": 6, "Millis": 3, "Nanos": 9}[name])
    if name == "Raw":
        return v.decode()
    return str(v)

expected = [[f.name for f in schema]] + [[text(f.name, r[f.name]) for f in schema] for r in rows]
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, ensure_ascii=False, indent=0)
    f.write("\n")

variants = {
    "snappy-dictionary-v1": dict(compression="snappy"),
    "gzip-plain": dict(compression="gzip", use_dictionary=False),
    "zstd-v2": dict(compression="zstd", data_page_version="2.0"),
    "none-small-pages": dict(compression="none", data_page_size=64, row_group_size=7, write_batch_size=3),
    "snappy-v2-plain-small-pages": dict(compression="snappy", data_page_version="2.0", use_dictionary=False, data_page_size=64,
                                        row_group_size=16, write_batch_size=5),
}
for name, options in variants.items():
    pq.write_table(table, os.path.join(out, name + ".parquet"), **options)
# The same instants as INT96 (Spark's and Impala's legacy timestamps): all three columns read as nanoseconds.
pq.write_table(table, os.path.join(out, "int96.parquet"), use_deprecated_int96_timestamps=True)
pq.write_table(pa.table({"BilledCost": pa.array(["1.5", "2.5"]), "Items": pa.array([[1, 2], None], pa.list_(pa.int64()))}),
               os.path.join(out, "list.parquet"))
