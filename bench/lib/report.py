#!/usr/bin/env python3
"""Turns bench/run.sh's raw measurements into medians, ratios, a JSON record and a markdown table.

    report.py RAW_TSV TARGETS_TSV MACHINE_JSON OUT_JSON

RAW_TSV rows (tab-separated): round, target, phase (load|latency), cpu_seconds, broker_cpu_seconds, loadavg,
and the wrk result line ("WRK_RESULT requests=... p99_us=...") or "FAILED <reason>".
TARGETS_TSV rows: target, status ("ok" or "failed: <reason>"), uses_broker (0|1), description.
The markdown table goes to stdout.
"""
import json
import statistics
import sys

# A measurement with more failed requests than this is a failed measurement, not a slow one.
MAX_ERROR_FRACTION = 0.01


def parse_wrk(text):
    if not text.startswith("WRK_RESULT "):
        return None
    return {k: int(v) for k, v in (kv.split("=", 1) for kv in text.split()[1:])}


def load_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            rnd, target, phase, cpu, broker, loadavg, result = parts[:7]
            rows.append({
                "round": int(rnd), "target": target, "phase": phase, "cpu_seconds": float(cpu),
                "broker_cpu_seconds": float(broker), "loadavg": loadavg, "result": result,
                "wrk": parse_wrk(result),
            })
    return rows


def measurement_error(row):
    w = row["wrk"]
    if w is None:
        return row["result"]
    if w["requests"] == 0:
        return "no request completed"
    errors = w["non2xx"] + w["socket_errors"]
    if errors > MAX_ERROR_FRACTION * w["requests"]:
        return f"{errors} of {w['requests']} requests failed (non-2xx or socket errors)"
    return None


def summarize(rows, uses_broker):
    load = [r for r in rows if r["phase"] == "load" and measurement_error(r) is None]
    lat = [r for r in rows if r["phase"] == "latency" and measurement_error(r) is None]
    errors = [f"round {r['round']} {r['phase']}: {measurement_error(r)}" for r in rows if measurement_error(r)]
    # One line a reader can act on; the JSON keeps every round.
    failures = [f"{len(errors)} of {len(rows)} measurements failed, first {errors[0]}"] if errors else []
    if not load or not lat:
        return {"status": "failed", "failures": failures or ["no measurement"], "measurement_errors": errors}

    def per_round_rps(r):
        return r["wrk"]["requests"] / (r["wrk"]["duration_us"] / 1e6)

    def cpu_us(r, key):
        return r[key] / r["wrk"]["requests"] * 1e6

    summary = {
        "status": "ok",
        "rounds_measured": len(load),
        "rps_64": statistics.median(per_round_rps(r) for r in load),
        "p50_ms_1": statistics.median(r["wrk"]["p50_us"] / 1000 for r in lat),
        "p99_ms_1": statistics.median(r["wrk"]["p99_us"] / 1000 for r in lat),
        "cpu_us_per_request": statistics.median(cpu_us(r, "cpu_seconds") for r in load),
        "failures": failures,
        "measurement_errors": errors,
    }
    if uses_broker:
        summary["broker_cpu_us_per_request"] = statistics.median(cpu_us(r, "broker_cpu_seconds") for r in load)
    summary["total_cpu_us_per_request"] = summary["cpu_us_per_request"] + summary.get("broker_cpu_us_per_request", 0.0)
    summary["per_round"] = {
        "rps_64": [round(per_round_rps(r), 1) for r in load],
        "p50_ms_1": [r["wrk"]["p50_us"] / 1000 for r in lat],
        "p99_ms_1": [r["wrk"]["p99_us"] / 1000 for r in lat],
        "cpu_us_per_request": [round(cpu_us(r, "cpu_seconds"), 1) for r in load],
    }
    return summary


