"""OUTCOME lenient/strict F1 on the MEASUREMENT half of EBM-NLP (odd-numbered dev documents).

The even-numbered half was used to derive outcome_terms.json, so it is not scored here.
Gold: `O` spans (starting_span layer). Lenient: a prediction and a gold span overlap (each gold
span matched at most once). Usage: python benchmarks/outcomes_ebmnlp.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prf(tp_p: int, n_pred: int, tp_g: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_g / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--half", choices=["measure", "derive"], default="measure")
    args = parser.parse_args()
    import sys

    sys.path.insert(0, str(ROOT))
    from extractor.pipeline.load import load

    nlp = load("default")
    keep = [p for p in nlp.pipe_names if p in ("claimx_sentences", "claimx_outcomes")]
    docs = []
    with open(args.data / "ebm_nlp" / "dev.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if (i % 2 == 1) == (args.half == "measure"):
                docs.append(json.loads(line))
    n_pred = n_gold = strict = lenient_p = lenient_g = 0
    with nlp.select_pipes(enable=keep):
        for record, doc in zip(docs, nlp.pipe(d["text"] for d in docs)):
            gold = [(s["start"], s["end"]) for s in record["spans"] if s["label"] == "O"]
            pred = [(s.start_char, s.end_char) for s in doc.spans.get("outcomes", [])]
            n_pred += len(pred)
            n_gold += len(gold)
            strict += len(set(pred) & set(gold))
            lenient_p += sum(any(a < d and c < b for c, d in gold) for a, b in pred)
            lenient_g += sum(any(a < d and c < b for a, b in pred) for c, d in gold)
    print(f"EBM-NLP {args.half} half: {len(docs)} documents, {n_gold} gold O spans, {n_pred} predicted")
    print("strict  P {:.3f} R {:.3f} F1 {:.3f}".format(*prf(strict, n_pred, strict, n_gold)))
    print("lenient P {:.3f} R {:.3f} F1 {:.3f}".format(*prf(lenient_p, n_pred, lenient_g, n_gold)))


if __name__ == "__main__":
    main()
