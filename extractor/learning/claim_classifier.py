"""Sentence classifier CLAIM vs not: logistic regression over words, word pairs and triples, the
opening words, the neighbouring sentences' opening words, the sentence's length and its position
in its paragraph (claims cluster at the end of abstracts). Features are scaled by their naive Bayes
log-count ratio before fitting (NB-LR, Wang & Manning 2012); the scale is folded into the weights.

Inference is a dictionary lookup per feature (no scikit-learn needed at run time); the weights
ship as one small JSON file (a linear.LinearModel). `train()` needs scikit-learn
(`pip install 'claimx[train]'`).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from extractor.errors import PatternFileError, UsageError
from extractor.learning.linear import (
    LinearModel,
    check_options,
    fit_weights,
    is_number,
    jsonl_lines,
    require_sklearn,
)

_TOKEN = re.compile(r"[a-z]+|0|[^\sa-z0-9]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def words(text: str) -> list[str]:
    """Lower-cased word tokens with every number replaced by `0`."""
    return _TOKEN.findall(_NUMBER.sub("0", text.lower()))


def _position_features(index: int, count: int, w: list[str]) -> list[str]:
    feats = [f"f1:{'_'.join(w[:1])}", f"f2:{'_'.join(w[:2])}", f"f3:{'_'.join(w[:3])}"]
    relative = index / (count - 1) if count > 1 else 1.0
    feats.append(f"pos{min(4, int(relative * 5))}")
    if count >= 3:
        feats.append(f"fromend{min(3, count - 1 - index)}")
    if index == 0:
        feats.append("first")
    return feats


def _context_features(tokens: list[list[str]], i: int) -> list[str]:
    """Sentence `i`'s features other than its word n-grams: opening words, position in the paragraph,
    the neighbours' opening words, its length."""
    n, w = len(tokens), tokens[i]
    feats = ["bias"] + _position_features(i, n, w)
    for j, name in ((i - 1, "p"), (i + 1, "n")):
        if 0 <= j < n:
            feats += [f"{name}f1:{'_'.join(tokens[j][:1])}", f"{name}f2:{'_'.join(tokens[j][:2])}"]
        else:
            feats.append(f"{name}:none")
    from_end = min(6, n - 1 - i)
    feats += [f"len{min(6, len(w) // 8)}", f"fe{from_end}", f"n{min(12, n)}", f"fe{from_end}|n{min(12, n) // 3}"]
    if i >= n - 3:  # opening words of the last sentences ("these results suggest")
        feats += [f"end:{a}" for a in set(w[:4])]
    return feats


def paragraph_features(sentences: Sequence[str]) -> list[list[str]]:
    """Each sentence's own features (words, word pairs and triples) plus its context in the paragraph."""
    tokens = [words(s) for s in sentences]
    out = []
    for i, w in enumerate(tokens):
        feats = _context_features(tokens, i)
        feats += [f"u:{a}" for a in set(w)]
        feats += [f"b:{a}_{b}" for a, b in set(zip(w, w[1:]))]
        feats += [f"t:{a}_{b}_{c}" for a, b, c in set(zip(w, w[1:], w[2:]))]
        out.append(feats)
    return out


@dataclass
class ClaimClassifier(LinearModel):
    """Logistic regression: feature -> weight; a sentence is a claim at score() >= threshold."""

    FORMAT = "claimx.claim_classifier.v1"
    WHAT = "claim classifier"
    DIGITS = 5
    TOKEN = re.compile(_TOKEN.pattern)  # one whole token of words()
    NGRAM_ORDER = 3

    weights: dict[str, float]
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # word n-gram weights keyed by token tuples, so scoring does not format a string per n-gram;
        # None (a name paragraph_features does not make): score through the strings
        self._ngrams = self.ngram_tables()

    def score(self, features: Sequence[str]) -> float:
        return _logistic(sum(map(self.weights.get, features, repeat(0.0))))

    def score_paragraph(self, sentences: Sequence[str]) -> list[float]:
        """score() of each sentence's paragraph_features(), without building the n-gram names."""
        if self._ngrams is None:
            return [self.score(f) for f in paragraph_features(sentences)]
        get = self.weights.get
        uni, bi, tri = (table.get for table in self._ngrams)
        tokens = [words(s) for s in sentences]
        scores = []
        for i, w in enumerate(tokens):
            z = sum(map(get, _context_features(tokens, i), repeat(0.0)))
            z += sum(map(uni, set(w), repeat(0.0)))
            z += sum(map(bi, set(zip(w, w[1:])), repeat(0.0)))
            z += sum(map(tri, set(zip(w, w[1:], w[2:])), repeat(0.0)))
            scores.append(_logistic(z))
        return scores

    def header(self) -> dict[str, Any]:
        return {"threshold": self.threshold}

    @classmethod
    def read_header(cls, data: dict[str, Any], where: str) -> dict[str, Any]:
        threshold = data.get("threshold", 0.5)
        if not is_number(threshold):
            raise PatternFileError(f"{where}: `threshold` must be a number, got {threshold!r}")
        return {"threshold": float(threshold)}


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def shipped_path() -> Path:
    from extractor.pipeline.shipped import models_root

    return models_root() / "claims" / "classifier.json"


