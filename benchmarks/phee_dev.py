"""Score DRUG, DOSE, ROUTE, FREQUENCY (and DURATION, where a component writes it) and the
drug-attribute links of the `regimens` table against PHEE v2 (../shared/data/phee).

    python benchmarks/phee_dev.py                    # dev split, default pipeline
    python benchmarks/phee_dev.py --split train --show ROUTE   # list misses/spurious to tune

Strict: exact offsets. Lenient: any overlap. Links: a gold (drug, attribute) pair of an event
is found when the regimen row of a predicted DRUG overlapping the gold drug links a span
overlapping the gold attribute.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "phee"
# PHEE label -> claimx label
LABELS = {"DRUG": "DRUG", "DOSAGE": "DOSE", "ROUTE": "ROUTE", "FREQ": "FREQUENCY", "DURATION": "DURATION"}
LINKS = {"dosage": "DOSAGE", "route": "ROUTE", "freq": "FREQ", "duration": "DURATION"}


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--model", default="default")
    ap.add_argument("--show", default=None, help="PHEE label whose misses and spurious spans to print")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    path = DATA / f"{args.split}.jsonl"
    if not path.exists():
        print(f"PHEE data not found at {path}", file=sys.stderr)
        return 2

    from extractor.pipeline import load
    from extractor.regimens import link_regimens

    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    if args.limit:
        docs = docs[: args.limit]
    nlp = load(args.model)
    inverse = {v: k for k, v in LABELS.items()}
    counts = defaultdict(lambda: defaultdict(int))
    link_gold = link_found = link_both = link_both_ok = 0
    shown = []
    t0 = time.perf_counter()
    for record, doc in zip(docs, nlp.pipe(r["text"] for r in docs)):
        gold = defaultdict(list)
        for s in record["spans"]:
            if s["label"] in LABELS:
                gold[s["label"]].append((s["start"], s["end"]))
        pred = defaultdict(set)
        for group in doc.spans.values():
            for s in group:
                if s.label_ in inverse:
                    pred[inverse[s.label_]].add((s.start_char, s.end_char))
        for s in doc.ents:
            if s.label_ in inverse:
                pred[inverse[s.label_]].add((s.start_char, s.end_char))
        for label in LABELS:
            g, p = gold[label], sorted(pred[label])
            c = counts[label]
            c["gold"] += len(g)
            c["pred"] += len(p)
            c["strict_tp"] += len(set(g) & set(p))
            c["len_p"] += sum(any(overlaps(x, y) for y in g) for x in p)
            c["len_g"] += sum(any(overlaps(y, x) for x in p) for y in g)
            if args.show == label:
                for y in g:
                    if not any(overlaps(y, x) for x in p):
                        shown.append(f"MISS {record['text'][y[0]:y[1]]!r} | {record['text'][:160]}")
                for x in p:
                    if not any(overlaps(x, y) for y in g):
                        shown.append(f"SPUR {record['text'][x[0]:x[1]]!r} | {record['text'][:160]}")
        # links
        regimens = link_regimens(doc)
        spans = record["spans"]
        for event in record.get("events", []):
            for treatment in event.get("treatments", []):
                for key, label in LINKS.items():
                    for d in treatment.get("drug", []):
                        for a in treatment.get(key, []):
                            dg, ag = (spans[d]["start"], spans[d]["end"]), (spans[a]["start"], spans[a]["end"])
                            link_gold += 1
                            regs = [r for r in regimens if overlaps((r.drug.start_char, r.drug.end_char), dg)]
                            attr_found = any(overlaps(x, ag) for x in pred[label])
                            ok = any(overlaps((s.start_char, s.end_char), ag)
                                     for r in regs for s in r.links.get(LABELS[label], []))
                            link_found += ok
                            if regs and attr_found:
                                link_both += 1
                                link_both_ok += ok
    seconds = time.perf_counter() - t0
    print(f"PHEE {args.split}: {len(docs)} sentences, {seconds:.1f} s")
    print(f"{'label':10} {'gold':>5} {'pred':>5}  strict P/R/F1        lenient P/R/F1")
    for label in LABELS:
        c = counts[label]
        sp, sr, sf = prf(c["strict_tp"], c["pred"], c["strict_tp"], c["gold"])
        lp, lr, lf = prf(c["len_p"], c["pred"], c["len_g"], c["gold"])
        print(f"{label:10} {c['gold']:5d} {c['pred']:5d}  {sp:.3f} {sr:.3f} {sf:.3f}   {lp:.3f} {lr:.3f} {lf:.3f}")
    print(f"links: {link_found}/{link_gold} gold drug-attribute pairs found "
          f"({link_found / max(1, link_gold):.3f}); where drug and attribute were both found: "
          f"{link_both_ok}/{link_both} ({link_both_ok / max(1, link_both):.3f})")
    for line in shown:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
