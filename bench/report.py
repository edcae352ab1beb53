#!/usr/bin/env python3
"""Prints scripts/bench.sh's table and target checks, and writes the same as JSON (results/bench-<timestamp>.json).

Input, in --dir: ops.tsv (op, label, ceiling op or "-", ceiling requests per pgbench transaction), <op>.wrk (wrk's
output with the BENCH_RESULT line of bench/lua/scim.lua), <op>.rss (VmHWM after it), <ceiling>.pgbench and
<ceiling>.lat.* (pgbench's output and per-transaction log), capture/<ceiling>.json (bench/sqlcapture.py), single.tsv
and capture_failed.tsv (the sample requests); run facts come as --meta key=value.
"""
import argparse
import glob
import json
import os
import re
import sys

import segments


def wrk_result(path):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    m = re.search(r"^BENCH_RESULT (\{.*\})$", text, re.M)
    return json.loads(m.group(1)) if m else None


def percentile(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(q / 100 * len(sorted_values)))] if sorted_values else None


def pgbench_latencies(prefix):
    """p50/p99 in ms from pgbench --log files (one per thread): 'client transaction time_us script epoch epoch_us'."""
    values = []
    for path in glob.glob(prefix + ".*"):
        for line in open(path, encoding="utf-8"):
            fields = line.split()
            if len(fields) >= 3 and fields[2].isdigit():
                values.append(int(fields[2]))
    values.sort()
    return (percentile(values, 50) / 1000, percentile(values, 99) / 1000) if values else (None, None)


