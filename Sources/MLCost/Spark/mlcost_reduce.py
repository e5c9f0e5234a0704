"""MLCost's Spark job: reduce FOCUS and CUR billing exports to the grain MLCost's store keeps.

Run by `mlcost … --engine spark` (never by hand, though it can be):

    python mlcost_reduce.py --out DIR [--master local[2]|spark://…] [--conf K=V]… SOURCE…

Each SOURCE is a file, a directory or a glob, local or any URI Spark reads (s3a://, abfss://, gs://, hdfs://).
Every file is read as strings (CSV: RFC 4180, quoted newlines, gzip by extension; Parquet: cast to text), its
format told from its header, and its rows grouped by every column the Swift importer maps except the money and
quantity columns, which are summed, and the charge period, which is reduced to its day. Rows whose money or
period this job cannot read exactly (another spelling, a number out of range) are passed through one by one, so
MLCost's own importer judges them as it judges any row. The Swift side then maps the (small) aggregate with the
same importer as a local file: the mapping rules live in one place.

Money is exact: each amount is parsed from its text (exponents included) by string arithmetic in Spark SQL,
rounded half-even to 12 decimals as MLCost rounds it, and summed as DECIMAL(38,0) pico-units; what rounding
dropped (in 10^-36 units) is summed beside it for the file's reconciliation. No Python runs on the executors.

Output in --out: manifest.json, and per file N: agg-N.csv (the original header, one row per group) and
weights-N.csv (rows in the group, first data row, residuals), in the same order.
"""
import argparse
import base64
import csv
import json
import os
import re
import sys

MONEY_RE = r"^([+-]?)([0-9]*)(\.([0-9]*))?([eE]([+-]?[0-9]{1,4}))?$"
# The period spellings read here (a subset of MLCost's): date, optional time, optional fraction, UTC or no zone.
TIME_RE = (r"^([0-9]{4}-[0-9]{2}-[0-9]{2})([Tt ]([01][0-9]|2[0-3]):([0-5][0-9])(:([0-5][0-9])(\.[0-9]+)?)?)?"
           r"([Zz]|\+00:00|\+0000|\+00|-00:00)?$")

# What Spark's CSV reader leaves of `"10.00"x` (text after a closing quote): the quotes kept in the value. A value that
# starts with a quote legitimately is JSON-like (Azure's brace-less tags: `"k": "v","k2": "v2"`), where a closing quote
# is followed by `:`, `,`, `}`, `]` or a space, so those do not count.
SUSPECT_RE = r'^"(?:[^"]|"")*"[^":,}\]\s]'
SUSPECT_JOINED_RE = r'(?:^|\x01)"(?:[^"\x01]|"")*"[^":,}\]\s\x01]'

FOCUS_MONEY = {"billedcost": "billed", "effectivecost": "effective", "amortizedcost": "effective", "listcost": None,
               "contractedcost": None}
FOCUS_QUANTITY = {"consumedquantity", "pricingquantity", "commitmentdiscountquantity", "usagequantity"}
CUR_MONEY = {"lineitemunblendedcost", "lineitemblendedcost", "lineitemnetunblendedcost", "pricingpublicondemandcost",
             "reservationeffectivecost", "reservationunusedamortizedupfrontfeeforbillingperiod", "reservationunusedrecurringfee",
             "savingsplansavingsplaneffectivecost", "savingsplantotalcommitmenttodate", "savingsplanusedcommitment"}
CUR_QUANTITY = {"lineitemusageamount", "lineitemnormalizedusageamount"}
CUR_DROPPED = {"identitylineitemid"}
# Line detail: text MLCost keeps per charge line (charge_detail), never in the dimensions the reports group by. A group
# keeps its first row's value (the reports never read it; drill-down to single lines is the SQLite engine's).
FOCUS_DETAIL = {"skupriceid", "skupricedetails", "chargedescription", "listunitprice", "contractedunitprice"}
CUR_DETAIL = {"lineitemlineitemdescription", "pricingpublicondemandrate", "lineitemunblendedrate"}


