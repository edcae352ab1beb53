#!/usr/bin/env python3
"""Turns the SQL that ScimLite sent, captured with log_statement=all in PostgreSQL's csvlog, into pgbench scripts.

scripts/bench.sh sends one sample request per operation (sometimes two, e.g. a member add then its remove), each
preceded by a marker query `SELECT 'bench-capture:<op>:<i>'` from psql. Every statement logged by another session
(ScimLite's pool) between two markers belongs to that request, in order, with its bind parameters. The script for an
operation is those statements, parameters filled in:
  * a value that belongs to the sample (the sample user's id or userName, the spare user's id, the POSTed userName)
    becomes an expression of a pgbench random variable (--subst 'value=>expression'), also inside larger values
    such as an emails jsonb;
  * with --new-id OP, any other UUID in OP's statements is a server-generated id and becomes bench.uuid7();
  * every other value stays as the constant ScimLite bound (base URL, timestamps, the password hash, group ids).
So pgbench runs the very statements, transaction brackets included, that ScimLite runs for the operation.
"""
import argparse
import csv
import glob
import json
import os
import re
import sys

MARKER = re.compile(r"^statement: SELECT 'bench-capture:([\w-]+):(\d+)'")
STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}(:?\d{2})?|Z)?$")
VARIABLE = re.compile(r"(?<!:):([A-Za-z_]\w*)")
# csvlog columns (PostgreSQL 13+): message, detail and application_name.
MESSAGE, DETAIL, SEVERITY, APP = 13, 14, 11, 22


def read_log(log_dir):
    rows = []
    for path in sorted(glob.glob(os.path.join(log_dir, "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            rows.extend(csv.reader(f))
    return rows


def capture(rows):
    """{op: [[(sql, {n: value|None}), ...] per request]}, and errors ScimLite's statements raised."""
    ops, errors, current = {}, [], None
    for row in rows:
        message, app = row[MESSAGE], row[APP]
        if app == "psql":
            m = MARKER.match(message)
            if m:
                current = ops.setdefault(m.group(1), [])
                current.append([])
            elif message.startswith("statement: SELECT 'bench-capture-end'"):
                current = None
            continue
        if current is None:
            continue
        if row[SEVERITY] in ("ERROR", "FATAL", "PANIC"):
            errors.append(f"{message} ({row[DETAIL]})")
            continue
        m = STATEMENT.match(message)
        if not m:
            continue
        params = {int(n): None if v == "NULL" else v[1:-1].replace("''", "'") for n, v in PARAM.findall(row[DETAIL])}
        current[-1].append((m.group(1).strip().rstrip(";"), params))
    return ops, errors


def literal(text):
    """A SQL string literal that pgbench leaves alone: pgbench replaces ':name' even inside quotes, so ':' is escaped."""
    escaped = text.replace("\\", "\\\\").replace("'", "''").replace(":", "\\x3a")
    return f"E'{escaped}'" if ":" in text or "\\" in text else f"'{text.replace(chr(39), chr(39) * 2)}'"


def value_sql(value, substitutions, new_id):
    if value is None:
        return "NULL"
    for sample, expression in substitutions:
        if value == sample:
            return expression
    if new_id and UUID.match(value):
        return "bench.uuid7()"
    if value.startswith("{") and value.endswith("}") and all(UUID.match(x) for x in value[1:-1].split(",") if x):
        # A uuid[] (members = ANY(@ids)): element by element, so a sample id inside becomes its expression.
        items = [value_sql(x, substitutions, new_id) for x in value[1:-1].split(",") if x]
        return f"ARRAY[{', '.join(items)}]::uuid[]" if items else "'{}'::uuid[]"
    pieces = [value]
    for sample, expression in substitutions:
        # A sample value inside a larger one (the userName in emails): concatenate around the expression.
        pieces = [p for piece in pieces for p in (split_keep(piece, sample, expression) if isinstance(piece, str) else [piece])]
    if len(pieces) > 1:
        return "(" + " || ".join(literal(p) if isinstance(p, str) else p[0] for p in pieces if p != "") + ")"
    # Typed as Npgsql types them, where the context alone might not tell PostgreSQL.
    if UUID.match(value):
        return literal(value) + "::uuid"
    if TIMESTAMP.match(value):
        return literal(value) + "::timestamptz"
    return literal(value)


def split_keep(text, sample, expression):
    parts = text.split(sample)
    if len(parts) == 1:
        return [text]
    out = []
    for i, part in enumerate(parts):
        if i:
            out.append((expression,))
        out.append(part)
    return out


def sql_literals_safe(sql):
    """String literals in ScimLite's own SQL text that hold ':name' (e.g. a URN) get the same escaping."""
    return re.sub(r"(?<![A-Za-z0-9_])'((?:[^']|'')*)'", lambda m: literal(m.group(1).replace("''", "'")) if ":" in m.group(1) else m.group(0), sql)


def fill(sql, params, substitutions, new_id):
    sql = sql_literals_safe(sql)
    return re.sub(r"\$(\d+)\b", lambda m: value_sql(params.get(int(m.group(1))), substitutions, new_id), sql)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--subst", action="append", default=[], help="'value=>expression'")
    parser.add_argument("--set", action="append", default=[], help="'name=random(a, b)': a pgbench variable")
    parser.add_argument("--new-id", action="append", default=[], help="operation whose unknown UUIDs are new ids")
    parser.add_argument("--drop-discard", action="store_true",
                        help="leave out DISCARD ALL (pgbench -M prepared: it would drop pgbench's prepared statements)")
    args = parser.parse_args()

    substitutions = [tuple(s.split("=>", 1)) for s in args.subst]
    sets = dict(s.split("=", 1) for s in args.set)
    ops, errors = capture(read_log(args.log_dir))
    if errors:
        sys.exit("ScimLite's statements failed during the capture:\n  " + "\n  ".join(errors))
    os.makedirs(args.out_dir, exist_ok=True)
    manifest = {}
    for op, requests in ops.items():
        if any(not statements for statements in requests):
            sys.exit(f"No SQL captured for {op}: did the sample request fail, or log_statement not take effect?")
        body = []
        for statements in requests:
            body.extend(fill(sql, params, substitutions, op in args.new_id) + ";" for sql, params in statements
                        if not (args.drop_discard and sql.upper() == "DISCARD ALL"))
        used = sorted(set(v for line in body for v in VARIABLE.findall(line)) - {"client_id"})
        missing = [v for v in used if v not in sets]
        if missing:
            sys.exit(f"{op}: no --set for pgbench variable(s) {missing}")
        script = "".join(f"\\set {v} {sets[v]}\n" for v in used) + "\n".join(body) + "\n"
        with open(os.path.join(args.out_dir, f"{op}.sql"), "w", encoding="utf-8") as f:
            f.write(script)
        manifest[op] = {
            "requests_per_transaction": len(requests),
            "script": script,
            "captured": [[{"sql": sql, "parameters": params} for sql, params in statements] for statements in requests],
        }
    with open(os.path.join(args.out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    print(f"captured {sum(len(r) for r in ops.values())} requests, {len(ops)} operations", file=sys.stderr)


if __name__ == "__main__":
    main()
