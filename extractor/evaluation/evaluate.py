"""The evaluation job: gold in, predictions made or read, scores, thresholds and baselines out."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.errors import GoldFormatError, UsageError
from extractor.evaluation.gold import GoldDocument, GoldSet, read_gold
from extractor.evaluation.mapping import CLAIM_LABEL, IDENTITY, LabelMap, load_label_map
from extractor.evaluation.predict import Predictions, predict_with_model, read_predictions
from extractor.evaluation.scorer import Scores, score_documents
from extractor.tables.rows import MENTION_LABELS

ALL_LABELS = (*MENTION_LABELS, CLAIM_LABEL)
METRICS = ("strict", "lenient")
BASELINE_FORMAT = "claimx-baseline/1"


@dataclass
class Evaluation:
    scores: Scores
    gold: GoldSet
    predictions: Predictions
    labels: list[str]
    notes: list[str] = field(default_factory=list)
    scoring_seconds: float = 0.0
    date: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    @property
    def documents(self) -> int:
        return len(self.gold.documents)

    def as_dict(self) -> dict[str, Any]:
        """Everything the JSON report holds (errors included)."""
        s = self.scores
        return {
            "format": "claimx-evaluation/1",
            "date": self.date,
            "model": self.predictions.model,
            "gold": self.gold.sources,
            "label_map": self.gold.label_map.name,
            "documents": self.documents,
            "words": self.predictions.words,
            "pipeline_seconds": round(self.predictions.seconds, 3),
            "scoring_seconds": round(self.scoring_seconds, 3),
            "labels": {label: s.labels[label].as_dict() for label in self.labels},
            "micro": {kind: s.micro(kind).as_dict() for kind in METRICS},
            "macro": {kind: s.macro(kind) for kind in METRICS},
            "notes": self.notes,
            "errors": [e.as_dict() for e in s.errors],
        }


def resolve_labels(requested: Iterable[str] | None, gold: GoldSet, explicit_map: bool) -> list[str]:
    """The labels to score: --labels, else what the label map produces, else what the gold holds."""
    if requested:
        wanted = []
        for item in requested:
            wanted.extend(x.strip().upper() for x in item.split(",") if x.strip())
        unknown = [x for x in wanted if x not in ALL_LABELS]
        if unknown:
            raise UsageError(f"unknown label(s) {', '.join(unknown)}; known: {', '.join(ALL_LABELS)}")
        chosen = set(wanted)
    elif explicit_map:
        chosen = gold.label_map.targets()
    else:
        chosen = gold.labels
    if not chosen:
        hint = "" if explicit_map else "; for another corpus's labels pass --label-map"
        dropped = f" (dropped gold labels: {', '.join(sorted(gold.dropped))})" if gold.dropped else ""
        raise GoldFormatError(f"the gold has no spans or claims with a claimx label to score{dropped}; "
                              f"pass --labels to score predictions against empty gold{hint}")
    return [label for label in ALL_LABELS if label in chosen]


def evaluate(gold_paths: Iterable[str | Path], *, pred: str | Path | None = None, model: str | None = None,
             nlp: Any = None, labels: Iterable[str] | None = None, label_map: str | LabelMap | None = None,
             rel_tol: float = 0.01, context: int = 40, limit: int | None = None, batch_size: int = 32,
             on_document: Callable[[GoldDocument], None] | None = None) -> Evaluation:
    """Score predictions against gold. Predictions come from `pred` (a `claimx extract --out`
    folder), or from running a pipeline (`nlp`, or `model` loaded by name; default `default`)."""
    if pred is not None and (model is not None or nlp is not None):
        raise UsageError("give either --pred (tables to score) or --model (a pipeline to run), not both")
    if rel_tol < 0:
        raise UsageError(f"--rel-tol must be >= 0, got {rel_tol}")
    lmap = load_label_map(label_map) if isinstance(label_map, str) else label_map
    gold = read_gold(gold_paths, lmap or IDENTITY, limit)
    chosen = resolve_labels(labels, gold, lmap is not None)
    if pred is not None:
        predictions = read_predictions(Path(pred), gold.documents, gold.label_map)
    else:
        if nlp is None:
            from extractor.pipeline.load import load

            model = model or "default"
            nlp = load(model)
        name = model or _pipeline_name(nlp)
        predictions = predict_with_model(nlp, gold.documents, name, gold.label_map, batch_size, on_document)
    started = time.perf_counter()
    scores = score_documents(gold.documents, predictions.documents, chosen, rel_tol, context)
    seconds = time.perf_counter() - started
    notes = list(predictions.notes)
    if CLAIM_LABEL in chosen and not predictions.has_claims:
        notes.append("no claims table (the pipeline has no claims component): every gold claim counts as missed")
    if gold.dropped:
        notes.append("gold labels without a claimx label, dropped: "
                     + ", ".join(f"{k} ({v})" for k, v in gold.dropped.most_common()))
    unscored = _unscored(predictions, set(chosen))
    if unscored:
        notes.append("predicted labels the gold does not annotate, not scored: "
                     + ", ".join(f"{k} ({v})" for k, v in sorted(unscored.items())))
    if scores.duplicates_gold:
        notes.append(f"{scores.duplicates_gold} duplicate gold span(s) (same offsets and label) counted once")
    if scores.duplicates_pred:
        notes.append(f"{scores.duplicates_pred} duplicate predicted span(s) counted once")
    return Evaluation(scores, gold, predictions, chosen, notes, seconds)


def _pipeline_name(nlp: Any) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"


def _unscored(predictions: Predictions, chosen: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for spans in predictions.documents.values():
        for a in spans:
            if a.label not in chosen:
                out[a.label] = out.get(a.label, 0) + 1
    return out


# ---- thresholds and baselines ----------------------------------------------------------------

def below_threshold(evaluation: Evaluation, fail_under: float, metric: str = "strict") -> list[str]:
    """One message per label whose F1 (strict or lenient) is under `fail_under`."""
    out = []
    for label in evaluation.labels:
        f1 = getattr(evaluation.scores.labels[label], metric).f1
        if f1 is not None and f1 < fail_under:
            out.append(f"{label}: {metric} F1 {f1:.3f} is under --fail-under {fail_under:.3f}")
    return out


def baseline_dict(evaluation: Evaluation) -> dict[str, Any]:
    """The per-label scores a later run is compared with, plus what produced them."""
    data = evaluation.as_dict()
    return {
        "format": BASELINE_FORMAT, "date": evaluation.date, "model": data["model"],
        "pipeline": evaluation.predictions.components, "gold": data["gold"], "label_map": data["label_map"],
        "documents": data["documents"], "gold_digest": evaluation.gold.digest(), "labels": data["labels"],
        "micro": data["micro"], "macro": data["macro"],
    }


def save_baseline(evaluation: Evaluation, path: str | Path) -> Path:
    data = baseline_dict(evaluation)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write baseline {path}: {e.strerror}") from e
    return path


def load_baseline(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise UsageError(f"baseline not found: {path}") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise GoldFormatError(f"baseline {path} is not readable JSON: {e}") from e
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT or not isinstance(data.get("labels"), dict):
        raise GoldFormatError(f"{path} is not a claimx baseline (expected format {BASELINE_FORMAT!r}); "
                              "write one with --save-baseline")
    return data


def stale_baseline(evaluation: Evaluation, baseline: dict[str, Any]) -> str | None:
    """A note when the baseline was made on other gold (other documents, texts or spans)."""
    digest = baseline.get("gold_digest")
    if digest and digest != evaluation.gold.digest():
        return ("the baseline was saved on different gold (documents, texts or spans changed since "
                f"{baseline.get('date', '?')}): differences may come from the gold, not the pipeline")
    return None


def _metrics(label_data: dict[str, Any]) -> dict[str, float | None]:
    out = {f"{kind} F1": (label_data.get(kind) or {}).get("f1") for kind in METRICS}
    for name, attr in (label_data.get("attributes") or {}).items():
        out[f"{name} accuracy"] = attr.get("accuracy")
    return out


def regressions(evaluation: Evaluation, baseline: dict[str, Any], tolerance: float = 0.01) -> list[str]:
    """One message per label metric (strict/lenient F1, attribute accuracies) that fell by more
    than `tolerance` from the baseline, or that the baseline scored and this run does not."""
    current = evaluation.as_dict()["labels"]
    out = []
    for label, before_data in baseline["labels"].items():
        if label not in current:
            out.append(f"{label}: scored in the baseline, not scored now")
            continue
        after = _metrics(current[label])
        for metric, before in _metrics(before_data).items():
            if before is None:
                continue
            now = after.get(metric)
            if now is None:
                out.append(f"{label}: {metric} {before:.3f} in the baseline, none now")
            elif now < before - tolerance - 1e-9:
                out.append(f"{label}: {metric} fell from {before:.3f} to {now:.3f} ({now - before:+.3f}, "
                           f"tolerance {tolerance:.3f})")
    return out
