"""The base of claimx's linear models: named binary features, their weights, one small JSON file.

A model is `weights`, feature name -> its weight (one number, or one per class in `CLASSES` order),
and `meta` (how it was trained). There is no separate intercept: the models are fit without one,
and a feature every example has (the claim classifier's `bias`) plays its part. Scoring is a
dictionary lookup per feature; word n-gram features (`u:a`, `b:a_b`, `t:a_b_c`) are also indexed by
their token tuples (`ngram_tables`), so a model can score a token list without building a string per
n-gram. fit_weights() needs scikit-learn (`pip install 'claimx[train]'`).

A subclass is a dataclass with `weights` and `meta` among its fields and sets FORMAT (the file's
format tag), WHAT (its name in messages), DIGITS (decimals kept on save), TOKEN (one token of its
n-gram names) and NGRAM_ORDER; a multiclass one sets CLASSES. Fields besides those go through
header() / read_header().
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from extractor.errors import PatternFileError, UsageError
from extractor.rules.loader import read_model_file, write_model_file

M = TypeVar("M", bound="LinearModel")
_PREFIXES = ("u:", "b:", "t:")  # word, word pair, word triple
_NUMBER_TYPES = (int, float)


class LinearModel:
    FORMAT: ClassVar[str]
    WHAT: ClassVar[str]
    DIGITS: ClassVar[int]
    TOKEN: ClassVar[re.Pattern]
    NGRAM_ORDER: ClassVar[int] = 2
    CLASSES: ClassVar[tuple[str, ...]] = ()  # (): one weight per feature

    weights: dict[str, Any]
    meta: dict[str, Any]

    # --- scoring helpers -------------------------------------------------------------------

    def ngram_tables(self) -> tuple[dict[Any, Any], ...] | None:
        """Word n-gram weights keyed by token tuples, one table per order (a word alone for order 1);
        None when a `u:`/`b:`/`t:` name does not split into TOKENs in exactly one way (score such a
        model through the feature strings)."""
        tables: tuple[dict[Any, Any], ...] = tuple({} for _ in range(self.NGRAM_ORDER))
        orders = {prefix: n for n, prefix in enumerate(_PREFIXES[:self.NGRAM_ORDER], 1)}
        for name, weight in self.weights.items():
            n = orders.get(name[:2])
            if n is not None:
                key = split_ngram(name[2:], n, self.TOKEN)
                if key is None:
                    return None
                tables[n - 1][key[0] if n == 1 else key] = weight
        return tables

    # --- the file --------------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        """The file's fields besides format, classes, meta and weights."""
        return {}

    @classmethod
    def read_header(cls, data: dict[str, Any], where: str) -> dict[str, Any]:
        """Constructor keywords from the fields header() writes (checked; `where` names the file)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        digits = self.DIGITS
        if self.CLASSES:
            weights = {k: [round(x, digits) for x in v] for k, v in sorted(self.weights.items())}
        else:
            weights = {k: round(v, digits) for k, v in sorted(self.weights.items())}
        classes = {"classes": list(self.CLASSES)} if self.CLASSES else {}
        return {"format": self.FORMAT, **classes, **self.header(), "meta": self.meta, "weights": weights}

    @classmethod
    def from_dict(cls: type[M], data: Any, where: str | None = None) -> M:
        where = where or cls.WHAT
        if not isinstance(data, dict) or data.get("format") != cls.FORMAT:
            raise PatternFileError(f"{where}: not a {cls.FORMAT} file")
        if cls.CLASSES and data.get("classes") != list(cls.CLASSES):
            raise PatternFileError(f"{where}: `classes` must be {list(cls.CLASSES)}")
        weights = data.get("weights")
        if not isinstance(weights, dict) or not all(map(cls._is_weight, weights.values())):
            what = f"{len(cls.CLASSES)} numbers" if cls.CLASSES else "numbers"
            raise PatternFileError(f"{where}: `weights` must map feature names to {what}")
        meta = data.get("meta", {})
        if not isinstance(meta, dict):
            raise PatternFileError(f"{where}: `meta` must be an object")
        if cls.CLASSES:
            parsed: dict[str, Any] = {k: [float(x) for x in v] for k, v in weights.items()}
        else:
            parsed = dict(zip(weights, map(float, weights.values())))  # JSON keys are strings
        return cls(weights=parsed, meta=dict(meta), **cls.read_header(data, where))

    @classmethod
    def _is_weight(cls, value: Any) -> bool:
        # type() rather than isinstance: JSON gives int, float or bool, and a bool is no weight
        # (a model has tens of thousands of weights, read at every start)
        if not cls.CLASSES:
            return type(value) in _NUMBER_TYPES
        return (type(value) is list and len(value) == len(cls.CLASSES)
                and all(type(x) in _NUMBER_TYPES for x in value))

    def save(self, path: Path) -> None:
        write_model_file(Path(path), self.to_dict())

    @classmethod
    def load(cls: type[M], path: Path) -> M:
        return cls.from_dict(read_model_file(path, cls.WHAT), f"{cls.WHAT} {path}")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def split_ngram(body: str, n: int, token: re.Pattern) -> tuple[str, ...] | None:
    """`a_b_c` -> ("a", "b", "c") when exactly one split into `n` tokens exists (`_` may be a token too)."""
    if n == 1:
        return (body,) if token.fullmatch(body) else None
    if body.count("_") == n - 1:  # the one way to cut it in n (most names): no search
        parts = tuple(body.split("_"))
        return parts if all(map(token.fullmatch, parts)) else None
    found = None
    for i, ch in enumerate(body):
        if ch == "_" and token.fullmatch(body[:i]):
            rest = split_ngram(body[i + 1:], n - 1, token)
            if rest is not None:
                if found is not None:
                    return None  # ambiguous
                found = (body[:i], *rest)
    return found


# --- training --------------------------------------------------------------------------------

def jsonl_lines(path: Path, what: str) -> Iterator[tuple[int, str]]:
    """(line number, line) of each non-blank line of a training JSONL file of `what` records.

    A missing file, a line that is not UTF-8 and a file without any record raise UsageError naming
    the file (and the line), so `claimx train` says what is wrong in one line (exit 2)."""
    if not Path(path).is_file():
        raise UsageError(f"training data {path} not found" if not Path(path).exists()
                         else f"training data {path} is not a file")
    found = False
    with open(path, "rb") as f:
        for i, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise UsageError(f"{path} line {i}: not UTF-8 text ({what} JSONL expected)") from e
            if line.strip():
                found = True
                yield i, line
    if not found:
        raise UsageError(f"{path}: no {what} records (the file is empty)")


def require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError as e:
        raise UsageError("training needs scikit-learn: pip install 'claimx[train]'") from e


def check_options(c: float, min_count: int) -> None:
    if not c > 0:
        raise UsageError(f"C must be positive, got {c}")
    if min_count < 1:
        raise UsageError(f"min_count must be at least 1, got {min_count}")


def fit_weights(feats: Sequence[Iterable[str]], labels: Sequence[Any], *, c: float, min_count: int,
                max_iter: int, min_weight: float, classes: Sequence[str] = (), class_weight: str | None = None,
                scale: Callable[[Any, Sequence[Any]], Any] | None = None) -> dict[str, Any]:
    """An L2 logistic regression without intercept over binary features, as weights for a LinearModel.

    `feats`: each example's feature names; features seen in fewer than `min_count` examples are left
    out. `classes` (several labels): each feature's weights in that order, else (labels True/False)
    its one weight for True. `scale(x, labels)`: a factor per feature column applied before fitting
    and folded into the weights. Weights no larger than `min_weight` (every class's) are dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [list(fs) for fs in feats]
    counts = Counter(f for fs in feats for f in set(fs))
    vectorizer = DictVectorizer()
    if not feats:
        raise UsageError("no training examples")
    x = vectorizer.fit_transform([{f: 1 for f in fs if counts[f] >= min_count} for fs in feats])
    if x.shape[1] == 0:
        raise UsageError(f"no feature is seen in {min_count} training examples; give more data or a lower min_count")
    factor = scale(x, labels) if scale is not None else None
    if factor is not None:
        from scipy.sparse import diags

        x = x @ diags(factor)
    model = LogisticRegression(C=c, max_iter=max_iter, class_weight=class_weight, fit_intercept=False)
    model.fit(x, labels)
    names = vectorizer.feature_names_
    if not classes:
        coef = model.coef_[0] * factor if factor is not None else model.coef_[0]
        return {name: float(w) for name, w in zip(names, coef) if abs(w) > min_weight}
    coefs = model.coef_ * factor if factor is not None else model.coef_
    order = [list(model.classes_).index(k) for k in classes]
    weights = {}
    for j, name in enumerate(names):
        w = [float(coefs[k][j]) for k in order]
        if max(abs(v) for v in w) > min_weight:
            weights[name] = w
    return weights
