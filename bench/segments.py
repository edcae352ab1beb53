"""Measurements taken in pieces: the interleaved pairs of bench/lib.sh's measure_pair (<op>.s<i>.{wrk,cpu0,cpu1}) and
the warm-up curve (curve.s<second>.*), summed into one result per op, and the targets #25 and the request log set."""
import glob
import os
import re
import statistics


def _segments(directory, op, wrk_result, cpu_delta):
    found = []
    for path in glob.glob(os.path.join(directory, f"{op}.s*.wrk")):
        index = int(re.search(r"\.s(\d+)\.wrk$", path).group(1))
        stem = path[: -len(".wrk")]
        found.append((index, wrk_result(path), cpu_delta(stem + ".cpu0", stem + ".cpu1")))
    return sorted(found, key=lambda s: s[0])


def combined(directory, op, wrk_result, cpu_delta):
    """The segments of one op as one wrk result and one CPU delta (latency percentiles: the median over segments)."""
    parts = [(w, cpu) for _, w, cpu in _segments(directory, op, wrk_result, cpu_delta) if w]
    if not parts:
        return None, None
    w = {key: sum(p[0][key] for p in parts) for key in ("requests", "duration_us", "status_errors", "socket_errors")}
    for key in ("p50_us", "p90_us", "p99_us", "mean_us"):
        w[key] = statistics.median(p[0][key] for p in parts)
    w["max_us"] = max(p[0]["max_us"] for p in parts)
    cpu = {kind: sum(p[1][kind] for p in parts if p[1]) for kind in ("server", "postgres")}
    return w, cpu


def _rate(segments, indexes):
    chosen = [w for i, w, _ in segments if i in indexes and w]
    seconds = sum(w["duration_us"] for w in chosen) / 1e6
    return sum(w["requests"] for w in chosen) / seconds if seconds else None


def pair_targets(directory, wrk_result, cpu_delta):
    """A/B throughput of each pair, overall and in each order: segments 1-2 and 5-6 ran A first, 3-4 and 7-8 B first."""
    path = os.path.join(directory, "pairs.tsv")
    for line in open(path, encoding="utf-8") if os.path.exists(path) else []:
        a, b, minimum = line.split()
        sa, sb = _segments(directory, a, wrk_result, cpu_delta), _segments(directory, b, wrk_result, cpu_delta)
        target = f"{a} >= {float(minimum):.0%} of {b} (req/s, interleaved; A first / B first)"
        ratios = [(_rate(sa, ia), _rate(sb, ib)) for ia, ib in (({1, 4, 5, 8}, {2, 3, 6, 7}), ({1, 5}, {2, 6}), ({4, 8}, {3, 7}))]
        if any(x is None or not y for x, y in ratios):
            yield {"target": target, "met": None, "actual": "not measured"}
            continue
        overall, a_first, b_first = (x / y for x, y in ratios)
        yield {"target": target, "met": min(a_first, b_first) >= float(minimum),
               "actual": f"{overall:.0%} ({ratios[0][0]:,.0f} vs {ratios[0][1]:,.0f}/s); {a_first:.0%} / {b_first:.0%}"}


def curve(directory, wrk_result, cpu_delta):
    """CPU µs per request (ScimLite + PostgreSQL) in each one-second window after start: [(second, requests, µs)]."""
    points = []
    for index, w, cpu in _segments(directory, "curve", wrk_result, cpu_delta):
        if w and w["requests"] and cpu:
            points.append((index, w["requests"], (cpu["server"] + cpu["postgres"]) * 1e6 / w["requests"]))
    return points


def cost_targets(by_op, points):
    """Issue #25's CPU targets: relative to GET by id in the same run, so the machine's speed cancels out."""
    def total(op):
        r = by_op.get(op) or {}
        app, pg = r.get("cpu_us_scimlite"), r.get("cpu_us_postgres")
        return None if app is None or pg is None else app + pg
    get = total("get_user")
    for op, name, factor in (("patch_user", "PATCH deactivate", 2.5), ("lookup", "lookup by userName", 1.2)):
        cost = total(op)
        yield {"target": f"{name}: CPU per request <= {factor}x GET by id's", "met": None if cost is None or not get else cost <= factor * get,
               "actual": "not measured" if cost is None or not get else f"{cost / get:.2f}x ({cost:,.0f} vs {get:,.0f} µs)"}
    early = [us for second, _, us in points if 2 <= second <= 5]
    warm = statistics.mean(early) if early else None
    yield {"target": "GET by id in seconds 2-5 after start: CPU per request <= 1.5x steady state",
           "met": None if warm is None or not get else warm <= 1.5 * get,
           "actual": "not measured" if warm is None or not get else f"{warm / get:.2f}x ({warm:,.0f} vs {get:,.0f} µs)"}
    page = by_op.get("list_first") or {}
    for kind, name, limit in (("cpu_us_postgres", "PostgreSQL", 2500), ("cpu_us_scimlite", "ScimLite", 2000)):
        value = page.get(kind)
        yield {"target": f"list page of 100: {name} CPU <= {limit / 1000:g} ms", "met": None if value is None else value <= limit,
               "actual": f"{value / 1000:.2f} ms" if value is not None else "not measured"}
