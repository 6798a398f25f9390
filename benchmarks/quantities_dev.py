"""Accuracy of the quantity rules on annotated corpora in ../shared/data (not shipped).

* SAMPLE_SIZE against EBM-NLP `P:sample_size` (crowd PICO spans; mostly the bare number).
* DURATION against PHEE `DURATION`; and, because PHEE's DURATION also covers elapsed times
  ("4 weeks after starting"), any time expression (our DURATION|TIMEPOINT against PHEE
  DURATION|TIME_ELAPSED).

Strict = same offsets; lenient = overlapping spans. For sample sizes also "count": our span's
number (the `30` of `30 patients`, `n = 30`) has the gold offsets.

    python benchmarks/quantities_dev.py [--split dev|train] [--show 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.components.quantities import find_quantities  # noqa: E402
from extractor.rules.numbers import number_pattern  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(gold: set, pred: set) -> dict:
    """Strict and lenient P/R/F1 over (doc, start, end) triples."""
    def prf(tp_p, n_p, tp_r, n_g):
        p = tp_p / n_p if n_p else 0.0
        r = tp_r / n_g if n_g else 0.0
        return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}

    strict = len(gold & pred)
    by_doc: dict[str, list] = {}
    for d, s, e in gold:
        by_doc.setdefault(d, []).append((s, e))
    pred_by_doc: dict[str, list] = {}
    for d, s, e in pred:
        pred_by_doc.setdefault(d, []).append((s, e))

    def overlaps(d, s, e, index):
        return any(s < ge and gs < e for gs, ge in index.get(d, ()))

    tp_p = sum(overlaps(d, s, e, by_doc) for d, s, e in pred)
    tp_r = sum(overlaps(d, s, e, pred_by_doc) for d, s, e in gold)
    return {"gold": len(gold), "pred": len(pred), "strict": prf(strict, len(pred), strict, len(gold)),
            "lenient": prf(tp_p, len(pred), tp_r, len(gold))}


def examples(docs: dict, gold: set, pred: set, n: int) -> dict:
    """Misses (gold not overlapped) and spurious (pred not overlapping gold), with context."""
    def ctx(d, s, e):
        t = docs[d]
        return f"...{t[max(0, s - 45):s]}[[{t[s:e]}]]{t[e:e + 30]}...".replace("\n", " ")

    def uncovered(a, b):
        out = []
        for d, s, e in sorted(a):
            if not any(bd == d and s < be and bs < e for bd, bs, be in b):
                out.append(ctx(d, s, e))
        return out

    missed, spurious = uncovered(gold, pred), uncovered(pred, gold)
    return {"missed": len(missed), "spurious": len(spurious), "missed_examples": missed[:n],
            "spurious_examples": spurious[:n]}


_NUMBER = re.compile(number_pattern())


def sample_sizes(split: str, show: int) -> dict | None:
    path = DATA / "ebm_nlp" / f"{split}.jsonl"
    if not path.exists():
        return None
    rows = load(path)
    docs = {r["id"]: r["text"] for r in rows}
    gold = {(r["id"], s["start"], s["end"]) for r in rows for s in r["spans"] if s["label"] == "P:sample_size"}
    pred, counts = set(), set()
    started = time.process_time()
    for r in rows:
        for q in find_quantities(r["text"]):
            if q.label != "SAMPLE_SIZE":
                continue
            pred.add((r["id"], q.start, q.end))
            m = _NUMBER.search(r["text"], q.start, q.end)
            if m:
                counts.add((r["id"], m.start(), m.end()))
    seconds = time.process_time() - started
    words = sum(len(t.split()) for t in docs.values())
    result = {"corpus": f"ebm_nlp/{split}", "label": "SAMPLE_SIZE vs P:sample_size", "docs": len(rows),
              **score(gold, pred), "count": score(gold, counts)["strict"],
              "cpu_words_per_s_all_rules": round(words / seconds)}
    result.update(examples(docs, gold, pred, show))
    return result


def durations(split: str, show: int) -> list[dict]:
    path = DATA / "phee" / f"{split}.jsonl"
    if not path.exists():
        return []
    rows = load(path)
    docs = {r["id"]: r["text"] for r in rows}
    preds = {r["id"]: find_quantities(r["text"]) for r in rows}
    out = []
    for name, gold_labels, pred_labels in [
        ("DURATION vs DURATION", {"DURATION"}, {"DURATION"}),
        ("DURATION|TIMEPOINT vs DURATION|TIME_ELAPSED", {"DURATION", "TIME_ELAPSED"}, {"DURATION", "TIMEPOINT"}),
    ]:
        gold = {(r["id"], s["start"], s["end"]) for r in rows for s in r["spans"] if s["label"] in gold_labels}
        pred = {(d, q.start, q.end) for d, qs in preds.items() for q in qs if q.label in pred_labels}
        result = {"corpus": f"phee/{split}", "label": name, "docs": len(rows), **score(gold, pred)}
        result.update(examples(docs, gold, pred, show))
        out.append(result)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="dev (default) or train (PHEE only)")
    parser.add_argument("--show", type=int, default=10, help="examples of misses and spurious spans to print")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = [r for r in [sample_sizes(args.split, args.show), *durations(args.split, args.show)] if r]
    if not results:
        print(f"no corpora found under {DATA} (needs ../shared beside the checkout)", file=sys.stderr)
        return 2
    for r in results:
        print(f"\n== {r['corpus']}: {r['label']}  (docs {r['docs']}, gold {r['gold']}, pred {r['pred']})")
        for kind in ("strict", "lenient", "count"):
            if kind in r:
                m = r[kind]
                print(f"   {kind:8s} P {m['p']:.3f}  R {m['r']:.3f}  F1 {m['f1']:.3f}")
        if "cpu_words_per_s_all_rules" in r:
            print(f"   all quantity rules: {r['cpu_words_per_s_all_rules']:,} words per CPU second")
        print(f"   missed {r['missed']}, spurious {r['spurious']}")
        for kind in ("missed_examples", "spurious_examples"):
            for ex in r[kind]:
                print(f"   {kind.split('_')[0]:9s} {ex}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