def focus_key(name):
    return name.replace("\ufeff", "").strip().lower()


def cur_key(name):
    return "".join(ch for ch in name.lower() if ch not in "/_ \ufeff")


def spec_for(header):
    """What each column is, by the same names the Swift importers look for; None when neither format."""
    fkeys = [focus_key(h) for h in header]
    ckeys = [cur_key(h) for h in header]
    if "chargeperiodstart" in fkeys and ("billedcost" in fkeys or "effectivecost" in fkeys or "amortizedcost" in fkeys):
        roles = []
        for k in fkeys:
            if k in FOCUS_MONEY:
                roles.append(("money", FOCUS_MONEY[k]))
            elif k in FOCUS_QUANTITY:
                roles.append(("quantity", None))
            elif k == "chargeperiodstart":
                roles.append(("start", None))
            elif k == "chargeperiodend":
                roles.append(("end", None))
            elif k in FOCUS_DETAIL:
                roles.append(("detail", None))
            else:
                roles.append(("key", None))
        passthrough = None
        if "pricingcurrency" in fkeys and "billingcurrency" in fkeys:
            passthrough = (fkeys.index("pricingcurrency"), fkeys.index("billingcurrency"))
        return {"format": "focus", "roles": roles, "foreign": passthrough}
    if "lineitemunblendedcost" in ckeys:
        has_start = "lineitemusagestartdate" in ckeys
        roles = []
        for k in ckeys:
            if k in CUR_MONEY:
                roles.append(("money", None))
            elif k in CUR_QUANTITY:
                roles.append(("quantity", None))
            elif k == "lineitemusagestartdate":
                roles.append(("start", None))
            elif k == "lineitemusageenddate":
                roles.append(("end", None))
            elif k == "identitytimeinterval":
                roles.append(("drop", None) if has_start else ("interval", None))
            elif k in CUR_DROPPED:
                roles.append(("drop", None))
            elif k in CUR_DETAIL:
                roles.append(("detail", None))
            else:
                roles.append(("key", None))
        return {"format": "cur", "roles": roles, "foreign": None}
    return None


def is_null_text(F, col):
    """Null as both importers read it: absent, empty, or `null` in any case (untrimmed)."""
    return col.isNull() | (F.length(col) == 0) | (F.lower(col) == "null")


def trim(F, col):
    return F.regexp_replace(F.regexp_replace(col, r"^[ \t]+", ""), r"[ \t]+$", "")


def money_columns(F, col):
    """(picos DECIMAL(38,0), residual in 10^-36 DECIMAL(38,0), inexact, is_null, readable) of a text column."""
    t = trim(F, col)
    is_null = is_null_text(F, col)
    ints_raw = F.regexp_extract(t, MONEY_RE, 2)
    frac = F.regexp_extract(t, MONEY_RE, 4)
    matched = F.regexp_like(t, F.lit(MONEY_RE)) & ((F.length(ints_raw) + F.length(frac)) > 0)
    sign = F.regexp_extract(t, MONEY_RE, 1)
    exp = F.coalesce(F.regexp_extract(t, MONEY_RE, 6).cast("int"), F.lit(0))
    digits = F.concat(F.regexp_replace(ints_raw, "^0+", ""), frac)
    k = F.lit(36) - F.length(frac) + exp                  # value in 10^-36 units: digits then k zeros (k < 0: less its last -k digits)
    kept_len = F.greatest(F.length(digits) + k, F.lit(0))
    fits = kept_len <= 60
    kept = F.when(k >= 0, F.concat(digits, F.repeat(F.lit("0"), F.greatest(k, F.lit(0)))))\
        .otherwise(digits.substr(F.lit(1), kept_len))
    dropped = F.when(k < 0, digits.substr(kept_len + 1, F.lit(1000000))).otherwise(F.lit(""))
    sticky = F.regexp_like(dropped, F.lit("[1-9]"))
    padded = F.lpad(F.when(fits, kept).otherwise(F.lit("0")), 60, "0")
    whole = F.substring(padded, 1, 36).cast("decimal(38,0)")
    rest = F.substring(padded, 37, 24).cast("decimal(38,0)")
    half = F.lit("500000000000000000000000").cast("decimal(38,0)")
    up = (rest > half) | ((rest == half) & (sticky | (F.pmod(whole, F.lit(2)) == 1)))
    picos = F.when(up, whole + 1).otherwise(whole)
    residual = F.when(up, rest - F.lit("1000000000000000000000000").cast("decimal(38,0)")).otherwise(rest)
    negative = sign == "-"
    picos = F.when(negative, -picos).otherwise(picos).cast("decimal(38,0)")
    residual = F.when(negative, -residual).otherwise(residual).cast("decimal(38,0)")
    readable = is_null | (matched & fits & picos.isNotNull())
    return picos, residual, sticky, is_null, readable


