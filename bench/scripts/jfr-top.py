#!/usr/bin/env python3
"""Summarises a JFR recording's execution samples: the top self frames, and the top frames of the
given package prefixes (the first frame of ours on each stack, i.e. "which of our methods is the
CPU in, including what it calls"). Usage: jfr-top.py RECORDING.jfr [PREFIX ...] [--top N]
[--via METHOD]: only the samples with METHOD (a substring of class.method) on the stack, and the
call paths from our code to it.

Reads `jfr print --json --events jdk.ExecutionSample`, needs only the JDK's jfr tool."""
import collections, json, subprocess, sys

args = [a for a in sys.argv[1:]]
top = 25
if "--top" in args:
    i = args.index("--top"); top = int(args[i + 1]); del args[i:i + 2]
via = None
if "--via" in args:
    i = args.index("--via"); via = args[i + 1]; del args[i:i + 2]
recording, prefixes = args[0], args[1:] or ["dev.casey."]

out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", recording],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]

def name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]

self_frames, ours, stacks_with, paths = (collections.Counter() for _ in range(4))
all_samples = len(events)
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    if not frames:
        continue
    if via:
        names = [name(f) for f in frames]
        hit = next((i for i, n in enumerate(names) if via in n), None)
        if hit is None:
            continue
        # from the innermost frame of ours above the hit down to the hit, at most 8 frames shown
        start = next((i for i in range(hit, len(names)) if any(names[i].startswith(p) for p in prefixes)), len(names) - 1)
        chain = names[hit:start + 1][::-1]
        paths[" -> ".join(chain if len(chain) <= 8 else chain[:4] + ["…"] + chain[-4:])] += 1
    self_frames[name(frames[0])] += 1
    first_ours = next((name(f) for f in frames if any(name(f).startswith(p) for p in prefixes)), "(none of ours)")
    ours[first_ours] += 1
    # inclusive: every distinct one of our frames on the stack
    for n in {name(f) for f in frames if any(name(f).startswith(p) for p in prefixes)}:
        stacks_with[n] += 1

total = sum(self_frames.values())
print(f"{total} execution samples in {recording}" + (f" with {via} on the stack, of {all_samples}" if via else ""))
if via:
    print("\n## call paths")
    for n, c in paths.most_common(top):
        print(f"{100.0 * c / total:5.1f}%  {c:6d}  {n}")
for title, counter in (("top self frames", self_frames), (f"first frame of {prefixes} (self + callees)", ours),
                       (f"inclusive: samples with the frame on the stack", stacks_with)):
    print(f"\n## {title}")
    for n, c in counter.most_common(top):
        print(f"{100.0 * c / total:5.1f}%  {c:6d}  {n}")
