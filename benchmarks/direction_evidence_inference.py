"""Direction/significance accuracy of claimx's claim assessment on Evidence Inference EVIDENCE passages.

By default the direction is what claimx_claims sets: the learned direction model
(models/claims/direction.json) where a passage states an effect, the rules otherwise; with
--rules-only, the cue-word rules alone (the figure before the model).

Gold: each passage's `effect` (significantly_increased -> increase, significantly_decreased ->
decrease, no_significant_difference -> no_change). Passages repeated with the same effect (several
annotators) are counted once. `unknown` predictions count as wrong. Tune on train, report dev.
With --gold-arms the benchmark (not the product, which sees one sentence and does not know which
arm is the intervention) also uses the gold `intervention` and `comparator` fields: when the
comparator is named before the intervention (the comparator is the subject: "placebo patients had
higher ..."), an increase/decrease is flipped. That figure is an oracle upper bound, reported apart.
With --validated-only, only annotations that Evidence Inference's second annotator accepted
(`valid_label` and `valid_reasoning` true) are scored: a supplementary figure, not the default one.
A passage annotated for several prompts (intervention, comparator, outcome) can carry different
effects; it is scored once per effect, so one sentence-level direction cannot get all of them right.
Usage: python benchmarks/direction_evidence_inference.py [--split dev] [--errors 20] [--gold-arms] [--rules-only]
       [--validated-only]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = {"significantly_increased": "increase", "significantly_decreased": "decrease",
        "no_significant_difference": "no_change"}


_WORD = re.compile(r"[a-z0-9]{4,}")
_GENERIC = {"group", "groups", "patients", "treatment", "therapy", "with", "standard", "plus", "alone", "only",
            "dose", "doses", "care", "control", "controls"}


def first_mention(text: str, arm: str) -> int | None:
    """Offset of the first word of the arm's name (4+ letters, not a generic word) in the text."""
    words = [w for w in _WORD.findall(arm.lower()) if w not in _GENERIC] or _WORD.findall(arm.lower())
    hits = [m.start() for w in words for m in re.finditer(rf"\b{re.escape(w)}", text)]
    return min(hits) if hits else None


def arm_adjusted(text: str, found: str, intervention: str, comparator: str, flipped: bool, cue: int) -> str:
    """Flip increase/decrease when only the comparator is named before the first change word
    (the comparator is the subject); oracle arms."""
    if found not in ("increase", "decrease") or flipped:
        return found
    lowered = text.lower()
    i, c = first_mention(lowered, intervention), first_mention(lowered, comparator)
    if c is not None and c < cue and (i is None or i > cue):
        return "decrease" if found == "increase" else "increase"
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--split", choices=["train", "dev"], default="dev")
    parser.add_argument("--errors", type=int, default=0, help="print this many random errors")
    parser.add_argument("--gold-arms", action="store_true",
                        help="oracle: also use the gold intervention/comparator fields (not a product figure)")
    parser.add_argument("--rules-only", action="store_true", help="the cue-word rules without the learned model")
    parser.add_argument("--validated-only", action="store_true",
                        help="score only annotations the dataset's validation accepted (supplementary figure)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.components.claims import assess, load_rules
    rules = load_rules()

    seen, rows = set(), []
    with open(args.data / "evidence_inference" / f"{args.split}.jsonl", encoding="utf-8") as f:
        for line in f:
            for span in json.loads(line)["spans"]:
                key = (span["text"], span["effect"])
                if args.validated_only and not (span.get("valid_label") and span.get("valid_reasoning")):
                    continue
                if span["label"] == "EVIDENCE" and key not in seen:
                    seen.add(key)
                    rows.append((span["text"], GOLD[span["effect"]], span["intervention"], span["comparator"]))
    confusion, errors = Counter(), []
    sig_ok = sig_n = 0
    for text, gold, intervention, comparator in rows:
        found = assess(text, model=None if args.rules_only else True)
        predicted = found.direction
        if args.gold_arms:
            lowered = text.lower()
            cues = [m.start() for m in (rules.increase.search(lowered), rules.decrease.search(lowered)) if m]
            flipped = bool(rules.flip.search(lowered))
            predicted = arm_adjusted(text, predicted, intervention, comparator, flipped, min(cues, default=0))
        confusion[(gold, predicted)] += 1
        if predicted != gold:
            errors.append((gold, predicted, " ".join(text.split())[:240]))
        if found.significant is not None:
            sig_n += 1
            sig_ok += found.significant == (gold != "no_change")
    correct = sum(n for (g, p), n in confusion.items() if g == p)
    covered = sum(n for (g, p), n in confusion.items() if p != "unknown")
    covered_ok = sum(n for (g, p), n in confusion.items() if g == p and p != "unknown")
    oracle = " with GOLD intervention/comparator (oracle, not the product)" if args.gold_arms else ""
    oracle += " (validated annotations only: supplementary)" if args.validated_only else ""
    conflicting = len({t for t, *_ in rows}) - len(rows)
    print(f"Evidence Inference {args.split}: {len(rows)} passages{oracle}")
    print(f"{-conflicting} passages are scored twice with different effects (best possible accuracy "
          f"{(len(rows) + conflicting) / len(rows):.3f})")
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
