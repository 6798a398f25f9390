"""Reports of an Evaluation: Markdown or JSON files, and rich tables for the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.errors import UsageError
from extractor.evaluation.evaluate import METRICS, Evaluation
from extractor.evaluation.scorer import ErrorItem

REPORT_SUFFIXES = (".md", ".json")


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _attributes(attrs: dict[str, Any]) -> str:
    return "; ".join(f"{name} {fmt(a['accuracy'])} ({a['correct']}/{a['total']})" for name, a in attrs.items())


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _detail(e: ErrorItem) -> str:
    if e.kind == "boundary":
        return f"predicted {e.pred_start}-{e.pred_end} {e.pred_text!r}"
    if e.kind == "attribute":
        return f"{e.attribute}: gold {e.gold_value!r}, predicted {e.pred_value!r}"
    return ""


def score_rows(evaluation: Evaluation) -> list[list[str]]:
    """Per label, then micro and macro: label, gold, pred, strict P R F1, lenient P R F1, attributes."""
    data = evaluation.as_dict()
    rows = []
    for label, d in data["labels"].items():
        s, le = d["strict"], d["lenient"]
        rows.append([label, str(d["gold"]), str(d["pred"]), fmt(s["precision"]), fmt(s["recall"]), fmt(s["f1"]),
                     fmt(le["precision"]), fmt(le["recall"]), fmt(le["f1"]), _attributes(d["attributes"])])
    micro, macro = data["micro"], data["macro"]
    gold = sum(d["gold"] for d in data["labels"].values())
    pred = sum(d["pred"] for d in data["labels"].values())
    rows.append(["micro", str(gold), str(pred), *(fmt(micro[k][m]) for k in METRICS
                                                  for m in ("precision", "recall", "f1")), ""])
    rows.append(["macro", "", "", *(fmt(macro[k][m]) for k in METRICS for m in ("precision", "recall", "f1")), ""])
    return rows


SCORE_HEADER = ["label", "gold", "pred", "strict P", "strict R", "strict F1", "lenient P", "lenient R",
                "lenient F1", "attributes (accuracy over lenient pairs)"]
ERROR_HEADER = ["doc", "label", "kind", "offsets", "context", "detail"]


def error_rows(errors: list[ErrorItem]) -> list[list[str]]:
    return [[e.doc_id, e.label, e.kind, f"{e.start}-{e.end}", e.context, _detail(e)] for e in errors]


def to_markdown(evaluation: Evaluation, problems: list[str] | None = None) -> str:
    data = evaluation.as_dict()
    lines = [
        "# claimx evaluation", "",
        f"* date: {data['date']}",
        f"* model: {data['model']}",
        f"* gold: {', '.join(data['gold'])} (label map: {data['label_map']})",
        f"* documents: {data['documents']}, words: {data['words']:,}",
        f"* pipeline: {data['pipeline_seconds']:.2f} s, scoring: {data['scoring_seconds']:.2f} s",
        "",
        "Strict: exact offsets. Lenient: one-to-one overlap matching (exact pairs first, then greedy by "
        "overlap size). Attributes are scored over lenient pairs whose gold span has the attribute.",
        "", "## Scores", "",
        "| " + " | ".join(SCORE_HEADER) + " |", "|" + "---|" * len(SCORE_HEADER),
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in score_rows(evaluation)]
    if problems:
        lines += ["", "## Regressions", ""] + [f"* {p}" for p in problems]
    if data["notes"]:
        lines += ["", "## Notes", ""] + [f"* {n}" for n in data["notes"]]
    errors = evaluation.scores.errors
    lines += ["", f"## Errors ({len(errors)})", "",
              "missed: gold span no prediction overlaps; spurious: prediction no gold span overlaps; "
              "boundary: overlapping but different offsets; attribute: matched but a value differs.", ""]
    if errors:
        lines += ["| " + " | ".join(ERROR_HEADER) + " |", "|" + "---|" * len(ERROR_HEADER)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in error_rows(errors)]
    return "\n".join(lines) + "\n"


def to_json(evaluation: Evaluation, problems: list[str] | None = None) -> str:
    data = evaluation.as_dict()
    data["regressions"] = list(problems or [])
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def check_report_path(path: Path) -> None:
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(f"--report must end in .md or .json, got {path.name!r}")


def write_report(evaluation: Evaluation, path: Path, problems: list[str] | None = None) -> Path:
    check_report_path(path)
    text = to_json(evaluation, problems) if path.suffix.lower() == ".json" else to_markdown(evaluation, problems)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise UsageError(f"cannot write report {path}: {e.strerror}") from e
    return path


def rich_scores(evaluation: Evaluation):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"claimx evaluate: {evaluation.predictions.model} on {evaluation.documents} documents",
                  caption="S: strict (exact offsets), L: lenient (overlap); attributes over lenient pairs")
    for i, name in enumerate(["label", "gold", "pred", "S-P", "S-R", "S-F1", "L-P", "L-R", "L-F1", "attributes"]):
        table.add_column(name, justify="left" if i in (0, 9) else "right", no_wrap=i < 9)
    rows = score_rows(evaluation)
    for i, row in enumerate(rows):
        table.add_row(*map(Text, row), end_section=i == len(rows) - 3)
    return table


def rich_errors(errors: list[ErrorItem], limit: int):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"errors: first {min(limit, len(errors))} of {len(errors)}")
    for name in ERROR_HEADER:
        table.add_column(name, overflow="fold")
    for row in error_rows(errors[:limit]):
        table.add_row(*map(Text, row))  # Text: contexts hold [[...]], which is not markup
    return table
