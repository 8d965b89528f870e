"""Sums `ncu --metrics gpu__time_duration.sum --print-summary per-kernel` output by kernel and
launch shape: total, calls and mean time, largest first."""
import re
import sys

rows, name = [], None
for line in open(sys.argv[1]):
    m = re.match(r"\s+(?:void )?(?:\(?anonymous namespace\)?::|unnamed>::)?(\S+?)[<(].*?\) \((\d+), (\d+), (\d+)\)x\((\d+), 1, 1\).*Invocations (\d+)", line)
    if m:
        full = line.strip()
        base = m.group(1)
        if base == "MapKernel":
            op = re.search(r"MapKernel<(\w+)", full)
            name = "Map:" + (op.group(1) if op else "?")
        else:
            tmpl = re.search(r"<([^>]*)>\(", full)
            name = base + ("<" + tmpl.group(1)[:30] + ">" if tmpl else "")
        grid, calls = m.group(2) + "x" + m.group(3), int(m.group(6))
        continue
    if name and "gpu__time_duration.sum" in line:
        p = line.split()
        scale = {"us": 1, "ns": 1e-3, "ms": 1e3, "usecond": 1, "nsecond": 1e-3, "msecond": 1e3}.get(p[1], 1)
        avg = float(p[-1].replace(",", "")) * scale
        rows.append((avg * calls, calls, avg, name, grid))
        name = None
total = sum(r[0] for r in rows)
print(f"total {total:.0f} us")
for r in sorted(rows, reverse=True)[:18]:
    print(f"{r[0]:8.0f} us {r[1]:4d} x {r[2]:7.2f} us grid {r[4]:>8} {r[3]}")
