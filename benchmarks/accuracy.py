"""Accuracy of a pipeline on every dev split in ../shared/data, through `claimx evaluate`'s code.

    python benchmarks/accuracy.py                 # every corpus, every dev document
    python benchmarks/accuracy.py --limit 50      # quick run: first 50 documents per corpus

Each corpus is read with the shipped label map of the same name. Prints one Markdown table
(corpus, label, gold count, strict P/R/F1, lenient P/R/F1, pipeline words/s) and one timing
table (pipeline seconds vs scoring seconds).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.evaluation import evaluate, shipped_label_maps  # noqa: E402
from extractor.pipeline.load import load  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of corpora (<name>/dev.jsonl)")
    parser.add_argument("--model", default="default", help="pipeline to evaluate")
    parser.add_argument("--limit", type=int, default=None, help="first N documents per corpus")
    parser.add_argument("--corpora", default=None, help="comma-separated subset, e.g. bc5cdr,phee")
    args = parser.parse_args(argv)

    maps = shipped_label_maps()
    names = args.corpora.split(",") if args.corpora else sorted(maps)
    corpora = [(name, args.data / name / "dev.jsonl") for name in names]
    corpora = [(n, p) for n, p in corpora if p.exists()]
    if not corpora:
        print(f"no dev splits found under {args.data} (needs ../shared/data beside the checkout)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    nlp = load(args.model)
    load_seconds = time.perf_counter() - started
    rows, timing = [], []
    for name, path in corpora:
        result = evaluate([path], nlp=nlp, model=args.model, label_map=name, limit=args.limit)
        p = result.predictions
        wps = p.words / p.seconds if p.seconds else 0.0
        for label in result.labels:
            s = result.scores.labels[label]
            rows.append([name, label, str(s.gold), fmt(s.strict.precision), fmt(s.strict.recall), fmt(s.strict.f1),
                         fmt(s.lenient.precision), fmt(s.lenient.recall), fmt(s.lenient.f1), f"{wps:,.0f}"])
        share = f"{result.scoring_seconds / p.seconds:.1%}" if p.seconds else "–"
        timing.append([name, str(result.documents), f"{p.words:,}", f"{p.seconds:.2f}",
                       f"{result.scoring_seconds:.3f}", share])

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    print(f"date {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit.stdout.strip() or '?'}, "
          f"model {args.model} ({', '.join(nlp.pipe_names)}), limit {args.limit or 'none'}, "
          f"model load {load_seconds:.1f} s\n")
    header = ["corpus", "label", "gold", "strict P", "strict R", "strict F1", "lenient P", "lenient R",
              "lenient F1", "words/s"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    header = ["corpus", "documents", "words", "pipeline s", "scoring s", "scoring / pipeline"]
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for row in timing:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
