#!/usr/bin/env python3
"""Client CPU per delivered value of OpcUaSubscriptionBenchmark, before and after, from the JMH JSON files here.

Each file is one run of a jar (sdk fork, then milo fork); the runs alternated before/after (see loads.txt).
    python3 benchmarks/results/2026-11-30-opcua-ab/summary.py [folder of another such A/B run]
"""
import collections
import glob
import json
import os
import statistics
import sys

here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
sdk = collections.defaultdict(list)
milo = []
ratios = collections.defaultdict(list)
for path in sorted(glob.glob(os.path.join(here, "ab*-*.json"))):
    name = os.path.basename(path)[:-5]          # ab2-before-3
    _, jar, rnd = name.split("-")
    per = {}
    for b in json.load(open(path)):
        s = b["secondaryMetrics"]
        per[b["params"]["client"]] = (s["clientCpuNanos"]["score"] / s["values"]["score"],
                                      s["gc.alloc.rate.norm"]["score"] / 1000, b["primaryMetric"]["score"] * 1000)
    ratio = per["sdk"][0] / per["milo"][0]
    sdk[jar].append(per["sdk"][0])
    milo.append(per["milo"][0])
    ratios[jar].append(ratio)
    print(f"{name:14} sdk {per['sdk'][0]:5.0f} ns/value {per['sdk'][1]:3.0f} B/value {per['sdk'][2]:6.0f} values/s"
          f" | milo {per['milo'][0]:5.0f} ns/value {per['milo'][1]:3.0f} B/value | sdk ÷ milo {ratio:.2f}")
m = statistics.median(milo)
print(f"milo (all {len(milo)} runs): median {m:.0f} ns/value")
for jar in ("before", "after"):
    print(f"{jar}: sdk median {statistics.median(sdk[jar]):.0f} ns/value, median of per-run ratios "
          f"{statistics.median(ratios[jar]):.2f}, sdk median ÷ milo median {statistics.median(sdk[jar]) / m:.2f}")
