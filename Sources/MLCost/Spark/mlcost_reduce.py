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
weights-N.csv (rows in the group, first data row, residuals), in the same order, in the order of each group's first row.
The executors write the groups to --staging (default: under --out), which the driver then reads and merges.
"""
import argparse
import base64
import csv
import json
import os
import heapq
import re
import struct
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
    return F.btrim(col, F.lit(" \t"))


def plain_number(F, t):
    """True for the common spelling, ASCII digits with at most a leading sign and one point (checked without a regex)."""
    rest = F.translate(t, "0123456789", "")
    return (rest.isin("", ".", "-", "-.", "+", "+.") & (F.length(t) > F.length(rest))
            & (rest.isin("", ".") | (F.substring(t, 1, 1) == F.substring(rest, 1, 1))))


def with_money(F, df, cols):
    """Adds, per money column i of `cols`: p{i} (pico-units, DECIMAL(38,0)), r{i} (what rounding dropped, in 10^-36),
    s{i} (inexact), n{i} (null) and _ok{i} (read exactly). In steps of one select each: Spark keeps a step's values in
    columns only when no expression of the next one is inside a condition, and evaluates a repeated expression under a
    condition again each time (that made this arithmetic seven times slower as one expression)."""
    def step(d, pairs):
        return d.withColumns({f"{name}{i}": expr for i in cols for name, expr in pairs(i, lambda n, i=i: F.col(f"{n}{i}")).items()})
    df = step(df, lambda i, v: {"_mt": trim(F, F.col(f"c{i}")), "n": is_null_text(F, F.col(f"c{i}"))})
    # The usual amount (plain digits, at most 12 decimals, 26 integer digits) is exact as a DECIMAL(38,12) cast: no
    # rounding, no residual. Other spellings take the string arithmetic, on a column that is null for the usual ones.
    df = step(df, lambda i, v: {"_mx": (v("_mt").cast("decimal(38,12)") * F.lit(10 ** 12).cast("decimal(13,0)")).cast("decimal(38,0)"),
                                "_mf": plain_number(F, v("_mt")) & ((F.instr(v("_mt"), ".") == 0)
                                                                    | (F.length(v("_mt")) - F.instr(v("_mt"), ".") <= 12))})
    df = step(df, lambda i, v: {"_mf": F.coalesce(v("_mf") & v("_mx").isNotNull(), F.lit(False))})
    df = step(df, lambda i, v: {"_mu": F.when(~v("_mf"), v("_mt"))})
    df = step(df, lambda i, v: {"_msg": F.regexp_extract(v("_mu"), MONEY_RE, 1), "_min": F.regexp_extract(v("_mu"), MONEY_RE, 2),
                                "_mfr": F.regexp_extract(v("_mu"), MONEY_RE, 4),
                                "_mex": F.coalesce(F.regexp_extract(v("_mu"), MONEY_RE, 6).cast("int"), F.lit(0)),
                                "_mm": F.regexp_like(v("_mu"), F.lit(MONEY_RE))})
    # k: the value in 10^-36 units is the digits then k zeros (k < 0: less their last -k digits).
    df = step(df, lambda i, v: {"_mdg": F.concat(F.regexp_replace(v("_min"), "^0+", ""), v("_mfr")),
                                "_mk": F.lit(36) - F.length(v("_mfr")) + v("_mex"),
                                "_mm": v("_mm") & ((F.length(v("_min")) + F.length(v("_mfr"))) > 0)})
    df = step(df, lambda i, v: {"_mkl": F.greatest(F.length(v("_mdg")) + v("_mk"), F.lit(0))})
    df = step(df, lambda i, v: {"_mkept": F.when(v("_mk") >= 0, F.concat(v("_mdg"), F.repeat(F.lit("0"), F.greatest(v("_mk"), F.lit(0)))))
                                           .otherwise(v("_mdg").substr(F.lit(1), v("_mkl"))),
                                "_mdrop": F.when(v("_mk") < 0, v("_mdg").substr(v("_mkl") + 1, F.lit(1000000))).otherwise(F.lit("")),
                                "_mfits": v("_mkl") <= 60})
    df = step(df, lambda i, v: {"_mpad": F.lpad(F.when(v("_mfits"), v("_mkept")).otherwise(F.lit("0")), 60, "0"),
                                "_mst": F.regexp_like(v("_mdrop"), F.lit("[1-9]"))})
    df = step(df, lambda i, v: {"_mwh": F.substring(v("_mpad"), 1, 36).cast("decimal(38,0)"),
                                "_mre": F.substring(v("_mpad"), 37, 24).cast("decimal(38,0)")})
    half = F.lit("500000000000000000000000").cast("decimal(38,0)")
    one = F.lit("1000000000000000000000000").cast("decimal(38,0)")
    df = step(df, lambda i, v: {"_mup": (v("_mre") > half) | ((v("_mre") == half) & (v("_mst") | (F.pmod(v("_mwh"), F.lit(2)) == 1)))})
    df = step(df, lambda i, v: {"_mneg": v("_msg") == "-",
                                "_mp": F.when(v("_mup"), v("_mwh") + 1).otherwise(v("_mwh")),
                                "_mr": F.when(v("_mup"), v("_mre") - one).otherwise(v("_mre"))})
    zero = F.lit(0).cast("decimal(38,0)")
    df = step(df, lambda i, v: {
        "p": F.when(v("_mf"), v("_mx")).otherwise(F.when(v("_mneg"), -v("_mp")).otherwise(v("_mp")).cast("decimal(38,0)")),
        "r": F.when(v("_mf") | v("n"), zero).otherwise(F.when(v("_mneg"), -v("_mr")).otherwise(v("_mr")).cast("decimal(38,0)")),
        "s": F.when(v("_mf") | v("n"), F.lit(False)).otherwise(v("_mst"))})
    return step(df, lambda i, v: {"_ok": v("n") | v("_mf") | (v("_mm") & v("_mfits") & v("p").isNotNull())})


def time_columns(F, col):
    """(normalised 'YYYY-MM-DDTHH:MM:SSZ', day 'YYYY-MM-DD', readable) of a UTC timestamp text column."""
    t = trim(F, col)
    ok = F.regexp_like(t, F.lit(TIME_RE))
    day = F.substring(t, 1, 10)
    valid_day = F.to_date(day, "yyyy-MM-dd").isNotNull() & (F.date_format(F.to_date(day, "yyyy-MM-dd"), "yyyy-MM-dd") == day)
    # Matched, the parts sit at fixed places: YYYY-MM-DD[THH:MM[:SS[.f]]][zone].
    timed = (F.length(t) >= 16) & F.substring(t, 11, 1).isin("T", "t", " ")
    hh = F.when(timed, F.substring(t, 12, 2)).otherwise(F.lit(""))
    mm = F.when(timed, F.substring(t, 15, 2)).otherwise(F.lit(""))
    ss = F.when(timed & (F.length(t) >= 19) & (F.substring(t, 17, 1) == ":"), F.substring(t, 18, 2)).otherwise(F.lit(""))
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


def reduce_group(spark, F, T, members, header, parquet, spec, out_dir, staging, total_bytes=0):
    """Reduces the files `members` [(n, path)] that share one header in one Spark job; writes agg-n/weights-n per file."""
    df = read_rows(spark, F, T, [p for _, p in members], parquet, header)
    roles = spec["roles"]
    keys = [f"c{i}" for i, (r, _) in enumerate(roles) if r == "key"]
    parts = max(int(spark.conf.get("spark.sql.shuffle.partitions")), -(-total_bytes // (16 << 20)))
    if not parquet:
        # A CSV is one task (it is read whole): spread its rows over the cores before the per-row arithmetic and the
        # aggregation, by the group key's columns, so the aggregation needs no second exchange.
        df = df.repartition(parts, "_file", *keys)
    exprs = {}
    # A row Spark could not split into the header's columns, or a field that kept its quotes because text followed the
    # closing quote ("10.00"x): MLCost's importer gets the row's text and judges it as the SQLite engine does.
    # One pattern over all fields joined by \x01 (a 200-column CUR would otherwise compile 200 matchers into one method).
    suspect = F.lit(False)
    if not parquet:
        joined = F.concat_ws("\x01", *[F.coalesce(F.col(f"c{i}"), F.lit("")) for i in range(len(roles))])
        suspect = joined.rlike(SUSPECT_JOINED_RE)
    readable = F.col("_corrupt").isNull() & ~suspect
    money = [i for i, (r, _) in enumerate(roles) if r == "money"]
    df = with_money(F, df, money)
    for i in money:
        readable = readable & F.col(f"_ok{i}")
    for i, (role, what) in enumerate(roles):
        c = F.col(f"c{i}")
        if role == "quantity":  # (money columns: with_money above)
            t = trim(F, c)
            is_null = is_null_text(F, c)
            value = t.cast("double")
            spelled = plain_number(F, t) | (F.regexp_like(t, F.lit(MONEY_RE)) & F.regexp_like(t, F.lit(r"[0-9]")))
            ok = is_null | (spelled & value.isNotNull() & ~F.isnan(value) & (F.abs(value) < F.lit(float("inf"))))
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
    df = df.withColumn("_suspect", suspect)

    # The key's hash leads the grouping: the aggregation sorts (a string aggregate buffer rules out hashing), and a long
    # compared first settles most comparisons before sixty strings are. The key columns themselves decide the groups.
    group = ["_h", "_file", "_solo", "_day"] + keys + [f"n{i}" for i, (r, _) in enumerate(roles) if r in ("money", "quantity")]
    df = df.withColumn("_h", F.xxhash64("_file", "_day", *keys))
    aggs = [F.count(F.lit(1)).alias("_rows"), F.min("_row").alias("_first"), F.max(F.col("_corrupt")).alias("_bad"),
            F.max("_suspect").alias("_suspect")]
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
    reduced = df.groupBy(*group).agg(*aggs)
    lines = reduced.select(F.col("_file"), F.col("_first"), *output_columns(F, roles, parquet))
    lines = lines.select(F.spark_partition_id().alias("_pid"), "*").sortWithinPartitions("_file", "_first")
    # Written by the executors (on every core) to the staging directory, then read back by the driver one part at a
    # time: toLocalIterator alone computes one partition per job, one after another, and a cache of an aggregate about
    # as large as the input ran the driver's heap out in local mode (the executors are the driver's JVM there).
    staged = f"{staging.rstrip('/')}/group-{min(n for n, _ in members)}"
    lines.write.mode("overwrite").option("ignoreNullFields", "false").json(staged)
    trace("aggregate computed")

    by_uri = {same_file(path): n for n, path in members}
    results = {n: {"format": spec["format"], "aggregate": f"agg-{n}.csv", "weights": f"weights-{n}.csv", "groups": 0,
                   "rows": 0, "parquet": parquet} for n, _ in members}
    trace("plan built")
    # Each partition comes to the driver sorted by first row; the driver writes it as a run per file and merges a file's
    # runs by first row, so the aggregate comes out in the file's order without a sampled range sort over the cluster.
    runs = {}
    run_dir = os.path.join(out_dir, "runs")
    os.makedirs(run_dir, exist_ok=True)
    last, last_first = (None, None), 0
    handle = None
    try:
        for g in staged_rows(spark, staged, lines.schema):
            pid, uri, first, err, rows, line, wline, fields = g
            if err is not None:
                raise RuntimeError(f"{uri}: {err}")
            if fields is not None:
                text = ",".join(v if SUSPECT.match(v) else csv_field(v) for v in fields)
                wline += base64.b64encode(text.encode("utf-8")).decode("ascii")
            if (pid, uri) != last or first < last_first:
                n = by_uri.get(same_file(uri))
                if n is None:
                    raise RuntimeError(f"Spark read a file it was not given: {uri}")
                if handle is not None:
                    handle.close()
                name = os.path.join(run_dir, f"run-{n}-{pid}.bin")
                runs.setdefault(n, []).append(name)
                handle = open(name, "wb")
                last = (pid, uri)
            last_first = first
            a, w = line.encode("utf-8"), wline.encode("utf-8")
            handle.write(struct.pack("<qii", first, len(a), len(w)))
            handle.write(a)
            handle.write(w)
            results[n]["groups"] += 1
            results[n]["rows"] += rows
    finally:
        if handle is not None:
            handle.close()
        remove(spark, staged)
    trace("runs written")
    for n, _ in members:
        with open(os.path.join(out_dir, f"agg-{n}.csv"), "wb") as fa, open(os.path.join(out_dir, f"weights-{n}.csv"), "wb") as fw:
            fa.write((",".join(csv_field(h) for h in header) + "\n").encode("utf-8"))
            fw.write(b"rows,first_row,billed_residual,billed_inexact,effective_residual,effective_inexact,raw_base64\n")
            for _, a, w in heapq.merge(*[read_run(name) for name in runs.get(n, [])], key=lambda r: r[0]):
                fa.write(a)
                fa.write(b"\n")
                fw.write(w)
                fw.write(b"\n")
        for name in runs.get(n, []):
            os.remove(name)
    trace("rows written")
    return results


def staged_rows(spark, staged, schema):
    """The staged aggregate's rows, part file after part file (each sorted by file and first row). A local staging
    directory is read here line by line; another is read through Spark (toLocalIterator moves each part through the
    driver's JVM, whose block manager lost a 4M-row run's results in local mode)."""
    names = [f.name for f in schema.fields]
    if staged.startswith("file:"):
        import glob
        for part in sorted(glob.glob(os.path.join(local_path(staged), "part-*"))):
            with open(part, encoding="utf-8") as f:
                for text in f:
                    record = json.loads(text)
                    yield tuple(record.get(n) for n in names)
    else:
        for g in spark.read.schema(schema).json(staged).toLocalIterator():
            yield tuple(g)


def remove(spark, uri, recursive=True):
    """Deletes a staging directory (any file system Hadoop knows); not recursive: only when it is empty."""
    try:
        p = spark._jvm.org.apache.hadoop.fs.Path(uri)
        fs = p.getFileSystem(spark._jsc.hadoopConfiguration())
        if recursive or (fs.exists(p) and len(fs.listStatus(p)) == 0):
            fs.delete(p, recursive)
    except Exception:  # noqa: BLE001 - a staging directory left behind is not an error of the run
        pass


def read_run(name):
    with open(name, "rb") as f:
        while True:
            head = f.read(16)
            if not head:
                return
            first, la, lw = struct.unpack("<qii", head)
            yield first, f.read(la), f.read(lw)


def output_columns(F, roles, parquet):
    """_err, _rows, _line (the group as a CSV record of the original header) and _wline (its weights record), in Spark SQL."""
    solo = F.col("_solo").isNotNull()
    fields = []
    billed = effective = None
    err = F.lit(None).cast("string")
    for i, (role, what) in enumerate(roles):
        if role == "key":
            fields.append(F.col(f"c{i}"))
            continue
        raw = F.col(f"raw{i}")
        if role in ("drop", "detail"):
            fields.append(raw)
            continue
        if role == "money":
            p, n = F.col(f"p{i}"), F.col(f"n{i}")
            fields.append(F.when(solo | n, raw).otherwise(decimal_sql(F, p)))
            if what:
                pair = (F.when(p.isNull(), F.lit(0).cast("decimal(38,0)")).otherwise(F.col(f"r{i}")),
                        F.when(p.isNull() | ~F.col(f"s{i}"), F.lit("0")).otherwise(F.lit("1")))
                if what == "billed":
                    billed = pair
                else:
                    effective = pair
            err = F.when(~solo & ~n & p.isNull(), F.lit("a sum of money passes 10^26 units")).otherwise(err)
        elif role == "quantity":
            fields.append(F.when(solo | F.col(f"n{i}"), raw).otherwise(F.col(f"q{i}").cast("string")))
        elif role in ("start", "end"):
            fields.append(F.when(solo, raw).otherwise(F.col(f"t{i}")))
        elif role == "interval":
            fields.append(F.when(solo, raw).otherwise(F.concat(F.col(f"t{i}a"), F.lit("/"), F.col(f"t{i}b"))))
    if not parquet:
        err = F.when(F.col("_p0") != F.col("_p1"), F.lit("the file was split across partitions; row numbers would be wrong")) \
            .otherwise(err)
    line = F.to_csv(F.struct(*[f.alias(f"f{i}") for i, f in enumerate(fields)]), CSV_WRITE)
    raw_text = F.col("_bad")
    # (Spark's base64 breaks lines every 76 characters, as MIME does.)
    raw64 = F.when(solo & raw_text.isNotNull(), F.translate(F.base64(F.encode(raw_text, "UTF-8")), "\r\n", "")).otherwise(F.lit(""))
    # A field that kept its quotes (text after the closing quote): the driver rebuilds that (rare) row's text.
    suspect_fields = F.when(solo & raw_text.isNull() & F.col("_suspect"), F.array(*[F.coalesce(f, F.lit("")) for f in fields])) \
        if not parquet else F.lit(None)
    zero = (F.lit(0).cast("decimal(38,0)"), F.lit("0"))
    b, e = billed or zero, effective or zero
    wline = F.concat_ws(",", F.col("_rows").cast("string"), F.col("_first").cast("string"), b[0].cast("string"), b[1],
                        e[0].cast("string"), e[1], raw64)
    return [err.alias("_err"), F.col("_rows"), line.alias("_line"), wline.alias("_wline"), suspect_fields.alias("_fields")]


def decimal_sql(F, picos):
    """DECIMAL(38,0) pico-units as MLCost's 12-decimal text (-1.500000000000), by string arithmetic."""
    digits = F.abs(picos).cast("string")
    padded = F.lpad(digits, F.greatest(F.length(digits), F.lit(13)), "0")
    whole = padded.substr(F.lit(1), F.length(padded) - 12)
    frac = F.substring(padded, -12, 12)
    return F.concat(F.when(picos < 0, F.lit("-")).otherwise(F.lit("")), whole, F.lit("."), frac)