METRICS = [
    # key, heading, format
    ("rps_64", "req/s @64 conns", "{:,.0f}"),
    ("p50_ms_1", "p50 @1 conn (ms)", "{:.2f}"),
    ("p99_ms_1", "p99 @1 conn (ms)", "{:.2f}"),
    ("total_cpu_us_per_request", "CPU per request (µs)", "{:,.0f}"),
]


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    raw_path, targets_path, machine_path, out_path = argv[1:]
    rows = load_rows(raw_path)
    with open(machine_path, encoding="utf-8") as f:
        machine = json.load(f)

    targets = []
    with open(targets_path, encoding="utf-8") as f:
        for line in f:
            name, status, uses_broker, description = line.rstrip("\n").split("\t", 3)
            targets.append((name, status, uses_broker == "1", description))

    results = {}
    for name, status, uses_broker, description in targets:
        if status != "ok":
            results[name] = {"status": "failed", "failures": [status], "description": description}
            continue
        s = summarize([r for r in rows if r["target"] == name], uses_broker)
        s["description"] = description
        results[name] = s

    for key, _, _ in METRICS:
        for ref_name in ("portkey", "nginx"):
            ref = results.get(ref_name)
            for name, s in results.items():
                if name == ref_name or s["status"] != "ok" or ref is None or ref["status"] != "ok" or not ref[key]:
                    continue
                s.setdefault("ratios", {}).setdefault(ref_name, {})[key] = round(s[key] / ref[key], 3)

    # Issue 5's "policies on vs off": the same mesh with and without rate limits and a budget. Rounds are interleaved,
    # so the paired per-round ratio (the median of round r's policies req/s over round r's embedded req/s) cancels
    # most of the machine's drift; the ratio of medians is kept beside it.
    on, off = results.get("aimesh-policies"), results.get("aimesh-embedded")
    if on and off and on["status"] == "ok" and off["status"] == "ok":
        pairs = [a / b for a, b in zip(on["per_round"]["rps_64"], off["per_round"]["rps_64"]) if b]
        on["policies_vs_embedded"] = {
            "rps_ratio_of_medians": round(on["rps_64"] / off["rps_64"], 3),
            "rps_ratio_paired_median": round(statistics.median(pairs), 3) if pairs else None,
            "cpu_ratio_of_medians": round(on["total_cpu_us_per_request"] / off["total_cpu_us_per_request"], 3),
        }

    record = {"machine": machine, "targets": results, "raw": rows}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2, ensure_ascii=False)
        f.write("\n")

    print("| target | " + " | ".join(h for _, h, _ in METRICS) + " |")
    print("|---|" + "---:|" * len(METRICS))
    for name, _, _, _ in targets:
        s = results[name]
        if s["status"] != "ok":
            reason = "; ".join(f.removeprefix("failed: ") for f in s["failures"]) or "no measurement"
            print(f"| {name} | failed: {reason} |" + " |" * (len(METRICS) - 1))
            continue
        cells = []
        for key, _, fmt in METRICS:
            cell = fmt.format(s[key])
            if key == "total_cpu_us_per_request" and "broker_cpu_us_per_request" in s:
                cell += f" (broker {s['broker_cpu_us_per_request']:,.0f})"
            r = s.get("ratios", {})
            parts = [f"{r[ref][key]:.2f}× {ref}" for ref in ("portkey", "nginx") if key in r.get(ref, {})]
            if parts:
                cell += " — " + ", ".join(parts)
            cells.append(cell)
        if s["failures"]:
            cells[-1] += f" ({s['failures'][0]}; medians over the rest)"
        print(f"| {name} | " + " | ".join(cells) + " |")
    if on and "policies_vs_embedded" in on:
        v = on["policies_vs_embedded"]
        print()
        print(f"Policies on vs off (aimesh-policies / aimesh-embedded): req/s {v['rps_ratio_of_medians']:.3f} (ratio of medians), "
              f"{v['rps_ratio_paired_median']:.3f} (median of per-round ratios); CPU per request {v['cpu_ratio_of_medians']:.3f}.")
    print()
    print(f"Medians of {machine.get('rounds', '?')} interleaved rounds; ratios are this target's value over the "
          "named peer's (for req/s higher is better; for latency and CPU lower is better).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
