"""The two models of `claimx evidence`, learned from Evidence Inference's prompts and evidence spans.

* EffectModel: the effect of an intervention against a comparator on an outcome, as one passage
  states it (increase / decrease / no_change); a multinomial logistic regression over
  `evidence.features.effect_features` (the passage with the prompt's arms masked as placeholders).
* PassageRanker: which sentence of an article states a prompt's comparison; a logistic regression
  over `evidence.passages.passage_features`, trained on the sentences that overlap the prompt's
  evidence spans against the article's other sentences.

Both are linear.LinearModels (a dictionary lookup per feature). `train()` needs scikit-learn
(`pip install 'claimx[train]'`); the ranker's training needs the articles split into sentences,
which the caller gives (`split`: texts -> sentence offsets), so that learning/ does not import
the pipeline.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import UsageError
from extractor.learning.linear import LinearModel, check_options, fit_weights, jsonl_lines, require_sklearn

CLASSES = ("increase", "decrease", "no_change")
GOLD = {"significantly_increased": "increase", "significantly_decreased": "decrease",
        "no_significant_difference": "no_change"}
BIAS = "bias"


@dataclass(frozen=True)
class Example:
    text: str
    intervention: str
    comparator: str
    outcome: str
    effect: str
    doc_id: str = ""
    prompt_id: str = ""


@dataclass
class EffectModel(LinearModel):
    """feature -> one weight per class (CLASSES order); `bias` is every passage's feature."""

    FORMAT = "claimx.effect_model.v1"
    WHAT = "effect model"
    DIGITS = 4
    TOKEN = re.compile(r"INTV|COMP|OUTC|[a-z]+|0|[<>=≤≥]")
    NGRAM_ORDER = 2
    CLASSES = CLASSES

    weights: dict[str, list[float]]
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: Sequence[str]) -> dict[str, float]:
        hits = [w for w in map(self.weights.get, [BIAS, *features]) if w]
        z = [sum(column) for column in zip(*hits)] if hits else [0.0] * len(CLASSES)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        return {c: v / sum(e) for c, v in zip(CLASSES, e)}

    def predict(self, features: Sequence[str]) -> tuple[str, float]:
        probs = self.probabilities(features)
        best = max(probs, key=probs.get)
        return best, probs[best]


@dataclass
class PassageRanker(LinearModel):
    """feature -> weight; a sentence's score is the sum of its features' weights."""

    FORMAT = "claimx.passage_ranker.v1"
    WHAT = "passage ranker"
    DIGITS = 4
    TOKEN = re.compile(r"[a-z]+")
    NGRAM_ORDER = 1

    weights: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, features: Sequence[str]) -> float:
        get = self.weights.get
        return sum(get(f, 0.0) for f in (BIAS, *features))


def shipped_folder() -> Path:
    from extractor.pipeline.shipped import models_root

    return models_root() / "evidence"


def shipped_path() -> Path:
    return shipped_folder() / "effect.json"


def shipped_ranker_path() -> Path:
    return shipped_folder() / "passage.json"


def read_examples(path: Path) -> list[Example]:
    """Evidence Inference JSONL -> one Example per (passage, prompt), repeated annotations once."""
    seen, out = set(), []
    for i, line in jsonl_lines(path, "evidence_inference"):
        try:
            record = json.loads(line)
            for span in record["spans"]:
                if span["label"] != "EVIDENCE":
                    continue
                if span["effect"] not in GOLD:
                    raise KeyError(f"effect {span['effect']!r}")
                key = (span["text"].strip(), span["intervention"], span["comparator"], span["outcome"])
                if key in seen:
                    continue
                seen.add(key)
                out.append(Example(span["text"], span["intervention"], span["comparator"], span["outcome"],
                                   GOLD[span["effect"]], str(record.get("id", "")), str(span.get("prompt_id", ""))))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise UsageError(f"{path} line {i}: not an evidence_inference record ({e})") from e
    if not out:
        raise UsageError(f"{path}: no EVIDENCE spans with an effect in any record")
    return out


def example_features(example: Example) -> list[str]:
    from extractor.evidence.arms import Arms
    from extractor.evidence.features import effect_features

    arms = Arms.of(example.intervention, example.comparator, example.outcome, example.text)
    return effect_features(example.text, arms)


FLIPPED = {"increase": "decrease", "decrease": "increase", "no_change": "no_change"}


def swapped(example: Example) -> Example:
    """The same passage asked the other way round: comparator against intervention, effect flipped."""
    return Example(example.text, example.comparator, example.intervention, example.outcome,
                   FLIPPED[example.effect], example.doc_id, example.prompt_id)


