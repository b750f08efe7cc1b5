"""Writes a Parquet file with DuckDB (not the project's Go library) from NDJSON events, with the query table's
column types: an independent writer for the cross-check in test/e2e. Reads a JSON spec on stdin:
{"input": NDJSON path, "output": Parquet path, "columns": [{"Name", "Type"} as in the Glue table]}."""

import json
import sys

import duckdb

from check_queries import duck_type


def main():
    spec = json.load(sys.stdin)
    cols = ", ".join(f"'{c['Name']}': '{duck_type(c['Type'])}'" for c in spec["columns"])
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_json('{spec['input']}', format = 'newline_delimited', columns = {{{cols}}})) "
        f"TO '{spec['output']}' (FORMAT parquet, COMPRESSION snappy)"
    )
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{spec['output']}')").fetchone()[0]
    json.dump({"rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