def time_columns(F, col):
    """(normalised 'YYYY-MM-DDTHH:MM:SSZ', day 'YYYY-MM-DD', readable) of a UTC timestamp text column."""
    t = trim(F, col)
    ok = F.regexp_like(t, F.lit(TIME_RE))
    day = F.regexp_extract(t, TIME_RE, 1)
    valid_day = F.to_date(day, "yyyy-MM-dd").isNotNull() & (F.date_format(F.to_date(day, "yyyy-MM-dd"), "yyyy-MM-dd") == day)
    hh = F.regexp_extract(t, TIME_RE, 3)
    mm = F.regexp_extract(t, TIME_RE, 4)
    ss = F.regexp_extract(t, TIME_RE, 6)
    norm = F.concat(day, F.lit("T"), F.when(hh == "", "00").otherwise(hh), F.lit(":"), F.when(mm == "", "00").otherwise(mm),
                    F.lit(":"), F.when(ss == "", "00").otherwise(ss), F.lit("Z"))
    readable = col.isNotNull() & ok & valid_day
    return norm, day, readable


def files_of(spark, sources):
    """Every file under the sources, in a stable order, with its size (Hadoop's view, so any URI works)."""
    jvm = spark._jvm
    conf = spark._jsc.hadoopConfiguration()
    out = []
    for s in sources:
        path = jvm.org.apache.hadoop.fs.Path(s)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if statuses is None or len(statuses) == 0:
            raise SystemExit(json.dumps({"error": f"{s}: no such file or directory", "path": s}))
        for st in statuses:
            if st.isDirectory():
                it = fs.listFiles(st.getPath(), True)
                found = []
                while it.hasNext():
                    f = it.next()
                    name = f.getPath().getName()
                    if name.startswith(".") or name.startswith("_"):
                        continue
                    found.append((f.getPath().toString(), f.getLen()))
                out.extend(sorted(found))
            else:
                out.append((st.getPath().toString(), st.getLen()))
    return out


def head_bytes(spark, path, n=1 << 20):
    """The first bytes of a file (local files directly, others through Hadoop's file system)."""
    if path.startswith("file:"):
        with open(local_path(path), "rb") as f:
            return f.read(n)
    jvm = spark._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    stream = p.getFileSystem(spark._jsc.hadoopConfiguration()).open(p)
    try:
        out = bytearray()
        while len(out) < n:
            b = stream.read()
            if b < 0:
                break
            out.append(b & 0xFF)
            if len(out) >= 4 and out[:4] == b"PAR1":
                break
            if len(out) >= 65536:
                break
        return bytes(out)
    finally:
        stream.close()


def local_path(uri):
    from urllib.parse import unquote
    s = uri[5:] if uri.startswith("file:") else uri
    while s.startswith("//"):
        s = s[1:]
    return unquote(s)


def same_file(uri):
    """One spelling of a file URI (Spark writes file:///x, Hadoop lists file:/x)."""
    from urllib.parse import unquote
    u = unquote(uri)
    return "file:" + local_path(u) if u.startswith("file:") else u