def evaluate(model: EffectModel, examples: Sequence[Example]) -> dict[str, Any]:
    """Accuracy and the confusion (gold, predicted) counts."""
    pairs = [(e.effect, model.predict(example_features(e))[0]) for e in examples]
    confusion = Counter(pairs)
    return {"accuracy": round(sum(g == p for g, p in pairs) / max(1, len(pairs)), 4), "passages": len(pairs),
            "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())}}


Split = Callable[[Sequence[str]], list[list[tuple[int, int]]]]


def read_articles(path: Path) -> list[tuple[str, list[tuple[Example, list[tuple[int, int]]]]]]:
    """Evidence Inference JSONL -> (article text, [(prompt as an Example, its evidence spans)])."""
    out = []
    for i, line in jsonl_lines(path, "evidence_inference"):
        try:
            record = json.loads(line)
            evidence = [s for s in record["spans"] if s["label"] == "EVIDENCE"]
            prompts = []
            for p in record.get("meta", {}).get("prompts", []):
                spans = [(s["start"], s["end"]) for s in evidence if s.get("prompt_id") == p["prompt_id"]]
                if spans:
                    prompts.append((Example("", p["intervention"], p["comparator"], p["outcome"], "",
                                            str(record["id"]), str(p["prompt_id"])), spans))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise UsageError(f"{path} line {i}: not an evidence_inference record ({e})") from e
        if prompts:
            out.append((record["text"], prompts))
    if not out:
        raise UsageError(f"{path}: no article with prompts and evidence spans")
    return out


def ranking_examples(articles, split: Split) -> list[tuple[list[list[str]], list[bool]]]:
    """Per prompt: its article's sentences' features and whether each overlaps an evidence span."""
    from extractor.evidence.arms import Arms
    from extractor.evidence.passages import sentence_features

    sentences = split([text for text, _ in articles])
    out = []
    for (text, prompts), spans_of in zip(articles, sentences):
        for example, gold in prompts:
            arms = Arms.of(example.intervention, example.comparator, example.outcome, text)
            feats = sentence_features(text, spans_of, arms)
            labels = [any(a < e and s < b for s, e in gold) for a, b in spans_of]
            out.append((feats, labels))
    return out


def top_found(ranker: PassageRanker, examples) -> float:
    """How often the best-scored sentence overlaps an evidence span of the prompt."""
    hits = [labels[max(range(len(feats)), key=lambda k: ranker.score(feats[k]))]
            for feats, labels in examples if feats]
    return round(sum(hits) / max(1, len(hits)), 4)


def train_ranker(train_path: Path, dev_path: Path | None, split: Split, c: float = 0.1,
                 min_count: int = 2) -> tuple[PassageRanker, dict[str, Any]]:
    check_options(c, min_count)
    require_sklearn()
    started = time.perf_counter()
    examples = ranking_examples(read_articles(train_path), split)
    feats = [[BIAS, *f] for fs, _ in examples for f in fs]
    labels = [y for _, ys in examples for y in ys]
    ranker = PassageRanker(fit_weights(feats, labels, c=c, min_count=min_count, max_iter=5000, min_weight=1e-4))
    ranker.meta = {"train": Path(train_path).name, "prompts": len(examples), "sentences": len(labels), "C": c,
                   "min_count": min_count, "fit_seconds": round(time.perf_counter() - started, 1)}
    scores = {"train": top_found(ranker, examples)}
    if dev_path is not None:
        scores["dev"] = top_found(ranker, ranking_examples(read_articles(dev_path), split))
        ranker.meta["dev"] = Path(dev_path).name
    ranker.meta["top_sentence_is_evidence"] = scores
    return ranker, ranker.meta


def train(train_path: Path, dev_path: Path | None = None, c: float = 0.05, min_count: int = 2,
          swap: bool = False) -> tuple[EffectModel, dict[str, Any]]:
    """Fit the effect model on Evidence Inference prompts and passages; returns it and its scores.

    swap: also train on every passage asked the other way round (comparator against intervention,
    the effect flipped) where that changes its features, so that the model reads which arm a
    change word is said of rather than assuming it is the intervention. On Evidence Inference dev
    it trades accuracy on prompts asked the usual way for accuracy on prompts asked the other way
    round (docs/evidence.md), so it is off by default."""
    check_options(c, min_count)
    require_sklearn()
    examples = read_examples(train_path)
    if len({e.effect for e in examples}) < len(CLASSES):
        raise UsageError(f"{train_path}: training needs passages of all three effects {list(CLASSES)}")
    started = time.perf_counter()
    feats = [[BIAS, *example_features(e)] for e in examples]
    labels = [e.effect for e in examples]
    if swap:
        for example, features in zip(list(examples), list(feats)):
            other = [BIAS, *example_features(swapped(example))]
            if other != features:
                feats.append(other)
                labels.append(FLIPPED[example.effect])
    model = EffectModel(fit_weights(feats, labels, c=c, min_count=min_count,
                                    max_iter=5000, min_weight=1e-3, classes=CLASSES))
    model.meta = {"train": Path(train_path).name, "passages": len(examples), "swapped": len(labels) - len(examples),
                  "C": c, "min_count": min_count, "fit_seconds": round(time.perf_counter() - started, 1)}
    scores = {"train": evaluate(model, examples)}
    if dev_path is not None:
        dev = read_examples(dev_path)
        scores["dev"] = evaluate(model, dev)
        scores["dev_swapped"] = evaluate(model, [swapped(e) for e in dev])
        model.meta["dev"] = Path(dev_path).name
    model.meta["scores"] = scores
    return model, model.meta
