"""Match predicted spans to gold spans and count.

Matching, per document and per label, after collapsing duplicates (the same start, end and
label twice counts once, on either side):

* strict: a prediction matches a gold span with exactly the same start and end.
* lenient: one-to-one. Exact pairs are taken first; then every remaining (gold, prediction)
  pair that shares at least one character is a candidate, and candidates are taken greedily
  by overlap size (most shared characters first; ties: smaller boundary distance
  |Δstart| + |Δend|, then leftmost), skipping any whose gold or prediction is already taken.
  So lenient tp >= strict tp, and one long prediction covering two gold spans matches one.

P = tp / (tp + fp), R = tp / (tp + fn), F1 = 2PR / (P + R). With no predictions P is 0,
with no gold R is 0, and with neither the label has no score (None) and is left out of
macro averages. Micro totals sum tp/fp/fn over labels; macro totals average per-label P, R, F1.

Attributes are scored over lenient pairs whose gold span carries the attribute; a prediction
without it counts as wrong.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from extractor.evaluation.gold import Annotation, GoldDocument
from extractor.evaluation.mapping import CLAIM_ATTRIBUTES, CLAIM_LABEL

SCORED_SPAN_ATTRIBUTES = ("value", "norm_value", "norm_unit", "concept_id", "refs", "negated", "hedged")
SCORED_CLAIM_ATTRIBUTES = CLAIM_ATTRIBUTES


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 0.0 if self.fn else None

    @property
    def recall(self) -> float | None:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 0.0 if self.fp else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class AttributeScore:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class LabelScore:
    label: str
    gold: int = 0
    pred: int = 0
    strict: Counts = field(default_factory=Counts)
    lenient: Counts = field(default_factory=Counts)
    attributes: dict[str, AttributeScore] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold, "pred": self.pred, "strict": self.strict.as_dict(),
            "lenient": self.lenient.as_dict(),
            "attributes": {name: {"accuracy": a.accuracy, "correct": a.correct, "total": a.total}
                           for name, a in sorted(self.attributes.items())},
        }


@dataclass
class ErrorItem:
    """One miss, spurious span, boundary difference or wrong attribute, with context."""

    doc_id: str
    label: str
    kind: str  # missed | spurious | boundary | attribute
    start: int
    end: int
    text: str
    context: str
    pred_start: int | None = None
    pred_end: int | None = None
    pred_text: str | None = None
    attribute: str | None = None
    gold_value: Any = None
    pred_value: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Scores:
    labels: dict[str, LabelScore]
    errors: list[ErrorItem]
    duplicates_gold: int = 0
    duplicates_pred: int = 0

    def micro(self, kind: str) -> Counts:
        total = Counts()
        for score in self.labels.values():
            total.add(getattr(score, kind))
        return total

    def macro(self, kind: str) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for metric in ("precision", "recall", "f1"):
            values = [getattr(getattr(s, kind), metric) for s in self.labels.values()]
            values = [v for v in values if v is not None]
            out[metric] = sum(values) / len(values) if values else None
        return out


def match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]
          ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Strict and lenient one-to-one pairs (gold index, prediction index); see the module doc.
    Inputs must be free of duplicates."""
    exact = {span: j for j, span in enumerate(pred)}
    strict = [(i, exact[span]) for i, span in enumerate(gold) if span in exact]
    used_gold = {i for i, _ in strict}
    used_pred = {j for _, j in strict}
    candidates = []
    rest_pred = sorted((p for p in range(len(pred)) if p not in used_pred), key=lambda j: pred[j])
    starts = [pred[j][0] for j in rest_pred]
    longest = max((pred[j][1] - pred[j][0] for j in rest_pred), default=0)
    for i, (gs, ge) in enumerate(gold):
        if i in used_gold:
            continue
        # a prediction starting before gs - longest ends before gs: skip those
        for j in rest_pred[bisect_left(starts, gs - longest):]:
            ps, pe = pred[j]
            if ps >= ge:
                break
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                candidates.append((-overlap, abs(gs - ps) + abs(ge - pe), gs, ps, i, j))
    lenient = list(strict)
    for *_, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            lenient.append((i, j))
    return strict, sorted(lenient)