def read_corpus(path: Path) -> list[tuple[list[str], list[bool]]]:
    """Claims-corpus JSONL -> [(sentences, is_claim)] per abstract (spans CLAIM / NOT_CLAIM)."""
    docs = []
    for i, line in jsonl_lines(path, "claims"):
        try:
            record = json.loads(line)
            spans = sorted(record["spans"], key=lambda s: s["start"])
            docs.append(([record["text"][s["start"]:s["end"]] for s in spans],
                         [s["label"] == "CLAIM" for s in spans]))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise UsageError(f"{path} line {i}: not a claims record ({e})") from e
    if not any(labels for _, labels in docs):
        raise UsageError(f"{path}: no sentence spans (CLAIM / NOT_CLAIM) in any record")
    return docs


def evaluate(classifier: ClaimClassifier, docs: list[tuple[list[str], list[bool]]]) -> dict[str, float]:
    tp = fp = fn = 0
    for sentences, gold in docs:
        for score, is_claim in zip(classifier.score_paragraph(sentences), gold):
            predicted = score >= classifier.threshold
            tp += predicted and is_claim
            fp += predicted and not is_claim
            fn += is_claim and not predicted
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def nb_ratios(x: Any, labels: Sequence[bool]) -> Any:
    """Naive Bayes log-count ratio of each (binary) feature column, add-one smoothed."""
    import numpy as np

    y = np.asarray(labels, dtype=bool)
    if y.all() or not y.any():
        raise UsageError("training needs both CLAIM and NOT_CLAIM sentences")
    p = np.asarray(x[y].sum(axis=0)).ravel() + 1.0
    q = np.asarray(x[~y].sum(axis=0)).ravel() + 1.0
    return np.log((p / p.sum()) / (q / q.sum()))


def train(train_path: Path, dev_path: Path | None = None, c: float = 0.3, min_count: int = 2,
          threshold: float = 0.45, nb_scaling: bool = True) -> tuple[ClaimClassifier, dict[str, Any]]:
    """Fit the classifier on a claims corpus; returns it and its scores (dev when given).
    Defaults chosen by 5-fold cross-validation on the claims train split (docs/claims.md)."""
    check_options(c, min_count)
    if not 0 < threshold < 1:
        raise UsageError(f"threshold must be between 0 and 1, got {threshold}")
    require_sklearn()
    docs = read_corpus(train_path)
    feats = [f for sentences, _ in docs for f in paragraph_features(sentences)]
    labels = [y for _, ys in docs for y in ys]
    started = time.perf_counter()
    weights = fit_weights(feats, labels, c=c, min_count=min_count, max_iter=3000, min_weight=1e-4,
                          class_weight="balanced", scale=nb_ratios if nb_scaling else None)
    meta = {"train": str(train_path), "sentences": len(labels), "C": c, "min_count": min_count,
            "nb_scaling": nb_scaling, "threshold": threshold, "fit_seconds": round(time.perf_counter() - started, 1)}
    classifier = ClaimClassifier(weights, threshold, meta)
    scores: dict[str, Any] = {"train": evaluate(classifier, docs)}
    if dev_path is not None:
        scores["dev"] = evaluate(classifier, read_corpus(dev_path))
        meta["dev"] = str(dev_path)
    meta["scores"] = scores
    return classifier, scores
