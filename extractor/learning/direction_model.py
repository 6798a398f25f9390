"""Effect direction of a result sentence (increase / decrease / no_change), learned from Evidence
Inference evidence passages and their `effect` labels.

A multinomial logistic regression over the sentence's words and word pairs (numbers mapped to `0`),
the words around its first change cue, and what the claim rules found (their direction,
significance, cue counts). claimx_claims asks it only about sentences where the rules see an effect
(a change word, a stated non-change or a significance); inference is a dictionary lookup per
feature (a linear.LinearModel). `train()` needs scikit-learn (`pip install 'claimx[train]'`).

This module does not know the features: the trainer is given the featurizer
(`components.claims.direction_features`) and, to score, how claimx decides a sentence's direction
with a model (`claims.assess`), so that learning/ never imports the components that use its models.
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import UsageError
from extractor.learning.linear import LinearModel, check_options, fit_weights, jsonl_lines, require_sklearn

CLASSES = ("increase", "decrease", "no_change")
GOLD = {"significantly_increased": "increase", "significantly_decreased": "decrease",
        "no_significant_difference": "no_change"}
Featurize = Callable[[str], list[str]]
DirectionOf = Callable[[str, "DirectionModel"], str]


@dataclass
class DirectionModel(LinearModel):
    """Multinomial logistic regression: feature -> one weight per class (CLASSES order)."""

    FORMAT = "claimx.direction_model.v1"
    WHAT = "direction model"
    DIGITS = 4
    TOKEN = re.compile(r"[a-z]+|0|[<>=≤≥]")  # one token of direction_features' words (claims._TOKEN)
    NGRAM_ORDER = 2
    CLASSES = CLASSES

    weights: dict[str, list[float]]
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # word -> weights (`u:` features), word pair -> weights (`b:`), so that scoring makes no
        # string per word; None (a name direction_features does not make): score through the strings
        self._ngrams = self.ngram_tables()

    def probabilities(self, features: Sequence[str], words: Sequence[str] = ()) -> dict[str, float]:
        """`words`: a token list standing for its `u:` and `b:` features (direction_parts), which
        `features` then leaves out."""
        get = self.weights.get
        if self._ngrams is None:
            features = [*features, *{f"u:{a}" for a in words}, *{f"b:{a}_{b}" for a, b in zip(words, words[1:])}]
            words = ()
        uni, bi = self._ngrams or ({}, {})
        hits = [*filter(None, map(get, features)), *filter(None, map(uni.get, set(words))),
                *filter(None, map(bi.get, set(zip(words, words[1:]))))]
        z = [sum(column) for column in zip(*hits)] if hits else [0.0] * len(CLASSES)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {c: v / total for c, v in zip(CLASSES, e)}

    def predict(self, features: Sequence[str], words: Sequence[str] = ()) -> tuple[str, float]:
        probs = self.probabilities(features, words)
        best = max(probs, key=probs.get)
        return best, probs[best]


def shipped_path() -> Path:
    from extractor.pipeline.shipped import models_root

    return models_root() / "claims" / "direction.json"


def read_passages(path: Path) -> list[tuple[str, str]]:
    """Evidence Inference JSONL -> [(passage text, gold direction)], each (text, effect) once."""
    seen, rows = set(), []
    for i, line in jsonl_lines(path, "evidence_inference"):
        try:
            for span in json.loads(line)["spans"]:
                if span["label"] != "EVIDENCE" or (span["text"], span["effect"]) in seen:
                    continue
                if span["effect"] not in GOLD:
                    raise KeyError(f"effect {span['effect']!r}")
                seen.add((span["text"], span["effect"]))
                rows.append((span["text"], GOLD[span["effect"]]))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise UsageError(f"{path} line {i}: not an evidence_inference record ({e})") from e
    if not rows:
        raise UsageError(f"{path}: no EVIDENCE spans with an effect in any record")
    return rows


def fit(feats: list[list[str]], labels: list[str], c: float, min_count: int) -> DirectionModel:
    """The model of passages' features and gold directions (scikit-learn)."""
    return DirectionModel(fit_weights(feats, labels, c=c, min_count=min_count, max_iter=5000, min_weight=1e-3,
                                      classes=CLASSES))


def cross_validate(rows: list[tuple[str, str]], featurize: Featurize, c: float, min_count: int,
                   folds: int = 5, seed: int = 0) -> list[tuple[str, str, list[str]]]:
    """Out-of-fold (gold, predicted, features) per passage; folds group identical texts."""
    texts = sorted({t for t, _ in rows})
    random.Random(seed).shuffle(texts)
    fold_of = {t: i % folds for i, t in enumerate(texts)}
    feats = [featurize(t) for t, _ in rows]
    out: list[tuple[str, str, list[str]]] = [("", "", [])] * len(rows)
    for k in range(folds):
        train_i = [i for i, (t, _) in enumerate(rows) if fold_of[t] != k]
        model = fit([feats[i] for i in train_i], [rows[i][1] for i in train_i], c, min_count)
        for i, (t, gold) in enumerate(rows):
            if fold_of[t] == k:
                out[i] = (gold, model.predict(feats[i])[0], feats[i])
    return out


def train(train_path: Path, dev_path: Path | None = None, c: float = 1.0, min_count: int = 2, *,
          featurize: Featurize, direction_of: DirectionOf | None = None) -> tuple[DirectionModel, dict[str, Any]]:
    """Fit the direction model on Evidence Inference passages; returns it and its accuracies.

    `featurize`: a passage's features (claims.direction_features); `direction_of(text, model)`: the
    direction claimx gives a passage with the model (rules + model, as claimx_claims runs it), which
    the accuracies measure; without it, the model's own prediction."""
    check_options(c, min_count)
    require_sklearn()
    rows = read_passages(train_path)
    if len({gold for _, gold in rows}) < len(CLASSES):
        raise UsageError(f"{train_path}: training needs passages of all three effects {list(CLASSES)}")
    started = time.perf_counter()
    model = fit([featurize(t) for t, _ in rows], [g for _, g in rows], c, min_count)
    model.meta = {"train": str(train_path), "passages": len(rows), "C": c, "min_count": min_count,
                  "fit_seconds": round(time.perf_counter() - started, 1)}
    decide = direction_of or (lambda text, m: m.predict(featurize(text))[0])
    accuracy = {"train": evaluate(model, rows, decide)}
    if dev_path is not None:
        accuracy["dev"] = evaluate(model, read_passages(dev_path), decide)
        model.meta["dev"] = str(dev_path)
    model.meta["accuracy"] = accuracy
    return model, model.meta


def evaluate(model: DirectionModel, rows: list[tuple[str, str]], direction_of: DirectionOf) -> float:
    """Accuracy on passages of the direction `direction_of(text, model)` gives."""
    return round(sum(direction_of(text, model) == gold for text, gold in rows) / max(1, len(rows)), 4)
