"""Print claims-table rows of real full-text articles for reading by hand.

The claims table's figure that no corpus gives is how many of its rows a reviewer would accept:
this draws Evidence Inference full texts (shuffled with --seed, articles --first to --first +
--articles), runs the extract job on them, and prints --rows of the rows `is_claim` marks (pandas
`sample`, --random-state) with their claim_type, direction, significant, hedged and negated, to
be judged one by one. Which rows are wrong is a reader's call, so the script prints and counts
nothing else.

    python benchmarks/claims_sample.py [--split train] [--seed 11] [--first 40] [--articles 20]
                                       [--rows 30] [--random-state 5] [--model default]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "evidence_inference"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="train", choices=["train", "dev"])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--first", type=int, default=40)
    ap.add_argument("--articles", type=int, default=20)
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--random-state", type=int, default=5)
    ap.add_argument("--model", default="default")
    args = ap.parse_args(argv)
    path = DATA / f"{args.split}.jsonl"
    if not path.exists():
        print(f"{path} not found", file=sys.stderr)
        return 2
    from extractor.pipeline.load import load
    from extractor.reading.document import Document
    from extractor.running.batches import extract_rows
    from extractor.tables.rows import frames_from_rows

    with path.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    random.Random(args.seed).shuffle(records)
    chosen = records[args.first:args.first + args.articles]
    documents = [Document(id=r["id"], text=r["text"], source=str(path)) for r in chosen]
    claims = frames_from_rows(extract_rows(load(args.model), documents))["claims"]
    marked = claims[claims["is_claim"]]
    print(f"{len(chosen)} articles, {len(claims)} claims rows, {len(marked)} with is_claim")
    sample = marked.sample(min(args.rows, len(marked)), random_state=args.random_state)
    for i, row in enumerate(sample.itertuples()):
        print(f"[{i}] {row.doc_id} sent {row.sent_id}: {row.claim_type}, direction {row.direction}, "
              f"significant {row.significant}, hedged {row.hedged} ({row.hedge_cue}), "
              f"negated {row.negated} ({row.negation_cue})")
        print("    " + " ".join(row.text.split()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
