"""Words/s of the default pipeline (with claimx_outcomes, claimx_context, claimx_claims) in one process.

Text: PubMed abstracts (claims dev and BC5CDR dev by default; `--corpus evidence_inference/dev.jsonl`
adds full-text RCTs), normalised as `claimx extract` does. Words are non-punctuation, non-space
tokens (as in the documents table).
Usage: python benchmarks/claims_speed.py [--data ../shared/data] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--corpus", nargs="*", default=["claims/dev.jsonl", "bc5cdr/dev.jsonl"])
    parser.add_argument("--without", nargs="*", default=[], help="pipes to disable, for comparison")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.pipeline.load import load
    from extractor.reading.normalize import normalize

    texts = []
    for name in args.corpus:
        with open(args.data / name, encoding="utf-8") as f:
            texts += [normalize(json.loads(line)["text"]).text for line in f]
    nlp = load("default")
    disabled = [p for p in args.without if p in nlp.pipe_names]
    best = best_cpu = 0.0
    with nlp.select_pipes(disable=disabled):
        for _ in range(args.repeat):
            started, cpu, words, claims = time.perf_counter(), time.process_time(), 0, 0
            for doc in nlp.pipe(texts):
                words += sum(1 for t in doc if not (t.is_punct or t.is_space))
                claims += len(doc.spans.get("claims", []))
            best = max(best, words / (time.perf_counter() - started))
            best_cpu = max(best_cpu, words / (time.process_time() - cpu))
    print(f"pipes: {', '.join(p for p in nlp.pipe_names if p not in disabled)}")
    print(f"{len(texts)} documents, {words:,} words, {claims:,} claims; best of {args.repeat}: {best:,.0f} words/s "
          f"wall clock, {best_cpu:,.0f} words per CPU second (less sensitive to a busy machine)")


if __name__ == "__main__":
    main()
