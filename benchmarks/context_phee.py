"""Negation/speculation of PHEE events: claimx_context vs negspacy vs medspaCy's ConText.

Gold: PHEE dev events (../shared/data/phee/dev.jsonl); an event is negated / speculated when its
`attributes` say so. Each system is asked whether the event's trigger span is in the scope of a
negation / hedging cue. Reports P/R/F1 per attribute, and (claimx only) cue-level F1 against the
NEGATION_CUE / SPECULATION_CUE spans (overlap).
Usage: python benchmarks/context_phee.py --system claimx|negspacy|context [--data ../shared/data]
negspacy and medspacy are not claimx dependencies: install them in a separate environment.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read(path: Path) -> list[tuple[str, list[tuple[int, int, bool, bool]], list[tuple[int, int, str]]]]:
    """(text, [(start, end, negated, speculated)] per event trigger, gold cue spans)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            spans = record["spans"]
            targets = []
            for event in record.get("events", []):
                if not event.get("trigger"):
                    continue
                trigger = spans[event["trigger"][0]]
                attrs = event.get("attributes", {})
                targets.append((trigger["start"], trigger["end"],
                                bool(attrs.get("negated", {}).get("value")),
                                bool(attrs.get("speculated", {}).get("value"))))
            cues = [(s["start"], s["end"], s["label"]) for s in spans
                    if s["label"] in ("NEGATION_CUE", "SPECULATION_CUE")]
            out.append((record["text"], targets, cues))
    return out


def prf(pairs: list[tuple[bool, bool]]) -> str:
    tp = sum(g and p for g, p in pairs)
    fp = sum(p and not g for g, p in pairs)
    fn = sum(g and not p for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f} (gold {tp + fn}, predicted {tp + fp})"


def run_claimx(data):
    sys.path.insert(0, str(ROOT))
    from extractor.pipeline.load import load

    nlp = load("default")
    results, cue_pairs = [], {"NEGATION_CUE": [0, 0, 0], "SPECULATION_CUE": [0, 0, 0]}
    from extractor.components.context import find_cues

    annotator = nlp.get_pipe("claimx_context")
    for text, targets, gold_cues in data:
        doc = nlp.make_doc(text)
        spans = [doc.char_span(a, b, label="EVENT", alignment_mode="expand") for a, b, _, _ in targets]
        for name, proc in nlp.pipeline:
            if name == "claimx_context":
                doc.spans["events"] = [s for s in spans if s is not None]
            if name == "claimx_claims":
                break
            doc = proc(doc)
        for span, (_, _, neg, spec) in zip(spans, targets):
            got = (span._.negated, span._.hedged) if span is not None else (False, False)
            results.append(((neg, got[0]), (spec, got[1])))
        found = find_cues(doc, annotator.matcher, annotator.rules)
        for label, kind in (("NEGATION_CUE", "negation"), ("SPECULATION_CUE", "hedge")):
            pred = [(doc[c.start:c.end].start_char, doc[c.start:c.end].end_char) for c in found if c.kind == kind]
            gold = [(a, b) for a, b, lab in gold_cues if lab == label]
            counts = cue_pairs[label]
            counts[0] += sum(any(a < d and c < b for c, d in gold) for a, b in pred)
            counts[1] += len(pred)
            counts[2] += len(gold)
    for label, (hit, n_pred, n_gold) in cue_pairs.items():
        p, r = hit / max(1, n_pred), hit / max(1, n_gold)
        print(f"cue {label}: P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f} (gold {n_gold})")
    return results


def _ents_pipeline(component: str):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    if component == "negspacy":
        from negspacy.negation import Negex  # noqa: F401
        from negspacy.termsets import termset

        nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns(), "ent_types": ["EVENT"]})
    else:
        import medspacy.context  # noqa: F401

        nlp.add_pipe("medspacy_context")
    return nlp


def run_ents(data, component: str):
    from spacy.tokens import Span
    from spacy.util import filter_spans

    nlp = _ents_pipeline(component)
    results = []
    for text, targets, _ in data:
        doc = nlp.make_doc(text)
        spans = [doc.char_span(a, b, label="EVENT", alignment_mode="expand") for a, b, _, _ in targets]
        doc.ents = filter_spans([s for s in spans if s is not None])
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        by_offsets = {(e.start, e.end): e for e in doc.ents}
        for span, (_, _, neg, spec) in zip(spans, targets):
            ent: Span | None = by_offsets.get((span.start, span.end)) if span is not None else None
            if ent is None:
                results.append(((neg, False), (spec, False)))
            elif component == "negspacy":
                results.append(((neg, bool(ent._.negex)), (spec, False)))
            else:
                results.append(((neg, bool(ent._.is_negated)),
                                (spec, bool(ent._.is_uncertain or ent._.is_hypothetical))))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--system", choices=["claimx", "negspacy", "context"], default="claimx")
    parser.add_argument("--split", choices=["train", "dev"], default="dev")
    args = parser.parse_args()
    data = read(args.data / "phee" / f"{args.split}.jsonl")
    results = run_claimx(data) if args.system == "claimx" else run_ents(data, args.system)
    print(f"{args.system} on PHEE {args.split}: {len(results)} events")
    print("negated   ", prf([r[0] for r in results]))
    print("speculated", prf([r[1] for r in results]))


if __name__ == "__main__":
    main()