SUSPECT = re.compile(SUSPECT_RE)
# Spark's CSV writer as RFC 4180 writes: quoted only when a field holds a comma, a quote or a line break, quotes doubled,
# spaces kept, null and empty both empty.
CSV_WRITE = {"quote": '"', "escape": '"', "escapeQuotes": "true", "ignoreLeadingWhiteSpace": "false",
             "ignoreTrailingWhiteSpace": "false", "emptyValue": "", "nullValue": ""}


def csv_field(v):
    return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\r\n') else v


def main(argv):
    ap = argparse.ArgumentParser(description="MLCost's Spark reduction of FOCUS and CUR exports")
    ap.add_argument("--out", required=True)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--conf", action="append", default=[])
    ap.add_argument("--staging", help="a directory the executors write the aggregate to and the driver reads it from "
                    "(default: under --out, which suits local masters and a cluster on this machine)")
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
    staging = args.staging or "file://" + os.path.abspath(os.path.join(args.out, "staging"))
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
                results = reduce_group(spark, F, T, members, list(header), parquet, spec, args.out, staging,
                                       sum(files[n][1] for n, _ in members))
            except Exception:  # noqa: BLE001 - find which file it was: each alone
                results = {}
                for n, path in members:
                    try:
                        results.update(reduce_group(spark, F, T, [(n, path)], list(header), parquet, spec, args.out, staging))
                    except Exception as e:  # noqa: BLE001
                        entries[n]["error"] = first_line(e)
            for n, r in results.items():
                entries[n].update(r)
        manifest["files"] = entries
    finally:
        with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
        remove(spark, staging, recursive=False)
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
