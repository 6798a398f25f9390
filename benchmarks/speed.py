"""Speed of the extract job against the scispaCy-architecture anchor, in one run.

Measures, on the same texts and counting words the same way (whitespace-split words of the input):
  * words/s of our extract job in this process: normalise + pipeline + table rows + DataFrames
    (reading and writing files excluded), on the seed commentary repeated to about --words words
    (one document per copy) and on the abstracts of ../shared/data/bc5cdr/dev.jsonl;
  * words/s of ../shared/bench/scispacy_arch_speed.py on the same texts (a subprocess, with and
    without --numpy-blas), and the ratio ours / anchor;
  * peak RSS of this process (our pipeline only: the anchor runs in child processes);
  * start-up time of `claimx extract` on one small file (median wall time of --startup-runs).

    python benchmarks/speed.py                  # full run (~200k words per text set)
    python benchmarks/speed.py --quick          # about 20k words, one start-up run
    python benchmarks/speed.py --profile        # also print where our pipeline spends its time
    python benchmarks/speed.py --model rules    # the pipeline without the statistical NER
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# one BLAS thread, as `claimx` and its workers run (the anchor's child processes inherit it too)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "ketamine-commentary.txt"
BC5CDR = SHARED / "data" / "bc5cdr" / "dev.jsonl"
ANCHOR = SHARED / "bench" / "scispacy_arch_speed.py"
SMALL = ROOT / "corpus" / "texts" / "oxycodone-trial-abstract.txt"


def n_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def run_ours(nlp, texts: list[str], profile: bool = False) -> tuple[float, float]:
    """words/s and seconds of normalise + pipeline + tables over `texts` (one document each)."""
    from extractor.reading.document import Document
    from extractor.running.batches import extract_rows
    from extractor.tables.rows import frames_from_rows

    documents = [Document(id=f"d{i}", text=t, source="bench") for i, t in enumerate(texts)]
    extract_rows(nlp, documents[:3])  # warm up lazy caches (rules, pint registry)
    documents = [Document(id=f"d{i}", text=t, source="bench") for i, t in enumerate(texts)]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    frames_from_rows(extract_rows(nlp, documents))
    seconds = time.perf_counter() - started
    if profiler:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return n_words(texts) / seconds, seconds


def run_anchor(texts: list[str], numpy_blas: bool) -> float | None:
    """words/s printed by the anchor script on the same texts (paragraphs = our documents)."""
    if not ANCHOR.exists():
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        # the anchor splits on blank lines: keep each document one paragraph
        f.write("\n\n".join(" ".join(t.split()) for t in texts))
        path = f.name
    try:
        cmd = [sys.executable, str(ANCHOR), path, "1"] + (["--numpy-blas"] if numpy_blas else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    for line in out.splitlines():
        if line.startswith("words_per_s="):
            return float(line.split("=", 1)[1])
    raise RuntimeError(f"anchor printed no words_per_s: {out!r}")


def startup_seconds(runs: int) -> float:
    """Median wall time of `claimx extract SMALL --out TMP` as a fresh process."""
    claimx = shutil.which("claimx", path=str(Path(sys.executable).parent))
    base = [claimx] if claimx else [sys.executable, str(ROOT / "cli.py")]
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([*base, "extract", str(SMALL), "--out", out], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Speed of claimx extract vs the scispaCy-architecture anchor.")
    ap.add_argument("--words", type=int, default=200_000, help="repeat the seed to about this many words")
    ap.add_argument("--bc5cdr-docs", type=int, default=0, help="use only the first N bc5cdr dev abstracts (0 = all)")
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--no-anchor", action="store_true", help="skip the anchor subprocesses")
    ap.add_argument("--quick", action="store_true", help="about 20k words, 100 abstracts, one start-up run")
    ap.add_argument("--profile", action="store_true", help="cProfile our run on the seed set")
    ap.add_argument("--model", default="default", help="pipeline to measure (default, rules, a folder)")
    args = ap.parse_args(argv)
    if args.quick:
        args.words, args.bc5cdr_docs, args.startup_runs = 20_000, 100, 1

    sets: dict[str, list[str]] = {}
    if SEED.exists():
        seed = SEED.read_text(encoding="utf-8")
        copies = max(1, round(args.words / len(seed.split())))
        sets[f"seed x{copies}"] = [seed] * copies
    else:
        print(f"seed not found at {SEED}; skipping that set", file=sys.stderr)
    if BC5CDR.exists():
        abstracts = [json.loads(line)["text"] for line in BC5CDR.open(encoding="utf-8") if line.strip()]
        if args.bc5cdr_docs:
            abstracts = abstracts[: args.bc5cdr_docs]
        sets[f"bc5cdr dev ({len(abstracts)} abstracts)"] = abstracts
    else:
        print(f"bc5cdr dev not found at {BC5CDR}; skipping that set", file=sys.stderr)
    if not sets:
        print("nothing to measure: ../shared is missing", file=sys.stderr)
        return 2

    from extractor.pipeline.annotate import warm_up
    from extractor.pipeline.load import load

    started = time.perf_counter()
    nlp = load(args.model)
    load_seconds = time.perf_counter() - started
    warm_up(nlp)  # as the extract job does: first-document set-up, pipeline objects out of the GC

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    print(f"# claimx speed, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, "
          f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"pipeline: {' > '.join(nlp.pipe_names)} (load {load_seconds:.2f} s)")
    print(f"{'text set':<30} {'words':>8} {'ours w/s':>9} {'anchor w/s':>10} {'anchor blas':>11} "
          f"{'ours/anchor':>11} {'ours/blas':>9}")
    for i, (name, texts) in enumerate(sets.items()):
        ours, _ = run_ours(nlp, texts, profile=args.profile and i == 0)
        anchor = blas = None
        if not args.no_anchor:
            anchor = run_anchor(texts, numpy_blas=False)
            blas = run_anchor(texts, numpy_blas=True)

        def fmt(x, spec=".0f"):
            return "-" if x is None else format(x, spec)

        print(f"{name:<30} {n_words(texts):>8} {ours:>9.0f} {fmt(anchor):>10} {fmt(blas):>11} "
              f"{fmt(anchor and ours / anchor, '.1f'):>11} {fmt(blas and ours / blas, '.1f'):>9}")
    print(f"peak RSS of our process: {peak_rss_mb():.0f} MB")
    if args.startup_runs:
        print(f"start-up: `claimx extract {SMALL.relative_to(ROOT)}` median of {args.startup_runs}: "
              f"{startup_seconds(args.startup_runs):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
