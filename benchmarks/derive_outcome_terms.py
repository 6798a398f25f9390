"""Derive the OUTCOME term list (extractor/rules/data/outcome_terms.json) from annotated data.

Sources: EBM-NLP `O` spans of the DERIVATION half (even-numbered documents of ebm_nlp/dev.jsonl;
the odd-numbered half is kept for measuring, see benchmarks/outcomes_ebmnlp.py) and the `outcome`
fields of Evidence Inference train. A term is kept when it is short, not a stop phrase, and seen
often enough. Re-run: python benchmarks/derive_outcome_terms.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "extractor" / "patterns" / "outcome_terms.json"
_LEAD = re.compile(r"^(?:the|a|an|of|in|on|for|to|and|or|with|their|its|his|her|our|all|any|both|total|overall|"
                   r"mean|median|average|change|changes|changes in|change in|improvement in|incidence of|"
                   r"rate of|rates of|levels of|level of|number of|risk of|occurrence of|frequency of|"
                   r"severity of|duration of|presence of|development of)\s+")
_STOP = {"group", "groups", "patients", "treatment", "therapy", "placebo", "control", "study", "trial", "outcome",
         "outcomes", "effect", "effects", "efficacy", "results", "difference", "differences", "baseline", "the",
         "it", "this", "these", "those", "they", "each", "time", "times", "day", "days", "week", "weeks", "month",
         "months", "year", "years", "rate", "rates", "level", "levels", "score", "scores", "change", "changes",
         "measures", "measurements", "values", "data", "parameters", "variables", "end", "point", "endpoint",
         "primary", "secondary", "use", "need", "dose", "doses", "response", "responses", "improvement", "benefit",
         "risk", "safety", "number", "incidence", "total", "frequency", "proportion", "percentage", "status",
         "one", "two", "both", "all", "n", "p", "ci", "or", "vs", "mg", "children", "women", "men", "subjects"}


def clean(text: str) -> str | None:
    t = " ".join(text.lower().replace("\xa0", " ").split())
    t = re.sub(r"\s*\(.*?\)\s*", " ", t).strip(" .,;:-")
    t = re.sub(r"\s+([,.;:])", r"\1", t)
    for _ in range(3):
        t = _LEAD.sub("", t)
    t = t.strip(" .,;:-")
    if not t or t in _STOP or len(t) < 3 or len(t.split()) > 4 or re.search(r"\d|[;=<>%/]| and | or |,", t):
        return None
    if not re.match(r"^[a-z][a-z\- ']*[a-z]$", t):
        return None
    return t


def derive(data: Path, min_ebm: int, min_ei: int) -> list[str]:
    ebm, ei = Counter(), Counter()
    with open(data / "ebm_nlp" / "dev.jsonl", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 2:  # odd-numbered documents are the measurement half
                continue
            doc = json.loads(line)
            for span in doc["spans"]:
                if span["label"] == "O" and (term := clean(span["text"])):
                    ebm[term] += 1
    with open(data / "evidence_inference" / "train.jsonl", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            for prompt in doc["meta"].get("prompts", []):
                for part in re.split(r",|;| and ", prompt["outcome"]):
                    if term := clean(part):
                        ei[term] += 1
    keep = {t for t, n in ebm.items() if n >= min_ebm} | {t for t, n in ei.items() if n >= min_ei}
    return sorted(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--min-ebm", type=int, default=2)
    parser.add_argument("--min-ei", type=int, default=1)
    args = parser.parse_args()
    terms = derive(args.data, args.min_ebm, args.min_ei)
    payload = {
        "_doc": "OUTCOME terms derived by benchmarks/derive_outcome_terms.py from EBM-NLP O spans (even-numbered "
                "dev documents only) and Evidence Inference train outcome fields. Regenerate, do not hand-edit; "
                "hand-written rules live in outcomes.json.",
        "terms": terms,
    }
    OUT.write_text(json.dumps(payload, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(terms)} terms -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
