"""Claim-sentence F1 on the claims corpus dev split (Achakulvisut et al. 2020).

Scores the gold sentences of each abstract with (a) the shipped classifier alone at its threshold,
which is the claims table's `is_claim` (what the corpus defines as a claim: mostly conclusion
sentences) and (b) what claimx_claims keeps: classifier OR a
rule-found hypothesis, recommendation or effect-stating finding (wider on purpose; results sentences are claims to
a reviewer but NOT_CLAIM in this corpus). Also prints the claim_type mix of (b).
Usage: python benchmarks/claims_dev.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def f1(pairs: list[tuple[bool, bool]]) -> str:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return f"P {precision:.3f} R {recall:.3f} F1 {2 * precision * recall / max(1e-9, precision + recall):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from extractor.components.claims import _prepare, assess, load_rules, never_claim, rule_claim
    from extractor.learning.claim_classifier import ClaimClassifier, read_corpus, shipped_path

    classifier = ClaimClassifier.load(shipped_path())
    rules = load_rules()
    docs = read_corpus(args.data / "claims" / "dev.jsonl")
    alone, union, types = [], [], Counter()
    for sentences, gold in docs:
        for sentence, score, is_claim in zip(sentences, classifier.score_paragraph(sentences), gold):
            excluded = never_claim(_prepare(sentence), rules)  # headings, acknowledgements: as claimx_claims
            by_model = score >= classifier.threshold and not excluded
            found = assess(sentence)
            kind = found.claim_type
            kept = (by_model or rule_claim(found)) and not excluded
            alone.append((is_claim, by_model))
            union.append((is_claim, kept))
            if kept:
                types[kind] += 1
    print(f"claims dev: {len(docs)} abstracts, {len(alone)} sentences, {sum(g for g, _ in alone)} CLAIM")
    print("is_claim (classifier alone)", f1(alone))
    print("claimx_claims (with rules)", f1(union))
    print("claim_type of kept sentences:", dict(types.most_common()))


if __name__ == "__main__":
    main()
