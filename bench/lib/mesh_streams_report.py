#!/usr/bin/env python3
"""Report of bench/mesh-streams.sh: medians over rounds per target and upstream, as JSON and a markdown table.

    mesh_streams_report.py RAW STAMP ROUNDS TOKENS PACE_MS CONNECTIONS COMMIT OUT_JSON

RAW rows: round, target, upstream, phase, target CPU s, broker CPU s, the client's JSON.
"Added p99" is the target's p99 per-chunk latency minus the direct client's for the same upstream in the same run.
"""
import json
import os
import platform
import statistics
import sys

raw, stamp, rounds, tokens, pace, connections, commit, out = sys.argv[1:9]
rows = {}
for line in open(raw):
    round_, target, upstream, phase, cpu, broker, result = line.rstrip("\n").split("\t", 6)
    try:
        data = json.loads(result)
    except json.JSONDecodeError:
        data = {"failed": True}
    rows.setdefault((target, upstream), {}).setdefault(phase, []).append((float(cpu), float(broker), data))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


translation = {upstream: median([d.get("cpu_us_per_chunk") for _, _, d in phases.get("translate", []) if not d.get("failed")])
               for (target, upstream), phases in rows.items() if target == "translate"}
summary = []
for (target, upstream), phases in rows.items():
    if target == "translate":
        continue
    paced = [d for _, _, d in phases.get("paced", []) if not d.get("failed")]
    burst = phases.get("burst", [])
    cpu_per_chunk = [
        (cpu + broker) / d["chunks"] * 1e6 if d.get("chunks") else None for cpu, broker, d in burst if not d.get("failed")
    ]
    broker_per_chunk = [broker / d["chunks"] * 1e6 if d.get("chunks") else None for _, broker, d in burst if not d.get("failed")]
    summary.append({
        "target": target,
        "upstream": upstream,
        "p50_ms": median([d.get("p50_ms") for d in paced]),
        "p99_ms": median([d.get("p99_ms") for d in paced]),
        "max_ms": median([d.get("max_ms") for d in paced]),
        "ttft_ms": median([d.get("ttft_p50_ms") for d in paced]),
        "chunks_per_second": median([d.get("chunks_per_second") for _, _, d in burst if not d.get("failed")]),
        "cpu_us_per_chunk": median(cpu_per_chunk) if target != "direct" else None,
        "broker_us_per_chunk": median(broker_per_chunk) if target.startswith("distributed") else None,
        "errors": sum(d.get("errors", 0) for d in paced) + sum(d.get("errors", 0) for _, _, d in burst if not d.get("failed")),
        "failed_phases": sum(1 for _, _, d in phases.get("paced", []) + burst if d.get("failed")),
    })

direct = {s["upstream"]: s for s in summary if s["target"] == "direct"}
openai = {s["target"]: s for s in summary if s["upstream"] == "openai"}
for s in summary:
    base = direct.get(s["upstream"])
    s["added_p99_ms"] = s["p99_ms"] - base["p99_ms"] if base and s["p99_ms"] is not None and base["p99_ms"] is not None and s["target"] != "direct" else None

# Translation's cost: the Anthropic upstream against the OpenAI pass-through, same target, same run.
for s in summary:
    base = openai.get(s["target"])
    if s["upstream"] == "anthropic" and base and s["target"] != "direct":
        def diff(key):
            return s[key] - base[key] if s.get(key) is not None and base.get(key) is not None else None
        s["vs_openai_added_ttft_ms"] = diff("ttft_ms")
        s["vs_openai_added_p99_ms"] = diff("p99_ms")
        s["vs_openai_added_cpu_us_per_chunk"] = diff("cpu_us_per_chunk")
    if s["target"] != "direct" and translation.get(s["upstream"]) is not None and s.get("cpu_us_per_chunk"):
        s["translation_us_per_chunk"] = translation[s["upstream"]]
        s["translation_cpu_share"] = translation[s["upstream"]] / s["cpu_us_per_chunk"]

cores = os.cpu_count()
machine = {"cores": cores, "kernel": platform.release(), "commit": commit}
with open("/proc/cpuinfo") as f:
    machine["cpu"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), platform.processor())
report = {"translation_us_per_chunk": translation, "stamp": stamp, "rounds": int(rounds), "tokens": int(tokens), "pace_ms": int(pace), "connections": int(connections),
          "machine": machine, "results": summary}
with open(out, "w") as f:
    json.dump(report, f, indent=2)


def fmt(value, digits=2):
    return "—" if value is None else f"{value:,.{digits}f}"


print(f"Streamed answers through AiMesh, run {stamp} (commit {commit}; {machine['cpu']}, {cores} cores): medians of {rounds} rounds;"
      f" paced: {tokens} chunks every {pace} ms; burst: {connections} connections.")
print()
print("| target | upstream | first token ms | chunk latency p50 ms | p99 ms | added p99 ms | max ms | chunks/s (burst) | CPU µs/chunk | of it broker | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
order = ["direct", "embedded", "distributed-channel", "distributed-bus"]
for s in sorted(summary, key=lambda s: (order.index(s["target"]) if s["target"] in order else 9, s["upstream"])):
    print(f"| {s['target']} | {s['upstream']} | {fmt(s.get('ttft_ms'))} | {fmt(s['p50_ms'])} | {fmt(s['p99_ms'])} | {fmt(s['added_p99_ms'])} | {fmt(s['max_ms'])}"
          f" | {fmt(s['chunks_per_second'], 0)} | {fmt(s['cpu_us_per_chunk'], 0)} | {fmt(s['broker_us_per_chunk'], 0)}"
          f" | {s['errors'] + s['failed_phases']} |")

print()
print("Anthropic upstream against the OpenAI pass-through (same target, same run): what translating Anthropic's stream adds.")
print()
print("| target | added first token ms | added chunk latency p99 ms | added CPU µs/chunk | translation µs/chunk (alone) | its share of the stream's CPU |")
print("|---|---|---|---|---|---|")
for s in sorted(summary, key=lambda s: order.index(s["target"]) if s["target"] in order else 9):
    if "vs_openai_added_p99_ms" in s:
        share = s.get("translation_cpu_share")
        print(f"| {s['target']} | {fmt(s['vs_openai_added_ttft_ms'])} | {fmt(s['vs_openai_added_p99_ms'])} | {fmt(s['vs_openai_added_cpu_us_per_chunk'], 1)}"
              f" | {fmt(s.get('translation_us_per_chunk'))} | {'—' if share is None else f'{100 * share:.1f} %'} |")
