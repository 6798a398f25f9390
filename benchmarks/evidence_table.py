"""The `evidence` table of `claimx extract` against Evidence Inference's prompts, on full articles.

A row matches a prompt of its article when its intervention and comparator share a key word with
the prompt's (in either order) and its outcome shares one with the prompt's outcome. A matched row
is right when its direction is the prompt's effect (annotators' majority), or its opposite where
the row names the arms the other way round. Evidence Inference prompts cover some of an article's
comparisons only, so an unmatched row is not wrong: the figures are the share of rows that match a
prompt, their direction accuracy, and the share of prompts that at least one row answers.

    python benchmarks/evidence_table.py [--split dev] [--limit N] [--model default] [--show 10]
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

from extractor.evidence.arms import key_words  # noqa: E402
from extractor.learning.effect_model import GOLD  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "evidence_inference"
FLIP = {"increase": "decrease", "decrease": "increase", "no_change": "no_change", "unknown": "unknown"}


def gold_prompts(record: dict) -> list[dict]:
    prompts = []
    for prompt in record["meta"]["prompts"]:
        votes = Counter(GOLD[a["effect"]] for a in prompt.get("answers", []) if a.get("effect") in GOLD)
        if votes:
            prompts.append({**prompt, "effect": votes.most_common(1)[0][0]})
    return prompts


def match(row: dict, prompt: dict) -> str | None:
    """`same`, `swapped` or None: how the row's arms and outcome meet the prompt's."""
    def meets(a: str | None, b: str) -> bool:
        return bool(a) and bool(key_words(a) & key_words(b))

    if not meets(row["outcome"], prompt["outcome"]):
        return None
    if meets(row["intervention"], prompt["intervention"]) and meets(row["comparator"], prompt["comparator"]):
        return "same"
    if meets(row["intervention"], prompt["comparator"]) and meets(row["comparator"], prompt["intervention"]):
        return "swapped"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--model", default="default")
    ap.add_argument("--show", type=int, default=0, help="print this many matched rows judged wrong")
    args = ap.parse_args(argv)
    import extractor

    records = [json.loads(line) for line in (DATA / f"{args.split}.jsonl").open(encoding="utf-8")]
    records = records[: args.limit or None]
    started = time.perf_counter()
    table = extractor.extract_tables([r["text"] for r in records], model=args.model)["evidence"]
    seconds = time.perf_counter() - started
    by_doc = {f"text-{k + 1}": r for k, r in enumerate(records)}
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    matched = right = 0
    answered: set[tuple[str, str]] = set()
    wrong = []
    n_prompts = sum(len(gold_prompts(r)) for r in records)
    for row in rows:
        record = by_doc[row["doc_id"]]
        hits = [(prompt, how) for prompt in gold_prompts(record) if (how := match(row, prompt))]
        if not hits:
            continue
        matched += 1
        ok = any((row["direction"] if how == "same" else FLIP[row["direction"]]) == p["effect"] for p, how in hits)
        right += ok
        answered.update((record["id"], p["prompt_id"]) for p, _ in hits)
        if not ok:
            wrong.append((row, hits[0]))
    print(f"evidence table, Evidence Inference {args.split}: {len(records)} articles, {len(rows)} rows "
          f"({len(rows) / max(1, len(records)):.1f} per article), {seconds:.0f} s")
    print(f"rows matching a gold prompt: {matched} ({matched / max(1, len(rows)):.3f} of rows)")
    print(f"direction right on matched rows: {right}/{matched} = {right / max(1, matched):.3f}")
    share = len(answered) / max(1, n_prompts)
    print(f"prompts answered by at least one row: {len(answered)}/{n_prompts} = {share:.3f}")
    for row, (prompt, how) in wrong[: args.show]:
        print(f"- {row['intervention']} vs {row['comparator']} / {row['outcome']}: {row['direction']} ({how}; gold "
              f"{prompt['effect']}) :: {row['text'][:160]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
