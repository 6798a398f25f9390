"""Strict CHEMICAL/DISEASE precision, recall and F1 of a pipeline on BC5CDR dev (exact character offsets).

usage: python benchmarks/ner_dev.py [--model default|PATH|PACKAGE] [--data ../shared/data/bc5cdr/dev.jsonl]
                                    [--limit N] [--json OUT.json]

Runs the whole pipeline as a user gets it (extractor.pipeline.load) and scores doc.ents against
the gold spans (Chemical -> CHEMICAL, Disease -> DISEASE). Prints one line per label and overall.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABELS = ("CHEMICAL", "DISEASE")


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score(gold: list[set], pred: list[set]) -> dict:
    """Per-label and micro strict scores over (start, end, label) triples per document."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        for item in p & g:
            tp[item[2]] += 1
        for item in p - g:
            fp[item[2]] += 1
        for item in g - p:
            fn[item[2]] += 1
    out = {label: prf(tp[label], fp[label], fn[label]) for label in LABELS}
    out["ALL"] = prf(sum(tp[x] for x in LABELS), sum(fp[x] for x in LABELS), sum(fn[x] for x in LABELS))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "bc5cdr" / "dev.jsonl"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not data.is_file():
        print(f"ner_dev: {data} not found (needs ../shared/data beside the checkout)", file=sys.stderr)
        return 2

    from extractor.learning.ner_training import read_ner_jsonl
    from extractor.pipeline.load import load

    records = read_ner_jsonl(data)[: args.limit or None]
    nlp = load(args.model)
    t = time.perf_counter()
    docs = list(nlp.pipe([r["text"] for r in records], batch_size=64))
    seconds = time.perf_counter() - t
    gold = [set(r["spans"]) for r in records]
    pred = [{(e.start_char, e.end_char, e.label_) for e in d.ents if e.label_ in LABELS} for d in docs]
    result = score(gold, pred)
    words = sum(len(r["text"].split()) for r in records)
    result["meta"] = {"model": args.model, "data": str(data), "docs": len(records), "words": words,
                      "seconds": round(seconds, 2), "pipeline": nlp.pipe_names}
    for label in (*LABELS, "ALL"):
        s = result[label]
        print(f"{label:9s} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    print(f"{len(records)} docs, {words} words in {seconds:.1f}s with {', '.join(nlp.pipe_names)}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
