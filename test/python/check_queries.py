"""Parse the stack's saved Athena queries with sqlglot (Trino dialect, as Athena engine version 3), check every
column they read against the Glue table, transpile them to DuckDB and run them on the GZIP NDJSON objects the
end-to-end test delivered, through a view with the table's columns and its partition columns derived from each
object's key exactly as the table's partition projection computes the key from them.

Input (stdin, JSON): database, table, columns [{Name, Type}], partitions [{Name}], location_template (relative to
the bucket, with ${datehour} and maybe ${tenant_id}), date_format (java.time), data_dir (objects under their keys),
queries [{name, sql}]. Output (stdout, JSON): one result per query: name, error (parse or column problems),
parse_only (the transpiler could not map a function: named in unsupported), columns and rows.
"""

import json
import re
import sys

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError


def hive_fields(hive_type):
    """The field names and types of a flat struct<a:t,...> type, or None for a scalar type."""
    if not hive_type.startswith("struct<"):
        return None
    inner = hive_type[len("struct<"):-1]
    return dict(part.split(":", 1) for part in inner.split(","))


def duck_type(hive_type):
    fields = hive_fields(hive_type)
    if fields is not None:
        return "STRUCT(" + ", ".join(f'"{n}" {duck_type(t)}' for n, t in fields.items()) + ")"
    return {"string": "VARCHAR", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}[hive_type]


def date_regex(java_format):
    """A regex for the text a java.time pattern of yyyy, MM, dd, HH and quoted literals renders."""
    out, i = [], 0
    while i < len(java_format):
        if java_format[i] == "'":
            j = java_format.index("'", i + 1)
            out.append(re.escape(java_format[i + 1:j]))
            i = j + 1
        elif java_format.startswith("yyyy", i):
            out.append(r"\d{4}")
            i += 4
        elif java_format[i:i + 2] in ("MM", "dd", "HH"):
            out.append(r"\d{2}")
            i += 2
        else:
            out.append(re.escape(java_format[i]))
            i += 1
    return "".join(out)


def key_regex(template, java_format):
    """The projection's storage.location.template as a regex whose groups are the partition values, in order."""
    names, out = [], []
    pos = 0
    for m in re.finditer(r"\$\{(\w+)\}", template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        names.append(name)
        out.append("(" + (date_regex(java_format) if name == "datehour" else r"[^/]+") + ")")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return "".join(out), names


def column_problems(tree, spec):
    """Columns, struct fields and tables the query reads that the table does not have."""
    problems = []
    columns = {c["Name"]: c["Type"] for c in spec["columns"]}
    for p in spec["partitions"]:
        columns[p["Name"]] = "string"
    aliases = {a.alias for a in tree.find_all(exp.Alias)}
    for table in tree.find_all(exp.Table):
        if table.name != spec["table"] or table.db != spec["database"]:
            problems.append(f"reads table {table.db}.{table.name}, not {spec['database']}.{spec['table']}")
    for col in tree.find_all(exp.Column):
        if col.table:  # tenant.id: the column tenant, its field id
            root, field = col.table, col.name
        else:
            root, field = col.name, None
        if root not in columns:
            if field is None and root in aliases:
                continue
            problems.append(f"column {root} is not in the table")
            continue
        if field is not None:
            fields = hive_fields(columns[root])
            if fields is None or field not in fields:
                problems.append(f"{root} has no field {field}")
    return problems


def main():
    spec = json.load(sys.stdin)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # Athena evaluates current_timestamp and projected dates in UTC
    regex, names = key_regex(spec["location_template"], spec["date_format"])
    projected = [f"regexp_extract(filename, '{regex}', {i + 1}) AS \"{n}\"" for i, n in enumerate(names)]
    cols = ", ".join(f"'{c['Name']}': '{duck_type(c['Type'])}'" for c in spec["columns"])
    con.execute(f'CREATE SCHEMA "{spec["database"]}"')
    if spec.get("format") == "parquet":
        # Parquet objects carry their own schema (Firehose's converter wrote the table's columns).
        source = f"read_parquet('{spec['data_dir']}/**/*.parquet', filename = true)"
    else:
        source = (
            f"read_json('{spec['data_dir']}/**/*.gz', format = 'newline_delimited', compression = 'gzip', "
            f"columns = {{{cols}}}, filename = true)"
        )
    con.execute(
        f'CREATE VIEW "{spec["database"]}"."{spec["table"]}" AS SELECT * EXCLUDE (filename), {", ".join(projected)} '
        f"FROM {source}"
    )
    results = []
    for q in spec["queries"]:
        r = {"name": q["name"]}
        try:
            tree = sqlglot.parse_one(q["sql"], read="trino", error_level=ErrorLevel.RAISE)
        except ParseError as e:
            r["error"] = f"syntax: {e}"
            results.append(r)
            continue
        problems = column_problems(tree, spec)
        if problems:
            r["error"] = "; ".join(problems)
            results.append(r)
            continue
        try:
            sql = sqlglot.transpile(q["sql"], read="trino", write="duckdb", unsupported_level=ErrorLevel.RAISE)[0]
        except UnsupportedError as e:
            r["parse_only"] = True
            r["unsupported"] = str(e)
            results.append(r)
            continue
        r["duckdb_sql"] = sql
        cur = con.execute(sql)
        r["columns"] = [d[0] for d in cur.description]
        r["rows"] = [[v if isinstance(v, (str, int, type(None))) else float(v) for v in row] for row in cur.fetchall()]
        results.append(r)
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
