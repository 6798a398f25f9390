"""Score mentions and regimen links against claimx's own regimen gold (../shared/data/regimens,
GUIDELINES.md there): sentences of RCT full texts with every DRUG, DOSE, ROUTE, FREQUENCY,
DURATION, TIMEPOINT and SAMPLE_SIZE mention and the drug each attribute belongs to.

    python benchmarks/regimens_dev.py                  # dev split, default pipeline
    python benchmarks/regimens_dev.py --model rules
    python benchmarks/regimens_dev.py --show DRUG      # misses, spurious spans, boundary errors
    python benchmarks/regimens_dev.py --show LINKS     # missed and spurious links per record, by class
    python benchmarks/regimens_dev.py --show MEASUREMENT   # the spurious attributes in measurement records

Spans: exactly `claimx evaluate ../shared/data/regimens/dev.jsonl --label-map regimens` (strict:
exact offsets; lenient: one-to-one overlap). Links: a gold link is an (attribute span, DRUG span)
pair (`links` on an attribute lists the indices of its DRUG spans); a predicted one is an
attribute that the `regimens` span group links to a drug (`span._.links`: DOSE, ROUTE,
FREQUENCY, DURATION -- a TIMEPOINT that is the time on a drug counts under DURATION -- and
SAMPLE_SIZE). Strict: both offsets equal; lenient: both overlap, one to one, taken greedily.
Measurement: the DOSE, ROUTE and FREQUENCY spans predicted in records of kind `measurement`
(sentences full of numbers that are not doses); the gold of those records has none.
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

DATA = ROOT.parent / "shared" / "data" / "regimens"
LINKED = ("DOSE", "ROUTE", "FREQUENCY", "DURATION", "SAMPLE_SIZE")
NOT_IN_MEASUREMENTS = ("DOSE", "ROUTE", "FREQUENCY")

Pair = tuple[tuple[int, int], tuple[int, int]]  # (attribute offsets, drug offsets)


def gold_links(record: dict) -> list[Pair]:
    spans = record["spans"]
    return sorted({((s["start"], s["end"]), (spans[d]["start"], spans[d]["end"]))
                   for s in spans for d in s.get("links", [])})


def predicted_links(doc) -> list[Pair]:
    """(attribute, drug) character offsets of every link the `regimens` span group holds."""
    from extractor.components.regimens import doc_regimens

    return sorted({((a.start_char, a.end_char), (r.drug.start_char, r.drug.end_char))
                   for r in doc_regimens(doc) for label in LINKED for a in r.links.get(label, [])})


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_links(gold: list[Pair], pred: list[Pair]) -> tuple[int, int, list[int], list[int]]:
    """Strict tp, lenient tp, and the unmatched gold and predicted indices (lenient). Lenient
    pairs: exact ones first, then by shared characters of attribute plus drug, one to one."""
    exact = set(gold) & set(pred)
    used_g = {i for i, g in enumerate(gold) if g in exact}
    used_p = {j for j, p in enumerate(pred) if p in exact}
    candidates = []
    for i, (ga, gd) in enumerate(gold):
        for j, (pa, pd) in enumerate(pred):
            if i in used_g or j in used_p:
                continue
            oa, od = _overlap(ga, pa), _overlap(gd, pd)
            if oa and od:
                candidates.append((-(oa + od), i, j))
    lenient = len(exact)
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            lenient += 1
    return (len(exact), lenient, [i for i in range(len(gold)) if i not in used_g],
            [j for j in range(len(pred)) if j not in used_p])


def link_error_class(kind: str, pair: Pair, record: dict, doc, others: list[Pair]) -> str:
    """Why a link is missed or spurious: the drug or the attribute was not found (missed) or is
    not gold (spurious), or both are there and the attribute went to another drug (or none)."""
    from extractor.pipeline.spans import labelled_spans

    (a0, a1), (d0, d1) = pair
    pred = [(s.start_char, s.end_char, s.label_) for s in labelled_spans(doc, ("DRUG",) + LINKED + ("TIMEPOINT",))]
    gold = [(g["start"], g["end"], g["label"]) for g in record["spans"]]
    spans = pred if kind == "missed" else gold
    drug = any(lab == "DRUG" and _overlap((s, e), (d0, d1)) for s, e, lab in spans)
    attr = [lab for s, e, lab in spans if lab != "DRUG" and _overlap((s, e), (a0, a1))]
    label = next((lab for s, e, lab in (gold if kind == "missed" else pred) if (s, e) == (a0, a1)), "?")
    if not drug:
        return f"{kind}: drug {'not found' if kind == 'missed' else 'not gold'} ({label})"
    if not attr:
        return f"{kind}: attribute {'not found' if kind == 'missed' else 'not gold'} ({label})"
    elsewhere = any(_overlap(p[0], (a0, a1)) for p in others)
    if kind == "missed":
        return f"missed: {label} found ({attr[0]}), {'linked to another drug' if elsewhere else 'linked to none'}"
    return f"spurious: {label} linked to the wrong drug" if elsewhere else f"spurious: {label} gold links to none"


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p, r = tp / max(1, n_pred), tp / max(1, n_gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--model", default="default")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", default=None, help="a label, LINKS or MEASUREMENT: list its errors")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    path = DATA / f"{args.split}.jsonl"
    if not path.exists():
        print(f"regimens gold not found at {path}", file=sys.stderr)
        return 2

    from extractor.evaluation import evaluate
    from extractor.pipeline.load import load

    nlp = load(args.model)
    t0 = time.perf_counter()
    evaluation = evaluate([path], nlp=nlp, model=args.model, label_map="regimens", limit=args.limit or None)
    seconds = time.perf_counter() - t0
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    if args.limit:
        records = records[: args.limit]
    kinds = {r["id"]: r["meta"]["kind"] for r in records}

    n_gold = n_pred = strict_tp = lenient_tp = 0
    link_errors = []
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        gold, pred = gold_links(record), predicted_links(doc)
        s, le, missed, spurious = match_links(gold, pred)
        n_gold, n_pred, strict_tp, lenient_tp = n_gold + len(gold), n_pred + len(pred), strict_tp + s, lenient_tp + le
        text = record["text"]
        for kind, pairs, idx in (("missed", gold, missed), ("spurious", pred, spurious)):
            for k in idx:
                (a0, a1), (d0, d1) = pairs[k]
                why = link_error_class(kind, pairs[k], record, doc, gold if kind == "spurious" else pred)
                link_errors.append((kind, text[a0:a1], text[d0:d1], record["id"], why, text))

    in_measurements = [e for e in evaluation.scores.errors if e.kind == "spurious"
                       and e.label in NOT_IN_MEASUREMENTS and kinds.get(e.doc_id) == "measurement"]
    data = evaluation.as_dict()
    figures = {
        "labels": {label: {"gold": d["gold"], "pred": d["pred"],
                           "strict": [d["strict"][k] for k in ("precision", "recall", "f1")],
                           "lenient": [d["lenient"][k] for k in ("precision", "recall", "f1")]}
                   for label, d in data["labels"].items()},
        "links": {"gold": n_gold, "pred": n_pred, "strict": prf(strict_tp, n_pred, n_gold),
                  "lenient": prf(lenient_tp, n_pred, n_gold)},
        "measurement_records": sum(1 for k in kinds.values() if k == "measurement"),
        "spurious_in_measurements": len(in_measurements),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print(f"regimens {args.split}: {evaluation.documents} records, {data['words']} words, model {args.model}, "
              f"evaluation {seconds:.1f} s")
        print(f"{'label':11} {'gold':>5} {'pred':>5}  strict P/R/F1        lenient P/R/F1")
        rows = [(label, f["gold"], f["pred"], f["strict"], f["lenient"]) for label, f in figures["labels"].items()]
        links = figures["links"]
        rows.append(("links", links["gold"], links["pred"], links["strict"], links["lenient"]))
        for label, g, p, s, le in rows:
            print(f"{label:11} {g:5d} {p:5d}  {s[0]:.3f} {s[1]:.3f} {s[2]:.3f}   {le[0]:.3f} {le[1]:.3f} {le[2]:.3f}")
        print(f"spurious DOSE/ROUTE/FREQUENCY in the {figures['measurement_records']} measurement records: "
              f"{figures['spurious_in_measurements']}")
    show = (args.show or "").upper()
    if show == "LINKS":
        by_record: dict[str, list] = {}
        for error in link_errors:
            by_record.setdefault(error[3], []).append(error)
        for doc_id, errors in by_record.items():
            print(f"== {doc_id} | {errors[0][5]}")
            for kind, attr, drug, _id, why, _text in errors:
                print(f"  {kind.upper():9} {attr!r} -> {drug!r}  [{why}]")
        print("\nlink errors by class:")
        for why, n in Counter(e[4] for e in link_errors).most_common():
            print(f"{n:5d}  {why}")
    elif show == "MEASUREMENT":
        for e in in_measurements:
            print(f"{e.label:9} {e.text!r} | {e.context}")
    elif show:
        for e in evaluation.scores.errors:
            if e.label == show and e.kind != "attribute":
                pred = f" (pred {e.pred_text!r})" if e.pred_text is not None else ""
                print(f"{e.kind.upper():9} {e.text!r}{pred} | {e.doc_id} | {e.context}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
