"""`claimx evidence` on Evidence Inference dev: each prompt's effect, from the gold evidence
passages given as the documents (`passages`) and from the full articles (`articles`).

Gold: a prompt's effect is its annotators' majority (significantly_increased -> increase,
significantly_decreased -> decrease, no_significant_difference -> no_change); `unknown` answers
count as wrong. In `passages` every (passage, prompt) pair is one document, repeated
annotations once. In `articles` the chosen passage also counts as found when it overlaps one of
the prompt's gold evidence spans.

    python benchmarks/evidence_inference.py [--split dev] [--setting passages|articles|both] [--errors 10]
                                            [--models FOLDER]
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

from extractor.evidence.answer import Prompt  # noqa: E402
from extractor.evidence.job import answer_documents, load_models, sentence_nlp  # noqa: E402
from extractor.learning.effect_model import GOLD  # noqa: E402
from extractor.reading.document import Document  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "evidence_inference"


def load(split: str) -> list[dict]:
    with (DATA / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def passages(records: list[dict]) -> tuple[list[Document], list[Prompt], list[str], list[list]]:
    documents, prompts, gold, spans, seen = [], [], [], [], set()
    for record in records:
        for span in record["spans"]:
            key = (span["text"].strip(), span["intervention"], span["comparator"], span["outcome"])
            if span["label"] != "EVIDENCE" or span["effect"] not in GOLD or key in seen:
                continue
            seen.add(key)
            doc_id = f"p{len(documents)}"
            documents.append(Document(doc_id, span["text"], "passage"))
            prompts.append(Prompt(span.get("prompt_id", doc_id), doc_id, span["intervention"], span["comparator"],
                                  span["outcome"]))
            gold.append(GOLD[span["effect"]])
            spans.append([])
    return documents, prompts, gold, spans


def articles(records: list[dict]) -> tuple[list[Document], list[Prompt], list[str], list[list]]:
    documents, prompts, gold, spans = [], [], [], []
    for record in records:
        documents.append(Document(record["id"], record["text"], "article"))
        evidence = [s for s in record["spans"] if s["label"] == "EVIDENCE"]
        for p in record["meta"]["prompts"]:
            votes = Counter(GOLD[a["effect"]] for a in p["answers"] if a["effect"] in GOLD)
            if not votes:
                continue
            prompts.append(Prompt(p["prompt_id"], record["id"], p["intervention"], p["comparator"], p["outcome"]))
            gold.append(votes.most_common(1)[0][0])
            spans.append([(s["start"], s["end"]) for s in evidence if s.get("prompt_id") == p["prompt_id"]])
    return documents, prompts, gold, spans


def score(name: str, nlp, models, data, errors: int) -> dict:
    documents, prompts, gold, spans = data
    started = time.perf_counter()
    rows = answer_documents(nlp, documents, prompts, *models)
    seconds = time.perf_counter() - started
    pairs = [(g, r["effect"]) for g, r in zip(gold, rows)]
    hit = [any(r["start"] is not None and r["start"] < e and s < r["end"] for s, e in sp) if sp else None
           for r, sp in zip(rows, spans)]
    found = [h for h in hit if h is not None]
    by_found = {}
    for flag in (True, False):
        chosen = [g == p for (g, p), h in zip(pairs, hit) if h is flag]
        if chosen and name == "articles":
            by_found["found" if flag else "not_found"] = f"{sum(chosen)}/{len(chosen)}"
    result = {
        "setting": name, "prompts": len(prompts), "accuracy": round(sum(g == p for g, p in pairs) / len(pairs), 4),
        "confusion": {f"{g}->{p}": n for (g, p), n in sorted(Counter(pairs).items())},
        "passage_found": round(sum(found) / len(found), 4) if found and name == "articles" else None,
        "right_where_passage": by_found or None,
        "seconds": round(seconds, 1),
    }
    print(json.dumps(result, indent=1))
    shown = 0
    for g, r, p in zip(gold, rows, prompts):
        if g != r["effect"] and shown < errors:
            shown += 1
            print(f"  gold {g} got {r['effect']} | I: {p.intervention} | C: {p.comparator} | O: {p.outcome}\n"
                  f"    {(r['text'] or '')[:300]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--setting", choices=("passages", "articles", "both"), default="both")
    parser.add_argument("--errors", type=int, default=0)
    parser.add_argument("--models", type=Path, default=None, help="a `claimx train evidence` folder")
    args = parser.parse_args()
    records = load(args.split)
    nlp = sentence_nlp()
    models = load_models(args.models)
    if args.setting in ("passages", "both"):
        score("passages", nlp, models, passages(records), args.errors)
    if args.setting in ("articles", "both"):
        score("articles", nlp, models, articles(records), args.errors)


if __name__ == "__main__":
    main()
