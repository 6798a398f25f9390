"""Effect direction of a result sentence (increase / decrease / no_change), learned from Evidence
Inference evidence passages and their `effect` labels.

A multinomial logistic regression over the sentence's words and word pairs (numbers mapped to `0`),
the words around its first change cue, and what the claim rules found (their direction,
significance, cue counts). claimx_claims asks it only about sentences where the rules see an effect
(a change word, a stated non-change or a significance); inference is a dictionary lookup per
feature. `train()` needs scikit-learn (`pip install 'claimx[train]'`).
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import PatternFileError, UsageError
from extractor.rules.loader import read_model_file, write_model_file

FORMAT = "claimx.direction_model.v1"
CLASSES = ("increase", "decrease", "no_change")
_WORD = re.compile(r"[a-z]+|0|[<>=≤≥]")  # one token of direction_features' words (claims._TOKEN)
GOLD = {"significantly_increased": "increase", "significantly_decreased": "decrease",
        "no_significant_difference": "no_change"}


@dataclass
class DirectionModel:
    weights: dict[str, list[float]]  # feature -> one weight per class (CLASSES order)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # feature -> weights, word -> weights (`u:` features), word pair -> weights (`b:`), so that
        # scoring looks each feature up once and makes no string per word; every name also stays in
        # the first table, so direction_features' strings score the same
        self._tables: tuple[dict[Any, list[float]], ...] = (dict(self.weights), {}, {})
        for name, w in self.weights.items():
            kind, body = name[:2], name[2:]
            if kind == "u:" and _WORD.fullmatch(body):
                self._tables[1][body] = w
            elif kind == "b:" and body.count("_") == 1 and all(map(_WORD.fullmatch, body.split("_"))):
                self._tables[2][tuple(body.split("_"))] = w

    def probabilities(self, features: Sequence[str], words: Sequence[str] = ()) -> dict[str, float]:
        """`words`: a token list standing for its `u:` and `b:` features (direction_parts), which
        `features` then leaves out."""
        other, uni, bi = self._tables
        hits = [*filter(None, map(other.get, features)), *filter(None, map(uni.get, set(words))),
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

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "classes": list(CLASSES), "meta": self.meta,
                "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "direction model") -> DirectionModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PatternFileError(f"{where}: not a {FORMAT} file")
        if data.get("classes") != list(CLASSES):
            raise PatternFileError(f"{where}: `classes` must be {list(CLASSES)}")
        weights = data.get("weights")
        if not isinstance(weights, dict) or not all(
                isinstance(v, list) and len(v) == len(CLASSES) and all(isinstance(x, (int, float)) for x in v)
                for v in weights.values()):
            raise PatternFileError(f"{where}: `weights` must map feature names to {len(CLASSES)} numbers")
        return cls({str(k): [float(x) for x in v] for k, v in weights.items()}, dict(data.get("meta", {})))

    def save(self, path: Path) -> None:
        write_model_file(Path(path), self.to_dict())

    @classmethod
    def load(cls, path: Path) -> DirectionModel:
        data = read_model_file(path, "direction model")
        return cls.from_dict(data, str(path))


def shipped_path() -> Path:
    from extractor.pipeline.shipped import models_root

    return models_root() / "claims" / "direction.json"


def read_passages(path: Path) -> list[tuple[str, str]]:
    """Evidence Inference JSONL -> [(passage text, gold direction)], each (text, effect) once."""
    if not Path(path).is_file():
        raise UsageError(f"training data {path} not found")
    seen, rows = set(), []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
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
    return rows


def _fit(feats: list[list[str]], labels: list[str], c: float, min_count: int) -> DirectionModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(f for fs in feats for f in set(fs))
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in fs if counts[f] >= min_count} for fs in feats])
    model = LogisticRegression(C=c, max_iter=5000, fit_intercept=False)
    model.fit(x, labels)
    order = [list(model.classes_).index(k) for k in CLASSES]
    weights = {}
    for j, name in enumerate(vectorizer.feature_names_):
        w = [float(model.coef_[k][j]) for k in order]
        if max(abs(v) for v in w) > 1e-3:
            weights[name] = w
    return DirectionModel(weights)


def cross_validate(rows: list[tuple[str, str]], featurize: Callable[[str], list[str]], c: float, min_count: int,
                   folds: int = 5, seed: int = 0) -> list[tuple[str, str, list[str]]]:
    """Out-of-fold (gold, predicted, features) per passage; folds group identical texts."""
    texts = sorted({t for t, _ in rows})
    random.Random(seed).shuffle(texts)
    fold_of = {t: i % folds for i, t in enumerate(texts)}
    feats = [featurize(t) for t, _ in rows]
    out: list[tuple[str, str, list[str]]] = [("", "", [])] * len(rows)
    for k in range(folds):
        train_i = [i for i, (t, _) in enumerate(rows) if fold_of[t] != k]
        model = _fit([feats[i] for i in train_i], [rows[i][1] for i in train_i], c, min_count)
        for i, (t, gold) in enumerate(rows):
            if fold_of[t] == k:
                out[i] = (gold, model.predict(feats[i])[0], feats[i])
    return out


def train(train_path: Path, dev_path: Path | None = None, c: float = 1.0,
          min_count: int = 2) -> tuple[DirectionModel, dict[str, Any]]:
    """Fit the direction model on Evidence Inference passages; returns it and its accuracies."""
    if not c > 0:
        raise UsageError(f"C must be positive, got {c}")
    if min_count < 1:
        raise UsageError(f"min_count must be at least 1, got {min_count}")
    try:
        import sklearn  # noqa: F401
    except ImportError as e:
        raise UsageError("training needs scikit-learn: pip install 'claimx[train]'") from e
    from extractor.components.claims import direction_features

    rows = read_passages(train_path)
    if len({gold for _, gold in rows}) < len(CLASSES):
        raise UsageError(f"{train_path}: training needs passages of all three effects {list(CLASSES)}")
    started = time.perf_counter()
    model = _fit([direction_features(t) for t, _ in rows], [g for _, g in rows], c, min_count)
    model.meta = {"train": str(train_path), "passages": len(rows), "C": c, "min_count": min_count,
                  "fit_seconds": round(time.perf_counter() - started, 1)}
    accuracy = {"train": evaluate(model, rows)}
    if dev_path is not None:
        accuracy["dev"] = evaluate(model, read_passages(dev_path))
        model.meta["dev"] = str(dev_path)
    model.meta["accuracy"] = accuracy
    return model, model.meta


def evaluate(model: DirectionModel, rows: list[tuple[str, str]]) -> float:
    """Accuracy of claimx's direction (rules + this model, as claimx_claims runs it) on passages."""
    from extractor.components.claims import assess

    return round(sum(assess(text, model=model).direction == gold for text, gold in rows) / max(1, len(rows)), 4)