def pgbench_result(path):
    if not os.path.exists(path):
        return None
    text = open(path, encoding="utf-8").read()
    p50, p99 = pgbench_latencies(path[: -len(".pgbench")] + ".lat")
    tps = re.search(r"^tps = ([\d.]+) \(without initial connection time\)", text, re.M)
    latency = re.search(r"^latency average = ([\d.]+) ms", text, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    aborted = len(re.findall(r"aborted", text)) + len(re.findall(r"^pgbench: error", text, re.M))
    return {
        "tps": float(tps.group(1)) if tps else None,
        "latency_avg_ms": float(latency.group(1)) if latency else None,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": (int(failed.group(1)) if failed else 0) + aborted,
        "output_tail": text.strip().splitlines()[-3:] if not tps or aborted else None,
    }


def rss_after(path):
    return int(open(path).read().split()[0]) / 1024 if os.path.exists(path) and open(path).read().strip() else None


def cpu_delta(before_path, after_path):
    """CPU seconds per kind (server, postgres) between two snapshots of bench/lib.sh's cpu_ticks, per process: one that
    exited in between is left out (its ticks went with it), one that started counts from zero."""
    if not (os.path.exists(before_path) and os.path.exists(after_path)):
        return None
    def read(path):
        return {pid: (kind, int(ticks), int(hz)) for pid, kind, ticks, hz in
                (line.split() for line in open(path, encoding="utf-8") if line.strip())}
    before, after = read(before_path), read(after_path)
    seconds = {"server": 0.0, "postgres": 0.0}
    for pid, (kind, ticks, hz) in after.items():
        seconds[kind] += (ticks - before.get(pid, (kind, 0, hz))[1]) / hz
    return seconds


def fmt(value, spec="{:,.0f}"):
    return "-" if value is None else spec.format(value)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--meta", action="append", default=[])
    args = parser.parse_args()
    meta = {}
    for item in args.meta:
        key, value = item.split("=", 1)
        try:
            meta[key] = json.loads(value)
        except ValueError:
            meta[key] = value
    manifest = {os.path.basename(path)[: -len(".json")]: json.load(open(path, encoding="utf-8"))
                for path in glob.glob(os.path.join(args.dir, "capture", "*.json"))}

    single = {}
    single_path = os.path.join(args.dir, "single.tsv")
    for line in open(single_path, encoding="utf-8") if os.path.exists(single_path) else []:
        op, seconds = line.split()
        single.setdefault(op, []).append(float(seconds) * 1000)

    capture_failed = {}
    failed_path = os.path.join(args.dir, "capture_failed.tsv")
    for line in open(failed_path, encoding="utf-8") if os.path.exists(failed_path) else []:
        op, problem = line.rstrip("\n").split("\t", 1)
        capture_failed[op] = problem

    rows = []
    for line in open(os.path.join(args.dir, "ops.tsv"), encoding="utf-8"):
        op, label, ceiling, per_tx = line.rstrip("\n").split("\t")
        cpu = None
        if os.path.exists(os.path.join(args.dir, f"{op}.wrk")):
            w = wrk_result(os.path.join(args.dir, f"{op}.wrk"))
            cpu = cpu_delta(os.path.join(args.dir, f"{op}.cpu0"), os.path.join(args.dir, f"{op}.cpu1"))
        else:
            w, cpu = segments.combined(args.dir, op, wrk_result, cpu_delta)
            if w is None:
                continue  # not measured (--only)
        p = pgbench_result(os.path.join(args.dir, f"{ceiling}.pgbench")) if ceiling != "-" else None
        seconds = w["duration_us"] / 1e6 if w else None
        rps = w["requests"] / seconds if w and seconds else None
        alone = single.get(ceiling)
        ceiling_rps = p["tps"] * int(per_tx) if p and p["tps"] is not None else None
        def per_request(kind):
            return cpu[kind] * 1e6 / w["requests"] if cpu and w and w["requests"] else None
        rows.append({
            "op": op, "operation": label,
            "cpu_us_scimlite": per_request("server"),
            "cpu_us_postgres": per_request("postgres"),
            "requests": w["requests"] if w else None,
            "req_per_s": rps,
            "p50_ms": w["p50_us"] / 1000 if w else None,
            "p90_ms": w["p90_us"] / 1000 if w else None,
            "p99_ms": w["p99_us"] / 1000 if w else None,
            "max_ms": w["max_us"] / 1000 if w else None,
            "errors": w["status_errors"] + w["socket_errors"] if w else None,
            "ceiling_per_s": ceiling_rps,
            "ceiling_latency_avg_ms": p["latency_avg_ms"] if p else None,
            # per pgbench transaction: for add/remove that is both requests
            "ceiling_p50_ms": p["p50_ms"] if p else None,
            "ceiling_p99_ms": p["p99_ms"] if p else None,
            "peak_rss_mb_after": rss_after(os.path.join(args.dir, f"{op}.rss")),
            "ceiling_errors": p["errors"] if p else None,
            "ratio": rps / ceiling_rps if rps is not None and ceiling_rps else None,
            "single_request_ms": sum(alone) / len(alone) if alone else None,
            "ceiling_op": None if ceiling == "-" else ceiling,
            "ceiling_sql": (manifest.get(ceiling) or {}).get("script"),
            "ceiling_output": p["output_tail"] if p else None,
            "sample_failed": capture_failed.get(ceiling) or (manifest.get(ceiling) or {}).get("error"),
            "ceiling_mode": (manifest.get(ceiling) or {}).get("mode"),
        })

    by_op = {r["op"]: r for r in rows}
    # The two floors an operation stands on: HTTP (healthz) and its SQL (the ceiling); together they allow
    # 1 / (1/healthz + 1/ceiling) requests a second on this machine.
    healthz = (by_op.get("healthz") or {}).get("req_per_s")
    for r in rows:
        limit = 1 / (1 / healthz + 1 / r["ceiling_per_s"]) if healthz and r["ceiling_per_s"] else None
        r["composed_limit_per_s"] = limit
        r["composed_ratio"] = r["req_per_s"] / limit if limit and r["req_per_s"] is not None else None
    import_path = os.path.join(args.dir, "import.json")
    if os.path.exists(import_path):
        meta["import"] = json.load(open(import_path, encoding="utf-8"))
    points = segments.curve(args.dir, wrk_result, cpu_delta)
    meta["warm_up_curve"] = [{"second": second, "requests": n, "cpu_us": us} for second, n, us in points]
    targets = list(check_targets(by_op, meta))
    targets += segments.pair_targets(args.dir, wrk_result, cpu_delta)
    targets += segments.cost_targets(by_op, points)

    print()
    print(f"ScimLite benchmark: {meta.get('users'):,} users, {meta.get('connections')} connections / {meta.get('threads')} threads, "
          f"{meta.get('duration')} s per operation, PostgreSQL {meta.get('postgres')}, pgbench -M {meta.get('pgbench_mode')}"
          + (f", Npgsql: {meta['npgsql_options']}" if meta.get("npgsql_options") else "")
          + (f", env: {' '.join(meta['server_env'])}" if meta.get("server_env") else "")
          + (f", ScimLite {meta['commit']}" if meta.get("commit") else ""))
    header = (f"{'operation':<46} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
              f"{'ceiling/s':>9} {'ceil p99':>8} {'ratio':>6} {'composed':>8} {'µs app':>6} {'µs pg':>6} M")
    print(header)
    print("-" * len(header))
    for r in rows:
        errors = fmt(r["errors"])
        if r["ceiling_errors"]:
            errors += f" (pgbench {r['ceiling_errors']})"
        print(f"{r['operation']:<46} {fmt(r['requests']):>9} {fmt(r['req_per_s']):>8} {fmt(r['p50_ms'], '{:.2f}'):>7} "
              f"{fmt(r['p99_ms'], '{:.2f}'):>7} {errors:>6} {fmt(r['ceiling_per_s']):>9} {fmt(r['ceiling_p99_ms'], '{:.2f}'):>8} "
              f"{fmt(r['ratio'], '{:.0%}'):>6} {fmt(r['composed_ratio'], '{:.0%}'):>8} {fmt(r['cpu_us_scimlite']):>6} "
              f"{fmt(r['cpu_us_postgres']):>6} {'' if not r['ceiling_mode'] else r['ceiling_mode'][0]}")
    print()
    print("ceiling: pgbench -M p(repared) or e(xtended), as ScimLite's Npgsql sent it; ceiling p99 is per pgbench "
          "transaction (add/remove: both requests); errors: HTTP status >= 400 + socket errors")
    print("composed: req/s over 1/(1/healthz + 1/ceiling); µs app / µs pg: CPU microseconds per request of the ScimLite "
          "process / of all PostgreSQL processes, from /proc over the measured interval")
    for walk in (meta.get("import") or {}).get("walks", []):
        print(f"import of every user by {walk['mode']} pages of {walk['count']}: {walk['pages']:,} pages, {walk['users']:,} users "
              f"in {walk['seconds']:.1f} s ({walk['pages'] / walk['seconds']:.0f} pages/s)"
              + ("" if walk["complete"] else f", stopped after {walk['seconds']:.0f} s"))
    # In run order (post_user_nopw runs last, in a second process whose peak starts again from zero).
    ran = sorted((r for r in rows if r["peak_rss_mb_after"]), key=lambda r: os.path.getmtime(os.path.join(args.dir, f"{r['op']}.rss")))
    grew = [(b["peak_rss_mb_after"] - a["peak_rss_mb_after"], b["operation"]) for a, b in zip(ran, ran[1:])
            if b["peak_rss_mb_after"] >= a["peak_rss_mb_after"]]
    if grew and max(grew)[0] > 0:
        print(f"peak RSS grew most during: {max(grew)[1]} (+{max(grew)[0]:.0f} MB)")
    print(f"peak RSS (VmHWM after the run): {fmt(meta.get('rss_mb'), '{:.0f}')} MB (RSS when ready, before load: "
          f"{fmt(meta.get('idle_rss_mb'), '{:.0f}')} MB); "
          f"start-up to /readyz 200 (migrated database): {fmt(meta.get('startup_s'), '{:.2f}')} s")
    if points:
        print("warm-up curve, CPU µs per GET /Users/{id} in each second after ready: "
              + ", ".join(f"{us:,.0f}" for _, _, us in points))
    print()
    print("targets:")
    for t in targets:
        print(f"  [{'met ' if t['met'] else 'MISS' if t['met'] is False else ' -- '}] {t['target']}: {t['actual']}")
    total_errors = (sum((r["errors"] or 0) + (r["ceiling_errors"] or 0) for r in rows)
                    + sum(1 for r in rows if r["requests"] is None or r["sample_failed"]))
    result = {"meta": meta, "operations": rows, "targets": targets, "errors": total_errors}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    print(f"\nwritten: {args.out}")
    for r in rows:
        if r["sample_failed"]:
            print(f"error: the sample {r['operation']} request failed, so it has no ceiling: {r['sample_failed']}")
        if r["requests"] == 0:
            print(f"note: no {r['operation']} request completed within {meta.get('duration')} s at {meta.get('connections')} "
                  f"connections; one alone, unloaded, took {fmt(r['single_request_ms'], '{:,.0f}')} ms")
    for r in rows:
        if r["ceiling_output"]:
            print(f"pgbench for {r['op']}: " + " | ".join(r["ceiling_output"]), file=sys.stderr)
    sys.exit(1 if total_errors else 0)


def check_targets(by_op, meta):
    def ratio_target(op, name):
        r = by_op.get(op)
        if not r or r["ratio"] is None:
            return {"target": f"{name} >= 50% of its pgbench ceiling", "met": None, "actual": "not measured"}
        return {"target": f"{name} >= 50% of its pgbench ceiling", "met": r["ratio"] >= 0.5,
                "actual": f"{r['ratio']:.0%} ({r['req_per_s']:,.0f} of {r['ceiling_per_s']:,.0f}/s)"}

    def p99_target(op, name):
        r = by_op.get(op)
        if not r or r["p99_ms"] is None:
            return {"target": f"{name} p99 < 10 ms", "met": None, "actual": "not measured"}
        return {"target": f"{name} p99 < 10 ms", "met": r["p99_ms"] < 10,
                "actual": f"{r['p99_ms']:.2f} ms (its pgbench ceiling's p99: {fmt(r['ceiling_p99_ms'], '{:.2f}')} ms)"}

    def relative(a, b, factor, name):
        # b (the big case) must keep at least 1/factor of a's (the small case's) throughput.
        ra, rb = by_op.get(a), by_op.get(b)
        target = f"{name} within {factor}x"
        if not ra or not rb or not ra["req_per_s"] or rb["req_per_s"] is None:
            return {"target": target, "met": None, "actual": "not measured"}
        if rb["req_per_s"] == 0:
            return {"target": target, "met": False, "actual": f"no request completed in {meta.get('duration')} s "
                    f"(one alone, unloaded, took {fmt(rb['single_request_ms'], '{:,.0f}')} ms; vs {ra['req_per_s']:,.0f} req/s)"}
        slower = ra["req_per_s"] / rb["req_per_s"]
        return {"target": target, "met": slower <= factor,
                "actual": f"{slower:.2f}x slower ({rb['req_per_s']:,.0f} vs {ra['req_per_s']:,.0f} req/s; "
                          f"p50 {rb['p50_ms']:.2f} vs {ra['p50_ms']:.2f} ms)"}

    for op, name in (("lookup", "lookup by userName"), ("get_user", "GET /Users/{id}"), ("patch_user", "PATCH deactivate")):
        yield ratio_target(op, name)
        yield p99_target(op, name)
    yield ratio_target("post_user", "POST /Users")
    large = meta.get("large")
    yield relative("members_small", "members_large", 1.5, f"one-member add/remove on the {large}-member group vs the 10-member group")
    yield relative("get_group_small", "get_group_large", 1.5, f"GET /Groups/{{id}}?excludedAttributes=members, {large} vs 10 members")
    yield relative("list_first", "list_deep", 5, f"list page at startIndex {meta.get('deep_index')} vs startIndex 1")
    rss, startup = meta.get("rss_mb"), meta.get("startup_s")
    yield {"target": "peak RSS <= 120 MB", "met": None if rss is None else rss <= 120, "actual": f"{fmt(rss, '{:.0f}')} MB"}
    idle = meta.get("idle_rss_mb")
    yield {"target": "RSS when ready, idle <= 80 MB", "met": None if idle is None else idle <= 80, "actual": f"{fmt(idle, '{:.0f}')} MB"}
    for op, name in (("get_user", "GET /Users/{id}"), ("lookup", "lookup by userName"), ("patch_user", "PATCH deactivate")):
        r = by_op.get(op) or {}
        app, pg = r.get("cpu_us_scimlite"), r.get("cpu_us_postgres")
        yield {"target": f"{name}: ScimLite CPU per request <= PostgreSQL's", "met": None if app is None or pg is None else app <= pg,
               "actual": f"{fmt(app)} vs {fmt(pg)} µs"}
        c = r.get("composed_ratio")
        yield {"target": f"{name} >= 70% of the composed limit", "met": None if c is None else c >= 0.7,
               "actual": f"{fmt(c, '{:.0%}')} ({fmt(r.get('req_per_s'))} of {fmt(r.get('composed_limit_per_s'))}/s)"}
    for op in ("list_first", "list_deep", "list_cursor"):
        r = by_op.get(op) or {}
        if r.get("ratio") is not None:
            yield {"target": f"{r['operation']} >= 50% of its pgbench ceiling", "met": r["ratio"] >= 0.5,
                   "actual": f"{r['ratio']:.0%} ({r['req_per_s']:,.0f} of {r['ceiling_per_s']:,.0f}/s)"}
    yield {"target": "start-up <= 1.5 s", "met": None if startup is None else startup <= 1.5, "actual": f"{fmt(startup, '{:.2f}')} s"}


if __name__ == "__main__":
    main()
