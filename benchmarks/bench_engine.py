"""Benchmark of the Section 4 statistics engine: one JSON line per run.

    python benchmarks/bench_engine.py [N ...]       (default: 1000 5000 20000)

Same as ``dsot bench``; see :mod:`dsot.bench` for what each mode measures.
"""

from __future__ import annotations

import json
import sys

from dsot.bench import run_in_subprocess

if __name__ == "__main__":
    sizes = [int(n) for n in sys.argv[1:]] or [1000, 5000, 20000]
    for mode in ("memory", "streaming"):
        for customers in sizes:
            print(json.dumps(run_in_subprocess(mode, customers)), flush=True)
