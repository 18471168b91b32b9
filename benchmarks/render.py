#!/usr/bin/env python3
"""Renders benchmarks/RESULTS.md from one run's raw results (JMH JSON and the main classes' JSON).

    python3 benchmarks/render.py benchmarks/results/<date>-<mode> > benchmarks/RESULTS.md

Standard library only. The tables and the met/missed lines are computed from the JSON; the explanations (why a peer
wins, what a figure includes) are benchmarks/notes/<suite>.md, included under each table, so that they survive a rerun.
"""
import json
import os
import sys

RUN = sys.argv[1] if len(sys.argv) > 1 else None
NOTES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes")


def load(name):
    path = os.path.join(RUN, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def notes(suite):
    path = os.path.join(NOTES, suite + ".md")
    if os.path.exists(path):
        with open(path) as f:
            return f.read().strip() + "\n"
    return ""


def method(entry):
    return entry["benchmark"].rsplit(".", 1)[1]


def score(entry):
    return entry["primaryMetric"]["score"]


def error(entry):
    e = entry["primaryMetric"].get("scoreError")
    return e if isinstance(e, (int, float)) and e == e else None


def alloc(entry):
    m = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return m["score"] if m else None


def secondary(entry, name):
    m = entry.get("secondaryMetrics", {}).get(name)
    return m["score"] if m else None


def fmt(v, digits=None):
    if v is None:
        return "–"
    if digits is None:
        digits = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 2 if abs(v) >= 1 else 3
    return f"{v:,.{digits}f}"


def timed(entry):
    e = error(entry)
    return fmt(score(entry)) + (f" ± {fmt(e)}" if e is not None else "")


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def verdict(met, text):
    return f"- {'**met**' if met else '**missed**'}: {text}"


def by_params(data, *keys):
    groups = {}
    for e in data:
        k = tuple(e.get("params", {}).get(p) for p in keys)
        groups.setdefault(k, {})[method(e)] = e
    return groups


def window_suite(out):
    data = load("window.json")
    out.append("## Window → model input\n")
    if not data:
        out.append("_not run_\n")
        return
    groups = by_params(data, "n", "features")
    for (n, features), m in groups.items():
        copy = m.get("copyFromPlainRing")
        rows = []
        for name in ["latestView", "latestBatchView", "latestViewAsFloatBuffer", "copyFromPlainRing"]:
            if name in m:
                e = m[name]
                ratio = score(copy) / score(e) if copy else None
                rows.append([("**" + name + "**") if name != "copyFromPlainRing" else name + " (peer)", timed(e) + " ns",
                             fmt(ratio, 1) + "× faster than the copy" if name != "copyFromPlainRing" else "1×", fmt(alloc(e), 0)])
        out.append(f"The latest {n} rows × {features} features. Time per operation (lower is better):\n")
        out.append(table(["path", "time", "copy ÷ path", "heap B/op"], rows))
        view = m.get("latestBatchView")
        if view and copy:
            speed = score(copy) / score(view)
            out.append(verdict(speed >= 10 and (alloc(view) or 0) <= 64,
                               f"view ≥ 10× the copy and ≤ 64 B/op — latestBatchView is {fmt(speed, 1)}× the copy at {fmt(alloc(view), 0)} B/op\n"))
    out.append(notes("window"))


INFERENCE_ORDER = ["sdkBinding", "sdkRun", "sdkWindowView", "ortDirectFloor", "ortDirectBuffers", "ortFloatArrays",
                   "djlPredictorReusedInput", "djlPredictor"]
OURS = {"sdkBinding", "sdkRun", "sdkWindowView"}


def inference_suite(out):
    data = load("inference.json")
    inter = load("inference-interleaved.json") or []
    out.append("## Inference: the same ONNX model, batch 1 and 64\n")
    if not data:
        out.append("_not run_\n")
        return
    medians = {(r["model"], str(r["batch"]), r["path"]): r for r in inter}
    verdicts = []
    for (model, batch), m in sorted(by_params(data, "model", "batch").items(), key=lambda kv: (kv[0][0], int(kv[0][1]))):
        floor = m.get("ortDirectFloor")
        rows = []
        for name in INFERENCE_ORDER:
            if name not in m:
                continue
            e = m[name]
            inter_row = medians.get((model, batch, name))
            label = ("**" + name + "**") if name in OURS else name
            rows.append([label, timed(e) + " µs", fmt(score(e) / score(floor), 2) + "×" if floor else "–",
                         fmt(inter_row["ratioToFloor"], 2) + "×" if inter_row else "–", fmt(alloc(e), 0)])
        out.append(f"### {model}, batch {batch}\n")
        out.append(table(["path", "JMH time", "÷ floor (JMH)", "÷ floor (interleaved median)", "heap B/op"], rows))

        def ratio(name):
            r = medians.get((model, batch, name))
            if r:
                return r["ratioToFloor"], "interleaved"
            return (score(m[name]) / score(floor), "JMH") if name in m and floor else (None, None)

        for ours in ["sdkBinding", "sdkRun", "sdkWindowView"]:
            r, src = ratio(ours)
            if r is not None:
                verdicts.append(verdict(r <= 1.10, f"{model} batch {batch}: {ours} ≤ 1.10× the floor — {fmt(r, 2)}× ({src})"))
        djl = [ratio(d) for d in ("djlPredictor", "djlPredictorReusedInput") if d in m]
        ours, src = ratio("sdkRun")
        if djl and ours is not None:
            best = min(r for r, _ in djl)
            verdicts.append(verdict(ours < best, f"{model} batch {batch}: sdkRun ahead of DJL's best (input made once) — "
                                    f"{fmt(ours, 2)}× vs {fmt(best, 2)}× the floor ({src})"))
    out.append("Targets (the interleaved median where there is one, it is the steadier figure on a loaded machine):\n")
    out.append("\n".join(verdicts) + "\n")
    out.append(notes("inference"))


def batching_suite(out):
    data = load("pipeline-batching.json")
    out.append("## Pipeline batching: N machines on one model\n")
    if not data:
        out.append("_not run_\n")
        return
    rows = []
    verdicts = []
    for (n,), m in sorted(by_params(data, "machines").items(), key=lambda kv: int(kv[0][0])):
        p = m.get("pipeline")
        for name in ["pipeline", "batchedByHand", "perMachineView", "perMachineCopy"]:
            if name in m:
                e = m[name]
                rows.append([n, ("**" + name + "**") if name in ("pipeline", "batchedByHand") else name, timed(e) + " µs",
                             fmt(score(e) / int(n)) + " µs", fmt(score(e) / score(p), 2) + "×" if p else "–", fmt(alloc(e), 0)])
        if n == "64" and p and "perMachineView" in m:
            speed = score(m["perMachineView"]) / score(p)
            verdicts.append(verdict(speed >= 3, f"N = 64: one call per machine ≥ 3× the batched pipeline tick — {fmt(speed, 1)}×"))
    out.append(table(["N", "path", "time per tick", "per machine", "÷ pipeline", "heap B/op"], rows))
    out.append("\n".join(verdicts) + "\n")
    out.append(notes("pipeline-batching"))


def modbus_suite(out):
    data = load("modbus.json")
    out.append("## Modbus: 1000 scattered tags, one poll\n")
    if not data:
        out.append("_not run_\n")
        return
    m = {method(e): e for e in data}
    ours = m.get("driver")
    rows = []
    for name in ["driver", "driverPipelined", "j2modCoalescedByHand", "j2modOneRequestPerTag", "plc4xOptimised"]:
        if name in m:
            e = m[name]
            rows.append([("**" + name + "**") if name.startswith("driver") else name, timed(e) + " ms",
                         fmt(score(e) / score(ours), 2) + "×" if ours else "–", fmt(alloc(e), 0)])
    out.append(table(["path", "time per poll", "÷ driver", "heap B/poll"], rows))
    v = []
    for ours in ("driver", "driverPipelined"):
        if ours not in m:
            continue
        t = score(m[ours])
        if "j2modCoalescedByHand" in m:
            h = score(m["j2modCoalescedByHand"])
            v.append(verdict(t <= h, f"{ours} no slower than hand-coalesced j2mod — {fmt(t, 3)} ms vs {fmt(h, 3)} ms ({fmt(t / h, 2)}×)"))
        if "plc4xOptimised" in m:
            p = score(m["plc4xOptimised"])
            v.append(verdict(t < p, f"{ours} ahead of PLC4X — {fmt(t, 3)} ms vs {fmt(p, 3)} ms ({fmt(p / t, 1)}× faster)"))
    out.append("\n".join(v) + "\n")
    out.append(notes("modbus"))


def opcua_suite(out):
    data = load("opcua.json")
    out.append("## OPC UA: 1000 monitored items\n")
    if not data:
        out.append("_not run_\n")
        return
    per = {}
    rows = []
    for e in data:
        c = e["params"]["client"]
        cpu = secondary(e, "clientCpuNanos")
        values = secondary(e, "values")
        ns = cpu / values if cpu and values else None
        per[c] = ns
        a = alloc(e)
        rows.append([("**" + c + "**") if c == "sdk" else c + " (plain Milo)", fmt(score(e) * 1000, 0),
                     fmt(ns, 0) + " ns", fmt(a / 1000, 0) if a is not None else "–"])
    for r in rows:
        r.insert(3, fmt(per.get("sdk") / per.get("milo"), 2) + "×" if per.get("sdk") and per.get("milo") and r[0].startswith("**") else "1×" if not r[0].startswith("**") else "–")
    out.append(table(["client", "values/s", "client CPU per value", "sdk ÷ milo", "heap B/value"], rows))
    if per.get("sdk") and per.get("milo"):
        r = per["sdk"] / per["milo"]
        out.append(verdict(r <= 1.10, f"CPU per value ≤ 1.10× plain Milo — {fmt(r, 2)}×") + "\n")
    out.append(notes("opcua"))


def e2e_suite(out):
    data = load("end-to-end.json")
    out.append("## End to end: simulated PLC → pipeline → model → guarded write\n")
    if not data:
        out.append("_not run_\n")
        return
    rows = []
    for r in data:
        rows.append([f"{r['ratePerSecond']}/s", ("**" + r["path"] + "**") if r["path"] == "pipeline" else r["path"],
                     fmt(r["rowsPerSecond"], 0), fmt(r["p50Micros"], 0), fmt(r["p99Micros"], 0), fmt(r["maxMicros"], 0),
                     fmt(r["cpuMicrosPerRow"], 0), fmt(r["heapBytesPerRow"], 0),
                     "–" if r["pollOverruns"] is None else r["pollOverruns"], fmt(r["loadAverage"], 2)])
    out.append(table(["rate", "way", "rows/s", "p50 µs", "p99 µs", "max µs", "CPU µs/row", "heap B/row", "polls skipped",
                      "load"], rows))
    out.append(notes("end-to-end"))


def gateway_suite(out):
    data = load("gateway.json")
    out.append("## Gateway capacity: N Modbus machines × 100 tags at 10 Hz on one gateway\n")
    if not data:
        out.append("_not run_\n")
        return
    rows = []
    for r in data:
        rows.append([r["machines"], fmt(r["tagSamplesPerSecond"], 0), fmt(100 * r["rowShare"], 1) + "%", r["pollOverruns"],
                     r["badResults"], r["uncertainResults"], fmt(r["p50Millis"], 2), fmt(r["p99Millis"], 2),
                     fmt(r["maxMillis"], 1), fmt(r["cpuPercentOfAllCores"], 1) + "%",
                     fmt(r["simulatorCpuPercentOfAllCores"], 1) + "%", fmt(r["allocMBPerSecond"], 1),
                     fmt(r["heapUsedAfterGcMB"], 1), fmt(r["loadAverage"], 2), "yes" if r["pass"] else "**no**"])
    out.append(table(["N", "tag samples/s", "rows polled", "poll overruns", "BAD", "UNCERTAIN", "p50 ms", "p99 ms",
                      "max ms", "gateway CPU", "simulators' CPU", "alloc MB/s", "heap after GC MB", "load", "pass"], rows))
    passed = [r for r in data if r["pass"]]
    if passed:
        top = max(passed, key=lambda r: r["machines"])
        out.append(verdict(top["machines"] >= 100,
                           f"N = 100 — the largest N tried that passed is {top['machines']} "
                           f"({fmt(top['tagSamplesPerSecond'], 0)} tag samples/s, gateway CPU {fmt(top['cpuPercentOfAllCores'], 1)}% "
                           f"of all cores, heap {fmt(top['heapUsedAfterGcMB'], 1)} MB after GC, {fmt(top['allocMBPerSecond'], 1)} MB/s allocated)") + "\n")
    else:
        out.append(verdict(False, "no N tried passed") + "\n")
    out.append(notes("gateway"))


def main():
    if not RUN:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    machine = load("machine.json") or {}
    out = ["# Benchmark results\n",
           "<!-- Generated by benchmarks/render.py from " + RUN + "; edit benchmarks/notes/*.md, not this file. -->\n",
           notes("intro"),
           "| | |\n|---|---|",
           f"| command | `{machine.get('command', '?')}` (from the repository root) |",
           f"| date | {machine.get('date', '?')} ({machine.get('minutes', '?')} min), commit {machine.get('commit', '?')} |",
           f"| machine | {machine.get('cores', '?')} cores, {machine.get('cpu', '?')}, "
           f"{fmt(machine.get('memoryKiB', 0) / 1048576, 1)} GiB, {machine.get('os', '?')} |",
           f"| JVM | {machine.get('jvm', '?')} |",
           f"| load average (1, 5, 15 min) | before {machine.get('loadBefore', '?')}, after {machine.get('loadAfter', '?')} |",
           f"| raw results | [`{os.path.relpath(RUN, 'benchmarks')}/`]({os.path.relpath(RUN, 'benchmarks')}/) |",
           ""]
    for suite in (window_suite, inference_suite, batching_suite, modbus_suite, opcua_suite, e2e_suite, gateway_suite):
        suite(out)
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
