#!/usr/bin/env python3
"""Turns the SQL that ScimLite sent for one operation, captured with log_statement=all in PostgreSQL's csvlog, into a
pgbench script.

scripts/bench.sh sends one sample request per operation (two for a member add then its remove), each preceded by a
marker query `SELECT 'bench-capture:<op>:<i>'` from psql. Every statement logged by another session (ScimLite's pool)
between the marker and the next marker belongs to that request, in order, with its bind parameters. The script is
those statements, transaction brackets included, with the parameters filled in:
  * a value that belongs to the sample (the sample user's id or userName, the member's id, the POSTed userName)
    becomes an expression of a pgbench random variable (--subst 'value=>expression'), also inside larger values
    such as an emails jsonb;
  * with --new-id OP, any other UUID in OP's statements is a server-generated id and becomes bench.uuid7();
  * every other value stays the constant ScimLite bound (base URL, timestamps, the password hash, group ids).
Writes <op>.sql, <op>.mode (the pgbench -M to use) and <op>.json (script and the raw capture) to --out-dir.
"""
import argparse
import csv
import glob
import json
import os
import re
import sys

MARKER = re.compile(r"^statement: SELECT 'bench-capture:([\w-]+):(\d+)'")
STATEMENT = re.compile(r"^(?:statement|execute ([^:]*)): (.*)$", re.S)
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
    """{op: [[(sql, {n: value|None}, prepared), ...] per request]}, and {op: [errors its statements raised]}."""
    ops, errors, current, current_op = {}, {}, None, None
    for row in rows:
        message, app = row[MESSAGE], row[APP]
        if app == "psql":
            m = MARKER.match(message)
            if m:
                current_op = m.group(1)
                current = ops.setdefault(current_op, [])
                current.append([])
            elif message.startswith("statement: SELECT 'bench-capture-end'"):
                current = None
            continue
        if current is None:
            continue
        if row[SEVERITY] in ("ERROR", "FATAL", "PANIC"):
            errors.setdefault(current_op, []).append(message)
            continue
        m = STATEMENT.match(message)
        if not m:
            continue
        params = {int(n): None if v == "NULL" else v[1:-1].replace("''", "'") for n, v in PARAM.findall(row[DETAIL])}
        # "execute <unnamed>" is the extended protocol unprepared; "execute _p3" a statement Npgsql prepared.
        prepared = m.group(1) is not None and m.group(1) != "<unnamed>"
        current[-1].append((m.group(2).strip().rstrip(";"), params, prepared))
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
    parser.add_argument("--op", required=True, help="the operation to write a script for")
    parser.add_argument("--mode", default="auto", choices=["auto", "extended", "prepared"],
                        help="pgbench -M; auto: prepared when ScimLite sent any of the statements prepared")
    args = parser.parse_args()

    substitutions = [tuple(s.split("=>", 1)) for s in args.subst]
    sets = dict(s.split("=", 1) for s in args.set)
    ops, errors = capture(read_log(args.log_dir))
    os.makedirs(args.out_dir, exist_ok=True)
    op, requests = args.op, ops.get(args.op, [])
    base = os.path.join(args.out_dir, op)
    # No ceiling for an operation whose sample failed (e.g. a statement timeout): the table shows it as an error.
    if op in errors or not requests or any(not statements for statements in requests):
        problem = "; ".join(errors.get(op, [])) or "no SQL captured (did log_statement = 'all' take effect?)"
        print(f"no ceiling for {op}: {problem}", file=sys.stderr)
        write(base + ".json", json.dumps({"error": problem}))
        return
    mode = args.mode
    if mode == "auto":
        mode = "prepared" if any(p for statements in requests for _, _, p in statements) else "extended"
    body = []
    for statements in requests:
        for sql, params, _ in statements:
            # DISCARD ALL (Npgsql's reset of a pooled connection without prepared statements) would drop pgbench's.
            if mode == "prepared" and sql.upper() == "DISCARD ALL":
                continue
            commands = split_commands(sql)
            if len(commands) == 1:
                body.append(fill(sql, params, substitutions, op in args.new_id) + ";")
            else:
                # Several commands in one message (Npgsql's reset of a pooled connection that has prepared statements,
                # "SET SESSION AUTHORIZATION DEFAULT;RESET ALL;..."), sent in one round trip: pipelined here too.
                body.extend(["\\startpipeline", *(c + ";" for c in commands), "\\endpipeline"])
    used = sorted(set(v for line in body for v in VARIABLE.findall(line)) - {"client_id"})
    missing = [v for v in used if v not in sets]
    if missing:
        sys.exit(f"{op}: no --set for pgbench variable(s) {missing}")
    script = "".join(f"\\set {v} {sets[v]}\n" for v in used) + "\n".join(body) + "\n"
    write(base + ".sql", script)
    write(base + ".mode", mode)
    write(base + ".json", json.dumps({
        "requests_per_transaction": len(requests),
        "mode": mode,
        "script": script,
        "captured": [[{"sql": sql, "parameters": params, "prepared_by_npgsql": p} for sql, params, p in statements]
                     for statements in requests],
    }, indent=1))


def split_commands(sql):
    """The commands of a simple-protocol message, split at semicolons outside quotes."""
    commands, current, quoted = [], "", False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == ";" and not quoted:
            commands.append(current.strip())
            current = ""
        else:
            current += ch
    commands.append(current.strip())
    return [c for c in commands if c]


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
