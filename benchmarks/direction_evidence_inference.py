"""Direction/significance accuracy of claimx's claim rules on Evidence Inference EVIDENCE passages.

Gold: each passage's `effect` (significantly_increased -> increase, significantly_decreased ->
decrease, no_significant_difference -> no_change). Passages repeated with the same effect (several
annotators) are counted once. `unknown` predictions count as wrong. Tune on train, report dev.
Usage: python benchmarks/direction_evidence_inference.py [--split dev] [--errors 20]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = {"significantly_increased": "increase", "significantly_decreased": "decrease",
        "no_significant_difference": "no_change"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--split", choices=["train", "dev"], default="dev")
    parser.add_argument("--errors", type=int, default=0, help="print this many random errors")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.components.claims import assess

    seen, rows = set(), []
    with open(args.data / "evidence_inference" / f"{args.split}.jsonl", encoding="utf-8") as f:
        for line in f:
            for span in json.loads(line)["spans"]:
                key = (span["text"], span["effect"])
                if span["label"] == "EVIDENCE" and key not in seen:
                    seen.add(key)
                    rows.append((span["text"], GOLD[span["effect"]]))
    confusion, errors = Counter(), []
    sig_ok = sig_n = 0
    for text, gold in rows:
        found = assess(text)
        confusion[(gold, found.direction)] += 1
        if found.direction != gold:
            errors.append((gold, found.direction, " ".join(text.split())[:240]))
        if found.significant is not None:
            sig_n += 1
            sig_ok += found.significant == (gold != "no_change")
    correct = sum(n for (g, p), n in confusion.items() if g == p)
    covered = sum(n for (g, p), n in confusion.items() if p != "unknown")
    covered_ok = sum(n for (g, p), n in confusion.items() if g == p and p != "unknown")
    print(f"Evidence Inference {args.split}: {len(rows)} passages")
    print(f"direction accuracy {correct / len(rows):.3f} (unknown counted wrong)")
    print(f"direction accuracy where not unknown {covered_ok / max(1, covered):.3f} "
          f"(coverage {covered / len(rows):.3f})")
    print(f"significant stated in {sig_n / len(rows):.3f} of passages, agrees with gold {sig_ok / max(1, sig_n):.3f}")
    for gold in ("increase", "decrease", "no_change"):
        print(gold, {p: confusion[(gold, p)] for p in ("increase", "decrease", "no_change", "unknown")})
    random.seed(0)
    for e in random.sample(errors, min(args.errors, len(errors))):
        print(e)


if __name__ == "__main__":
    main()
