"""Strict CHEMICAL/DISEASE precision, recall and F1 of a pipeline on dev corpora (exact character offsets).

usage: python benchmarks/ner_dev.py [--model default|PATH|PACKAGE] [--corpus bc5cdr|ncbi|biored|all ...]
                                    [--data FILE.jsonl] [--limit N] [--json OUT.json]

Runs the whole pipeline as a user gets it (extractor.pipeline.load) and scores doc.ents against
each corpus's gold spans (Chemical/ChemicalEntity -> CHEMICAL, Disease/DiseaseOrPhenotypicFeature
-> DISEASE). A corpus is scored only on the labels it annotates: NCBI-disease has no chemicals, so
a CHEMICAL prediction there is neither right nor wrong. Prints one line per corpus and label.
Default: BC5CDR dev alone; `--corpus all` adds NCBI-disease dev and BioRED dev.
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
DATA = ROOT.parent / "shared" / "data"
CORPORA = {"bc5cdr": DATA / "bc5cdr" / "dev.jsonl", "ncbi": DATA / "ncbi_disease" / "dev.jsonl",
           "biored": DATA / "biored" / "dev.jsonl"}


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def score(gold: list[set], pred: list[set], labels: tuple[str, ...] = LABELS) -> dict:
    """Per-label and micro strict scores over (start, end, label) triples per document, for `labels` only."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        g = {item for item in g if item[2] in labels}
        p = {item for item in p if item[2] in labels}
        for item in p & g:
            tp[item[2]] += 1
        for item in p - g:
            fp[item[2]] += 1
        for item in g - p:
            fn[item[2]] += 1
    out = {label: prf(tp[label], fp[label], fn[label]) for label in labels}
    out["ALL"] = prf(sum(tp[x] for x in labels), sum(fp[x] for x in labels), sum(fn[x] for x in labels))
    return out


def score_corpus(nlp, data: Path, limit: int = 0) -> dict:
    """Run `nlp` over one JSONL corpus and score it on the labels that corpus annotates."""
    from extractor.learning.ner_training import annotated_labels, read_ner_jsonl

    records = read_ner_jsonl(data)[: limit or None]
    labels = tuple(label for label in LABELS if label in annotated_labels(records))
    t = time.perf_counter()
    docs = list(nlp.pipe([r["text"] for r in records], batch_size=64))
    seconds = time.perf_counter() - t
    gold = [set(r["spans"]) for r in records]
    pred = [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in docs]
    result = score(gold, pred, labels)
    words = sum(len(r["text"].split()) for r in records)
    result["meta"] = {"data": str(data), "docs": len(records), "words": words, "seconds": round(seconds, 2),
                      "labels": list(labels)}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--corpus", action="append", choices=[*CORPORA, "all"],
                    help="dev corpus to score (repeatable; default bc5cdr)")
    ap.add_argument("--data", action="append", help="another JSONL file to score (repeatable)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)
    names = args.corpus or ([] if args.data else ["bc5cdr"])
    if "all" in names:
        names = list(CORPORA)
    datasets = {name: CORPORA[name] for name in names}
    datasets.update({Path(d).stem if Path(d).stem not in datasets else d: Path(d) for d in args.data or []})
    for path in datasets.values():
        if not path.is_file():
            print(f"ner_dev: {path} not found (needs ../shared/data beside the checkout)", file=sys.stderr)
            return 2

    from extractor.pipeline.load import load

    nlp = load(args.model)
    results = {"meta": {"model": args.model, "pipeline": nlp.pipe_names}}
    for name, path in datasets.items():
        result = results[name] = score_corpus(nlp, path, args.limit)
        meta = result["meta"]
        for label in (*meta["labels"], "ALL"):
            s = result[label]
            print(f"{name:8s} {label:9s} P {s['p']:.3f}  R {s['r']:.3f}  F1 {s['f']:.3f}  "
                  f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
        print(f"{name:8s} {meta['docs']} docs, {meta['words']} words in {meta['seconds']:.1f}s")
    print(f"pipeline: {', '.join(nlp.pipe_names)}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
