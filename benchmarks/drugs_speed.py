"""Start-up time and words/s of the default pipeline with the drug lexicon, on BC5CDR dev texts.

    python benchmarks/drugs_speed.py [--repeat 3]

Prints the time to build the pipeline (drug lexicon included) and words/s in one process,
with and without the claimx_drugs/claimx_dosing components (the difference is their cost).
Both wall-clock and CPU-time (process_time) rates are shown: on a shared, loaded machine the
CPU-time rate is the stable one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "bc5cdr" / "dev.jsonl"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"BC5CDR dev not found at {DATA}", file=sys.stderr)
        return 2
    texts = [json.loads(line)["text"] for line in DATA.open(encoding="utf-8")]
    t0 = time.perf_counter()
    from extractor.pipeline.load import load

    nlp = load("default")
    startup = time.perf_counter() - t0
    print(f"start-up (imports + pipeline + drug lexicon): {startup:.2f} s")
    words = sum(1 for doc in nlp.tokenizer.pipe(texts) for t in doc if not (t.is_punct or t.is_space))
    for disabled in ([], ["claimx_drugs", "claimx_dosing"]):
        best = best_cpu = 0.0
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            with nlp.select_pipes(disable=disabled):
                for _doc in nlp.pipe(texts, batch_size=64):
                    pass
            best = max(best, words / (time.perf_counter() - t))
            best_cpu = max(best_cpu, words / (time.process_time() - c))
        label = "without drugs/dosing" if disabled else "full default pipeline"
        print(f"{label}: {len(texts)} texts, {words:,} words, best of {args.repeat}: {best:,.0f} words/s wall, "
              f"{best_cpu:,.0f} words/CPU-s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
