"""Sentence classifier CLAIM vs not: logistic regression over words, word pairs and triples, the
opening words, the neighbouring sentences' opening words, the sentence's length and its position
in its paragraph (claims cluster at the end of abstracts). Features are scaled by their naive Bayes
log-count ratio before fitting (NB-LR, Wang & Manning 2012); the scale is folded into the weights.

Inference is a dictionary lookup per feature (no scikit-learn needed at run time); the weights
ship as one small JSON file. `train()` needs scikit-learn (`pip install 'claimx[train]'`).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from extractor.errors import PatternFileError, UsageError
from extractor.rules.loader import read_model_file, write_model_file

FORMAT = "claimx.claim_classifier.v1"
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


def _split_ngram(body: str, n: int) -> tuple[str, ...] | None:
    """`a_b_c` -> ("a", "b", "c") when exactly one split into `n` words() tokens exists (`_` is a token too)."""
    if n == 1:
        return (body,) if _WHOLE_TOKEN.fullmatch(body) else None
    found = None
    for i, ch in enumerate(body):
        if ch == "_" and _WHOLE_TOKEN.fullmatch(body[:i]):
            rest = _split_ngram(body[i + 1:], n - 1)
            if rest is not None:
                if found is not None:
                    return None  # ambiguous
                found = (body[:i], *rest)
    return found


_WHOLE_TOKEN = re.compile(_TOKEN.pattern)
_NGRAMS = {"u:": 1, "b:": 2, "t:": 3}


@dataclass
class ClaimClassifier:
    weights: dict[str, float]
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # word n-gram weights keyed by token tuples, so scoring does not format a string per n-gram
        self._ngrams: dict[int, dict[Any, float]] | None = {1: {}, 2: {}, 3: {}}
        for name, weight in self.weights.items():
            n = _NGRAMS.get(name[:2])
            if n is not None:
                key = _split_ngram(name[2:], n)
                if key is None:  # not a name paragraph_features makes: score through the strings
                    self._ngrams = None
                    break
                self._ngrams[n][key[0] if n == 1 else key] = weight

    def score(self, features: Sequence[str]) -> float:
        return _logistic(sum(map(self.weights.get, features, repeat(0.0))))

    def score_paragraph(self, sentences: Sequence[str]) -> list[float]:
        """score() of each sentence's paragraph_features(), without building the n-gram names."""
        if self._ngrams is None:
            return [self.score(f) for f in paragraph_features(sentences)]
        get = self.weights.get
        uni, bi, tri = (self._ngrams[n].get for n in (1, 2, 3))
        tokens = [words(s) for s in sentences]
        scores = []
        for i, w in enumerate(tokens):
            z = sum(map(get, _context_features(tokens, i), repeat(0.0)))
            z += sum(map(uni, set(w), repeat(0.0)))
            z += sum(map(bi, set(zip(w, w[1:])), repeat(0.0)))
            z += sum(map(tri, set(zip(w, w[1:], w[2:])), repeat(0.0)))
            scores.append(_logistic(z))
        return scores

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "threshold": self.threshold, "meta": self.meta,
                "weights": {k: round(v, 5) for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "claim classifier") -> ClaimClassifier:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PatternFileError(f"{where}: not a {FORMAT} file")
        weights = data.get("weights")
        if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) for v in weights.values()):
            raise PatternFileError(f"{where}: `weights` must map feature names to numbers")
        return cls({str(k): float(v) for k, v in weights.items()}, float(data.get("threshold", 0.5)),
                   dict(data.get("meta", {})))

    def save(self, path: Path) -> None:
        write_model_file(Path(path), self.to_dict())

    @classmethod
    def load(cls, path: Path) -> ClaimClassifier:
        data = read_model_file(path, "claim classifier")
        return cls.from_dict(data, str(path))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def shipped_path() -> Path:
    from extractor.pipeline.shipped import models_root

    return models_root() / "claims" / "classifier.json"


def read_corpus(path: Path) -> list[tuple[list[str], list[bool]]]:
    """Claims-corpus JSONL -> [(sentences, is_claim)] per abstract (spans CLAIM / NOT_CLAIM)."""
    if not Path(path).is_file():
        raise UsageError(f"training data {path} not found")
    docs = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                spans = sorted(record["spans"], key=lambda s: s["start"])
                docs.append(([record["text"][s["start"]:s["end"]] for s in spans],
                             [s["label"] == "CLAIM" for s in spans]))
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise UsageError(f"{path} line {i}: not a claims record ({e})") from e
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
    if not c > 0:
        raise UsageError(f"C must be positive, got {c}")
    if min_count < 1:
        raise UsageError(f"min_count must be at least 1, got {min_count}")
    if not 0 < threshold < 1:
        raise UsageError(f"threshold must be between 0 and 1, got {threshold}")
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:
        raise UsageError("training needs scikit-learn: pip install 'claimx[train]'") from e
    docs = read_corpus(train_path)
    feats = [f for sentences, _ in docs for f in paragraph_features(sentences)]
    labels = [y for _, ys in docs for y in ys]
    counts = Counter(f for fs in feats for f in fs)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([{f: 1 for f in fs if counts[f] >= min_count} for fs in feats])
    scale = nb_ratios(x, labels) if nb_scaling else None
    if scale is not None:
        from scipy.sparse import diags

        x = x @ diags(scale)
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", fit_intercept=False)
    started = time.perf_counter()
    model.fit(x, labels)
    coef = model.coef_[0] * scale if scale is not None else model.coef_[0]
    weights = {name: float(w) for name, w in zip(vectorizer.feature_names_, coef) if abs(w) > 1e-4}
    meta = {"train": str(train_path), "sentences": len(labels), "C": c, "min_count": min_count,
            "nb_scaling": nb_scaling, "threshold": threshold, "fit_seconds": round(time.perf_counter() - started, 1)}
    classifier = ClaimClassifier(weights, threshold, meta)
    scores: dict[str, Any] = {"train": evaluate(classifier, docs)}
    if dev_path is not None:
        scores["dev"] = evaluate(classifier, read_corpus(dev_path))
        meta["dev"] = str(dev_path)
    meta["scores"] = scores
    return classifier, scores
