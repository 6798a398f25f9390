"""Start-up: the wall time of `claimx extract` on one short text, and where the imports go.

    python benchmarks/startup.py                 # 3 runs, median; the top 15 imports
    python benchmarks/startup.py --runs 5 --top 25 --model rules

Runs the checkout's `cli.py` (the same app as the `claimx` script) in a fresh process each
time, on corpus/texts/<first>.txt into a temporary folder, and `python -X importtime -c
"import extractor.cli"` for the imports' cumulative times.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def extract_seconds(text: Path, runs: int, model: str) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of each run. On a busy machine the CPU time is
    the steadier figure (the run is one process and its I/O is small), though contention for the
    cores inflates it too: compare runs made at the same time."""
    walls, cpus = [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run([sys.executable, "cli.py", "extract", str(text), "--out", f"{tmp}/out{i}",
                            "--model", model], cwd=ROOT, check=True, capture_output=True)
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def import_times(module: str) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of every import, largest first."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--model", default="default")
    args = parser.parse_args()
    text = sorted((ROOT / "corpus" / "texts").glob("*.txt"))[0]
    walls, cpus = extract_seconds(text, args.runs, args.model)
    print(f"claimx extract {text.relative_to(ROOT)} --model {args.model}: median "
          f"{statistics.median(walls):.2f} s wall ({', '.join(f'{t:.2f}' for t in walls)}), "
          f"{statistics.median(cpus):.2f} s CPU ({', '.join(f'{t:.2f}' for t in cpus)})")
    rows = import_times("extractor.cli")
    print(f"import extractor.cli: {rows[0][0] / 1e6:.2f} s cumulative; top imports:")
    for cumulative, name in rows[:args.top]:
        print(f"  {cumulative / 1e6:6.3f} s  {name}")


if __name__ == "__main__":
    main()