def context_window(text: str, start: int, end: int, width: int = 40) -> str:
    """`...left [[span]] right...` on one line."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    piece = f"{'…' if start > width else ''}{left}[[{text[start:end]}]]{right}{'…' if end + width < len(text) else ''}"
    return re.sub(r"\s+", " ", piece)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _number(value: Any) -> float | None:
    if _is_missing(value) or isinstance(value, bool):
        return None
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def _as_list(value: Any) -> list[Any]:
    if _is_missing(value):
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[;|]", value) if v.strip()]
    if hasattr(value, "tolist"):
        value = value.tolist()
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _norm_ref(value: Any) -> str:
    text = str(value).strip()
    number = _number(text)
    return str(int(number)) if number is not None and number.is_integer() else text.lower()


def _norm_concept(value: Any) -> str:
    text = str(value).strip().upper()
    return text.split(":", 1)[1] if text.startswith("MESH:") else text


def as_bool(value: Any) -> bool | None:
    if _is_missing(value) or value == "":
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1", "t", "y"}:
            return True
        if lowered in {"false", "no", "0", "f", "n"}:
            return False
        return None
    return bool(value)


def attribute_correct(name: str, gold: Any, pred: Any, rel_tol: float = 0.01) -> bool:
    """Is the predicted attribute value right? Numbers within a relative tolerance, refs as
    sets, concept ids with a MESH: prefix ignored (a gold list accepts any of its ids)."""
    if name in ("norm_value", "value"):
        g, p = _number(gold), _number(pred)
        if g is not None and p is not None:
            return math.isclose(g, p, rel_tol=rel_tol, abs_tol=1e-12)
        if name == "norm_value" or g is not None:
            return False
        return not _is_missing(pred) and str(gold).strip().lower() == str(pred).strip().lower()
    if name == "refs":
        return {_norm_ref(v) for v in _as_list(gold)} == {_norm_ref(v) for v in _as_list(pred)}
    if name == "concept_id":
        options = {_norm_concept(v) for v in _as_list(gold)}
        return not _is_missing(pred) and _norm_concept(pred) in options
    if name in ("negated", "hedged"):
        return bool(as_bool(gold)) == bool(as_bool(pred))
    if name == "significant":
        return as_bool(gold) == as_bool(pred)
    if _is_missing(pred):
        return False
    return str(gold).strip().lower() == str(pred).strip().lower()


def _has_value(value: Any) -> bool:
    return not _is_missing(value) and value != "" and not (isinstance(value, (list, tuple)) and not value)


def _dedupe(spans: list[Annotation]) -> tuple[list[Annotation], int]:
    seen: set[tuple[int, int]] = set()
    out = []
    for a in spans:
        if (a.start, a.end) not in seen:
            seen.add((a.start, a.end))
            out.append(a)
    return out, len(spans) - len(out)


def score_documents(gold_docs: list[GoldDocument], predictions: dict[str, list[Annotation]],
                    labels: Iterable[str], rel_tol: float = 0.01, context: int = 40) -> Scores:
    """Score every gold document against its predictions (missing = none) for `labels`."""
    labels = list(labels)
    scores = Scores({label: LabelScore(label) for label in labels}, [])
    wanted = set(labels)
    for doc in gold_docs:
        first_error = len(scores.errors)
        by_label_gold: dict[str, list[Annotation]] = {label: [] for label in labels}
        by_label_pred: dict[str, list[Annotation]] = {label: [] for label in labels}
        for a in doc.spans:
            if a.label in wanted:
                by_label_gold[a.label].append(a)
        for a in predictions.get(doc.id, []):
            if a.label in wanted:
                by_label_pred[a.label].append(a)
        for label in labels:
            gold, dup_g = _dedupe(by_label_gold[label])
            pred, dup_p = _dedupe(by_label_pred[label])
            scores.duplicates_gold += dup_g
            scores.duplicates_pred += dup_p
            _score_label(doc, label, gold, pred, scores, rel_tol, context)
        scores.errors[first_error:] = sorted(scores.errors[first_error:], key=lambda e: (e.start, e.end, e.label))
    return scores


def _score_label(doc: GoldDocument, label: str, gold: list[Annotation], pred: list[Annotation],
                 scores: Scores, rel_tol: float, context: int) -> None:
    text = doc.text
    score = scores.labels[label]
    strict, lenient = match([(a.start, a.end) for a in gold], [(a.start, a.end) for a in pred])
    score.gold += len(gold)
    score.pred += len(pred)
    score.strict.add(Counts(len(strict), len(pred) - len(strict), len(gold) - len(strict)))
    score.lenient.add(Counts(len(lenient), len(pred) - len(lenient), len(gold) - len(lenient)))
    strict_set = set(strict)

    def error(a: Annotation, kind: str, **more: Any) -> ErrorItem:
        return ErrorItem(doc.id, label, kind, a.start, a.end, text[a.start:a.end],
                         context_window(text, a.start, a.end, context), **more)

    matched_gold = {i for i, _ in lenient}
    matched_pred = {j for _, j in lenient}
    names = SCORED_CLAIM_ATTRIBUTES if label == CLAIM_LABEL else SCORED_SPAN_ATTRIBUTES
    for i, j in lenient:
        g, p = gold[i], pred[j]
        if (i, j) not in strict_set:
            scores.errors.append(error(g, "boundary", pred_start=p.start, pred_end=p.end,
                                       pred_text=text[p.start:p.end]))
        for name in names:
            if name not in g.attrs or not _has_value(g.attrs[name]):
                continue
            attr = score.attributes.setdefault(name, AttributeScore())
            attr.total += 1
            if attribute_correct(name, g.attrs[name], p.attrs.get(name), rel_tol):
                attr.correct += 1
            else:
                scores.errors.append(error(g, "attribute", pred_start=p.start, pred_end=p.end,
                                           pred_text=text[p.start:p.end], attribute=name,
                                           gold_value=_jsonable(g.attrs[name]),
                                           pred_value=_jsonable(p.attrs.get(name))))
    for i, g in enumerate(gold):
        if i not in matched_gold:
            scores.errors.append(error(g, "missed"))
    for j, p in enumerate(pred):
        if j not in matched_pred:
            scores.errors.append(error(p, "spurious"))


def _jsonable(value: Any) -> Any:
    if _is_missing(value):
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)
