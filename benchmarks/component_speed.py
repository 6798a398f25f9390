"""CPU seconds per component of the default pipeline, on PubMed abstracts (claims + BC5CDR dev).

Each component runs over all documents in turn, so the figure for one component does not include
the others. Usage: python benchmarks/component_speed.py [--data ../shared/data] [--model rules]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# one BLAS thread, as `claimx` and its workers run (the anchor's child processes inherit it too)
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", nargs="*", default=["claims/dev.jsonl", "bc5cdr/dev.jsonl"])
    parser.add_argument("--model", default="default", help="pipeline: default, rules or a folder")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.pipeline.load import load
    from extractor.reading.normalize import normalize

    texts = []
    for name in args.corpus:
        with open(args.data / name, encoding="utf-8") as f:
            texts += [normalize(json.loads(line)["text"]).text for line in f]
    nlp = load(args.model)
    started = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    timings = {"tokenizer": time.process_time() - started}
    words = sum(1 for doc in docs for t in doc if not (t.is_punct or t.is_space))
    for name, proc in nlp.pipeline:
        started = time.process_time()
        docs = [proc(doc) for doc in docs]
        timings[name] = time.process_time() - started
    print(f"{len(docs)} documents, {words:,} words")
    for name, seconds in timings.items():
        print(f"{name:24s} {seconds:6.2f} CPU s  {words / max(seconds, 1e-9):>12,.0f} words/CPU s")
    total = sum(timings.values())
    print(f"{'all':24s} {total:6.2f} CPU s  {words / total:>12,.0f} words/CPU s")


if __name__ == "__main__":
    main()
