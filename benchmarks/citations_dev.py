"""Score the citations component on ../shared/data/citations/dev.jsonl (group-level spans).

Runs the real extract path (normaliser + default pipeline + tables, offsets mapped back to the
original text) and compares `citations` rows with the gold `level: group` spans:
strict (same offsets), lenient (overlapping, matched one to one), per citation style, and
how often the expanded `refs` equal the gold `numbers` for strictly matched numeric groups.

    python benchmarks/citations_dev.py [--data PATH] [--limit N] [--show K]
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
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "citations" / "dev.jsonl"


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[set, set]:
    """Strict pairs (exact offsets) and lenient pairs (overlap, one to one, strict ones first)."""
    strict = {(g, g) for g in set(gold) & set(pred)}
    used_g = {g for g, _ in strict}
    used_p = {p for _, p in strict}
    lenient = set(strict)
    for g in sorted(gold):
        if g in used_g:
            continue
        for p in sorted(pred):
            if p not in used_p and p[0] < g[1] and g[0] < p[1]:
                lenient.add((g, p))
                used_g.add(g)
                used_p.add(p)
                break
    return strict, lenient


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    ap.add_argument("--show", type=int, default=10, help="print up to K misses and K spurious spans")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"citations dev split not found at {args.data}", file=sys.stderr)
        return 2

    from extractor.pipeline.annotate import table_rows
    from extractor.pipeline.load import load
    from extractor.reading.document import Document

    records = [json.loads(line) for line in args.data.open(encoding="utf-8") if line.strip()]
    if args.limit:
        records = records[: args.limit]
    nlp = load("default")
    gold_by_id = {r["id"]: r for r in records}
    docs = [Document(id=r["id"], text=r["text"], source=str(args.data)) for r in records]

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses, spurious, boundary = [], [], []
    started = time.perf_counter()
    words = 0
    for document, doc_rows in table_rows(nlp, docs):
        rec = gold_by_id[document.id]
        text = rec["text"]
        words += len(text.split())
        style = "author_year" if rec["meta"].get("citation_style") == "author_year" else "numeric"
        rows = doc_rows.get("citations", [])
        gold = {(s["start"], s["end"]): s for s in rec["spans"] if s.get("level", "group") == "group"}
        pred = {(r["start"], r["end"]): r for r in rows}
        strict, lenient = match(list(gold), list(pred))
        for key in ("all", style):
            c = counts[key]
            c["gold"] += len(gold)
            c["pred"] += len(pred)
            c["strict"] += len(strict)
            c["lenient"] += len(lenient)
        for g, _ in strict:
            numbers = gold[g].get("numbers") or []
            if gold[g]["text"].startswith("[") and numbers and pred[g]["style"] == "numeric":
                counts["all"]["refs_total"] += 1
                counts["all"]["refs_ok"] += [int(x) for x in pred[g]["refs"]] == numbers
        boundary += [(document.id, gold[g]["text"], pred[p]["text"]) for g, p in lenient if g != p]
        matched_g = {g for g, _ in lenient}
        matched_p = {p for _, p in lenient}
        misses += [(document.id, text[max(0, g[0] - 30):g[0]], gold[g]["text"]) for g in gold if g not in matched_g]
        spurious += [(document.id, text[max(0, p[0] - 30):p[0]], pred[p]["text"]) for p in pred if p not in matched_p]
    seconds = time.perf_counter() - started

    print(f"citations dev: {len(records)} documents, {words:,} words, {seconds:.1f} s")
    print(f"{'subset':<12} {'gold':>5} {'pred':>5}  {'strict P':>8} {'R':>6} {'F1':>6}  "
          f"{'lenient P':>9} {'R':>6} {'F1':>6}")
    for key in ("all", "numeric", "author_year"):
        c = counts[key]
        sp, sr, sf = prf(c["strict"], c["pred"], c["gold"])
        lp, lr, lf = prf(c["lenient"], c["pred"], c["gold"])
        print(f"{key:<12} {c['gold']:>5} {c['pred']:>5}  {sp:>8.3f} {sr:>6.3f} {sf:>6.3f}  "
              f"{lp:>9.3f} {lr:>6.3f} {lf:>6.3f}")
    total = counts["all"]["refs_total"]
    if total:
        ok = counts["all"]["refs_ok"]
        print(f"numeric refs == gold numbers: {ok}/{total} = {ok / total:.3f} (strictly matched bracket groups)")
    for title, items in (("missed", misses), ("spurious", spurious), ("boundary (gold, predicted)", boundary)):
        if args.show and items:
            print(f"\n{title} ({len(items)}), first {min(args.show, len(items))}:")
            for doc_id, before, span in items[: args.show]:
                print(f"  {doc_id}: {before!r} >>{span}<<")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