def csv_header(head):
    """The header record of a CSV (gzip or not) from its first bytes; None when there is none."""
    import gzip
    import io
    import zlib
    if head[:2] == b"\x1f\x8b":
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 22)
    text = head.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    for record in csv.reader(io.StringIO(text, newline="")):
        return record
    return None


def read_rows(spark, F, T, paths, parquet, header):
    """DataFrame of c0…cN-1 strings, `_file`, `_row` (1 = first data row), `_corrupt`, for files sharing one header."""
    if parquet:
        df = spark.read.parquet(*paths)
        cols = []
        for i, field in enumerate(df.schema.fields):
            c = F.col(f"`{field.name}`")
            if isinstance(field.dataType, (T.MapType, T.StructType, T.ArrayType)):
                c = F.to_json(c)
            elif isinstance(field.dataType, (T.TimestampType, T.TimestampNTZType)):
                c = F.date_format(c, "yyyy-MM-dd'T'HH:mm:ss'Z'")
            else:
                c = c.cast("string")
            cols.append(c.alias(f"c{i}"))
        return df.select(*cols, F.col("_metadata.file_path").alias("_file"), (F.col("_metadata.row_index") + 1).alias("_row"),
                         F.lit(None).cast("string").alias("_corrupt"))
    schema = T.StructType([T.StructField(f"c{i}", T.StringType()) for i in range(len(header))]
                          + [T.StructField("_corrupt", T.StringType())])
    df = (spark.read.option("header", "false").option("multiLine", "true").option("escape", '"').option("mode", "PERMISSIVE")
          .option("encoding", "UTF-8").option("columnNameOfCorruptRecord", "_corrupt").schema(schema).csv(paths))
    # A multi-line (or gzip) CSV is never split, and spark.sql.files.openCostInBytes (set huge in main) keeps two files
    # out of one partition: the id's low 33 bits are the record's index in its file, 0 being the header.
    row = F.monotonically_increasing_id().bitwiseAND(F.lit((1 << 33) - 1))
    return (df.select("*", F.col("_metadata.file_path").alias("_file"), row.alias("_row"),
                      F.shiftright(F.monotonically_increasing_id(), 33).alias("_part"))
            .where(F.col("_row") > 0))


def reduce_group(spark, F, T, members, header, parquet, spec, out_dir, total_bytes=0):
    """Reduces the files `members` [(n, path)] that share one header in one Spark job; writes agg-n/weights-n per file."""
    df = read_rows(spark, F, T, [p for _, p in members], parquet, header)
    roles = spec["roles"]
    exprs = {}
    # A row Spark could not split into the header's columns, or a field that kept its quotes because text followed the
    # closing quote ("10.00"x): MLCost's importer gets the row's text and judges it as the SQLite engine does.
    # One pattern over all fields joined by \x01 (a 200-column CUR would otherwise compile 200 matchers into one method).
    suspect = F.lit(False)
    if not parquet:
        joined = F.concat_ws("\x01", *[F.coalesce(F.col(f"c{i}"), F.lit("")) for i in range(len(roles))])
        suspect = joined.rlike(SUSPECT_JOINED_RE)
    readable = F.col("_corrupt").isNull() & ~suspect
    for i, (role, what) in enumerate(roles):
        c = F.col(f"c{i}")
        if role == "money":
            picos, residual, sticky, is_null, ok = money_columns(F, c)
            readable = readable & ok
            exprs[f"p{i}"] = picos
            exprs[f"r{i}"] = F.when(is_null, F.lit(0).cast("decimal(38,0)")).otherwise(residual)
            exprs[f"s{i}"] = F.when(is_null, F.lit(False)).otherwise(sticky)
            exprs[f"n{i}"] = is_null
        elif role == "quantity":
            t = trim(F, c)
            is_null = is_null_text(F, c)
            value = t.cast("double")
            ok = is_null | (F.regexp_like(t, F.lit(MONEY_RE)) & F.regexp_like(t, F.lit(r"[0-9]")) & value.isNotNull()
                            & ~F.isnan(value) & (F.abs(value) < F.lit(float("inf"))))
            readable = readable & ok
            exprs[f"q{i}"] = F.when(is_null, F.lit(None).cast("double")).otherwise(value)
            exprs[f"n{i}"] = is_null
        elif role in ("start", "end"):
            norm, day, ok = time_columns(F, c)
            readable = readable & ok
            exprs[f"t{i}"] = norm
            if role == "start":
                exprs["_day"] = day
        elif role == "interval":
            first = F.substring_index(c, "/", 1)
            second = F.substring_index(c, "/", -1)
            n1, d1, ok1 = time_columns(F, first)
            n2, _, ok2 = time_columns(F, second)
            readable = readable & ok1 & ok2 & F.col(f"c{i}").contains("/")
            exprs[f"t{i}a"] = n1
            exprs[f"t{i}b"] = n2
            exprs["_day"] = d1
        elif role == "key":
            exprs[f"c{i}"] = c
    if spec["foreign"] is not None:
        pc, bc = spec["foreign"]
        norm = lambda x: F.upper(trim(F, F.col(f"c{x}")))
        foreign = norm(pc).isNotNull() & (norm(pc) != "") & (norm(pc) != "NULL") & (norm(pc) != F.coalesce(norm(bc), F.lit("")))
        readable = readable & ~foreign
    starts = [i for i, (r, _) in enumerate(roles) if r == "start"]
    ends = [i for i, (r, _) in enumerate(roles) if r == "end"]
    order_ok = F.lit(True)
    if starts and ends:
        order_ok = F.col(f"t{ends[0]}") >= F.col(f"t{starts[0]}")
    if "_day" not in exprs:
        exprs["_day"] = F.lit("")
    df = df.select("*", *[v.alias(k) for k, v in exprs.items() if k not in df.columns])
    # A period that ends before it starts is the importer's to judge, row by row.
    df = df.withColumn("_ok", readable & F.coalesce(order_ok, F.lit(False)))
    # A row read exactly joins its group; any other row is its own group (its row number is in the key).
    df = df.withColumn("_solo", F.when(F.col("_ok"), F.lit(None).cast("long")).otherwise(F.col("_row")))

    group = ["_file", "_solo", "_day"] + [f"c{i}" for i, (r, _) in enumerate(roles) if r == "key"] \
        + [f"n{i}" for i, (r, _) in enumerate(roles) if r in ("money", "quantity")]
    aggs = [F.count(F.lit(1)).alias("_rows"), F.min("_row").alias("_first"), F.max(F.col("_corrupt")).alias("_bad")]
    if not parquet:
        aggs += [F.min("_part").alias("_p0"), F.max("_part").alias("_p1")]
    for i, (role, what) in enumerate(roles):
        if role in ("key",):
            continue
        aggs.append(F.min_by(F.col(f"c{i}"), F.col("_row")).alias(f"raw{i}"))
        if role == "money":
            aggs += [F.sum(f"p{i}").alias(f"p{i}"), F.sum(f"r{i}").alias(f"r{i}"), F.max(f"s{i}").alias(f"s{i}")]
        elif role == "quantity":
            aggs.append(F.sum(f"q{i}").alias(f"q{i}"))
        elif role in ("start", "end"):
            aggs.append((F.min if role == "start" else F.max)(f"t{i}").alias(f"t{i}"))
        elif role == "interval":
            aggs += [F.min(f"t{i}a").alias(f"t{i}a"), F.max(f"t{i}b").alias(f"t{i}b")]
    # Sorted by file and first row into ranges small enough to stream to the driver one at a time (toLocalIterator holds a
    # whole partition: one partition per file ran a 2 GB driver out of memory on a 900 MB file's 600k groups).
    parts = max(int(spark.conf.get("spark.sql.shuffle.partitions")), -(-total_bytes // (16 << 20)))
    reduced = df.groupBy(*group).agg(*aggs).repartitionByRange(parts, "_file", "_first").sortWithinPartitions("_file", "_first")

    by_uri = {same_file(path): n for n, path in members}
    results = {}
    handles = {}
    for n, path in members:
        fa = open(os.path.join(out_dir, f"agg-{n}.csv"), "w", newline="", encoding="utf-8")
        fw = open(os.path.join(out_dir, f"weights-{n}.csv"), "w", newline="", encoding="utf-8")
        csv.writer(fa, lineterminator="\n").writerow(header)
        fw.write("rows,first_row,billed_residual,billed_inexact,effective_residual,effective_inexact,raw_base64\n")
        handles[n] = (fa, csv.writer(fa, lineterminator="\n"), fw)
        results[n] = {"format": spec["format"], "aggregate": f"agg-{n}.csv", "weights": f"weights-{n}.csv", "groups": 0,
                      "rows": 0, "parquet": parquet}
    trace("plan built")
    try:
        ix = {c: k for k, c in enumerate(reduced.columns)}
        get = lambda name: ix.get(name, -1)
        # Column positions once (a Row looked up by name per field was most of the driver's time on 600k groups).
        plan = [(role, what, get(f"c{i}"), get(f"raw{i}"), get(f"n{i}"), get(f"p{i}"), get(f"r{i}"), get(f"s{i}"), get(f"q{i}"),
                 get(f"t{i}"), get(f"t{i}a"), get(f"t{i}b")) for i, (role, what) in enumerate(roles)]
        i_file, i_p0, i_p1, i_solo = ix["_file"], get("_p0"), get("_p1"), ix["_solo"]
        i_bad, i_rows, i_first = ix["_bad"], ix["_rows"], ix["_first"]
        last_file, n = None, None
        for g in reduced.toLocalIterator():
            if g[i_file] != last_file:
                last_file = g[i_file]
                n = by_uri.get(same_file(last_file))
                if n is None:
                    raise RuntimeError(f"Spark read a file it was not given: {last_file}")
                fa, wa, fw = handles[n]
            if not parquet and g[i_p0] != g[i_p1]:
                raise RuntimeError(f"{g[i_file]} was split across partitions; row numbers would be wrong")
            solo = g[i_solo] is not None
            out = []
            billed = effective = None
            for (role, what, kc, kraw, kn, kp, kr, ks, kq, kt, kta, ktb) in plan:
                if role == "key":
                    out.append(g[kc])
                elif role in ("drop", "detail") or solo:
                    out.append(g[kraw])
                    if solo and role == "money" and what and not g[kn] and g[kp] is not None:
                        if what == "billed":
                            billed = (g[kr], g[ks])
                        else:
                            effective = (g[kr], g[ks])
                elif role == "money":
                    if g[kn]:
                        out.append(g[kraw])
                    else:
                        if g[kp] is None:
                            raise RuntimeError(f"{g[i_file]}: a sum of money passes 10^26 units")
                        out.append(decimal_text(int(g[kp])))
                        if what == "billed":
                            billed = (g[kr], g[ks])
                        elif what == "effective":
                            effective = (g[kr], g[ks])
                elif role == "quantity":
                    out.append(g[kraw] if g[kn] else repr(float(g[kq])))
                elif role in ("start", "end"):
                    out.append(g[kt])
                elif role == "interval":
                    out.append(f"{g[kta]}/{g[ktb]}")
            wa.writerow(out)
            raw = ""
            if solo:
                text = g[i_bad]
                if text is None and not parquet and any(isinstance(v, str) and SUSPECT.match(v) for v in out):
                    text = ",".join("" if v is None else (v if SUSPECT.match(v) else csv_field(v)) for v in out)
                if text is not None:
                    raw = base64.b64encode(text.encode("utf-8")).decode("ascii")
            b = (int(billed[0]), int(bool(billed[1]))) if billed else (0, 0)
            e = (int(effective[0]), int(bool(effective[1]))) if effective else (0, 0)
            fw.write(f"{g[i_rows]},{g[i_first]},{b[0]},{b[1]},{e[0]},{e[1]},{raw}\n")
            results[n]["groups"] += 1
            results[n]["rows"] += g[i_rows]
    finally:
        trace("rows written")
        for fa, _, fw in handles.values():
            fa.close()
            fw.close()
    return results


SUSPECT = re.compile(SUSPECT_RE)


def csv_field(v):
    return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\r\n') else v


def decimal_text(picos):
    sign = "-" if picos < 0 else ""
    m = abs(picos)
    return f"{sign}{m // 10**12}.{m % 10**12:012d}"


def main(argv):
    ap = argparse.ArgumentParser(description="MLCost's Spark reduction of FOCUS and CUR exports")
    ap.add_argument("--out", required=True)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--conf", action="append", default=[])
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    from pyspark.sql import SparkSession, functions as F, types as T
    builder = (SparkSession.builder.appName("mlcost-reduce").master(args.master)
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.ansi.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC").config("spark.sql.caseSensitive", "true")
               # One file per partition: a CSV's record ids then number its rows (read_rows).
               .config("spark.sql.files.openCostInBytes", str(1 << 50)))
    if not any(kv.startswith("spark.driver.memory=") for kv in args.conf):
        builder = builder.config("spark.driver.memory", "2g")
    for kv in args.conf:
        if "=" not in kv:
            raise SystemExit(f"--conf {kv}: expected KEY=VALUE")
        k, v = kv.split("=", 1)
        builder = builder.config(k, v)
    trace("starting Spark")
    spark = builder.getOrCreate()
    trace("Spark started")
    spark.sparkContext.setLogLevel("ERROR")
    if not any(kv.startswith("spark.sql.shuffle.partitions=") for kv in args.conf):
        spark.conf.set("spark.sql.shuffle.partitions", str(max(8, 2 * spark.sparkContext.defaultParallelism)))
    manifest = {"master": args.master, "spark": spark.version, "files": []}
    try:
        files = files_of(spark, args.sources)
        entries = [{"path": path, "bytes": size} for path, size in files]
        groups = {}
        for n, (path, size) in enumerate(files):
            try:
                head = head_bytes(spark, path)
                parquet = head[:4] == b"PAR1"
                if head[:2] == b"\x1f\x8b" and not path.endswith(".gz"):
                    entries[n]["error"] = ("gzip data in a file not named .gz: Spark picks the codec by the name "
                                           "(rename it to end in .gz)")
                    continue
                header = spark.read.parquet(path).columns if parquet else csv_header(head)
                if not header:
                    entries[n]["error"] = "the file is empty: there is no header row"
                    continue
                spec = spec_for(header)
                if spec is None:
                    entries[n]["unsupported"] = ("neither a FOCUS nor a CUR header (the Spark engine reads those two; "
                                                 "import other files with `mlcost import`)")
                    continue
                groups.setdefault((parquet, tuple(header)), []).append((n, path))
            except Exception as e:  # noqa: BLE001 - a bad file is reported with its path, the others go on
                entries[n]["error"] = first_line(e)
        trace(f"{len(files)} files listed and headers read; {len(groups)} header groups")
        for (parquet, header), members in groups.items():
            spec = spec_for(list(header))
            trace(f"group of {len(members)} file(s), {len(header)} columns")
            try:
                results = reduce_group(spark, F, T, members, list(header), parquet, spec, args.out,
                                       sum(files[n][1] for n, _ in members))
            except Exception:  # noqa: BLE001 - find which file it was: each alone
                results = {}
                for n, path in members:
                    try:
                        results.update(reduce_group(spark, F, T, [(n, path)], list(header), parquet, spec, args.out))
                    except Exception as e:  # noqa: BLE001
                        entries[n]["error"] = first_line(e)
            for n, r in results.items():
                entries[n].update(r)
        manifest["files"] = entries
    finally:
        with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
        spark.stop()


def trace(what):
    if os.environ.get("MLCOST_SPARK_TRACE"):
        import time
        print(f"{time.monotonic():.2f} {what}", file=sys.stderr, flush=True)


def first_line(e):
    msg = str(e).strip()
    return (msg.splitlines()[0] if msg else type(e).__name__)[:500]


if __name__ == "__main__":
    main(sys.argv[1:])
