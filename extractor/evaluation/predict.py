"""Predictions to score: run a pipeline on the gold texts, or read tables `claimx extract` wrote.

Both paths end in the same shape: gold document id -> Annotations with claimx labels and the
attributes the tables carry, offsets into the ORIGINAL text.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from extractor.errors import GoldFormatError, OutputError, TextMismatchError
from extractor.evaluation.gold import Annotation, GoldDocument
from extractor.evaluation.mapping import CLAIM_LABEL, LabelMap
from extractor.evaluation.scorer import _as_list, _is_missing

MENTION_ATTRS = ("value", "unit", "norm_value", "norm_unit", "concept_id", "concept_name", "negated", "hedged")
CLAIM_ATTRS = ("claim_type", "direction", "significant", "hedged", "negated")


@dataclass
class Predictions:
    documents: dict[str, list[Annotation]]  # gold id -> predicted spans and claims
    model: str
    words: int = 0
    seconds: float = 0.0  # time the pipeline took (0 for tables read from disk)
    notes: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)  # the pipeline's components, when one ran
    has_claims: bool = True  # False: the pipeline or the folder has no claims table


def doc_key(doc_id: Any) -> str:
    """Ids as CSV readers may have turned them: `00123` and 123 are the same document."""
    text = str(doc_id).strip()
    return str(int(text)) if text.isdigit() else text


def _clean(value: Any) -> Any:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return value.tolist() if hasattr(value, "tolist") else list(value)
    return None if _is_missing(value) else value


def annotations_from_rows(mentions: Iterable[dict[str, Any]], citations: Iterable[dict[str, Any]],
                          claims: Iterable[dict[str, Any]], label_map: LabelMap | None = None) -> list[Annotation]:
    """One document's table rows -> Annotations. Citation refs join their CITATION mention;
    predicted labels are renamed by the label map's `predicted` aliases."""
    aliases = label_map.predicted if label_map else {}
    needs = label_map.predicted_needs if label_map else {}
    refs = {}
    for row in citations:
        refs[(int(row["start"]), int(row["end"]))] = _as_list(row.get("refs"))
    out = []
    seen_citations = set()
    for row in mentions:
        start, end, label = int(row["start"]), int(row["end"]), str(row["label"])
        attrs = {name: _clean(row.get(name)) for name in MENTION_ATTRS}
        if label in needs and attrs.get(needs[label]) is None:
            continue  # a prediction the label map does not score without this attribute
        if label == "CITATION":
            seen_citations.add((start, end))
            attrs["refs"] = refs.get((start, end))
        out.append(Annotation(start, end, aliases.get(label, label), attrs))
    for (start, end), ref_list in refs.items():
        if (start, end) not in seen_citations:
            out.append(Annotation(start, end, "CITATION", {"refs": ref_list}))
    for row in claims:
        attrs = {name: _clean(row.get(name)) for name in CLAIM_ATTRS}
        out.append(Annotation(int(row["start"]), int(row["end"]), CLAIM_LABEL, attrs))
    return out


def predict_with_model(nlp: Any, gold_docs: list[GoldDocument], model_name: str = "",
                       label_map: LabelMap | None = None, batch_size: int = 32,
                       on_document: Callable[[GoldDocument], None] | None = None) -> Predictions:
    """Run `nlp` on the gold texts through the path `claimx extract` takes (`table_rows`:
    normalise, pipeline, tables), so predicted offsets are offsets into the gold text."""
    from extractor.pipeline.annotate import table_rows
    from extractor.reading.document import Document
    from extractor.tables.rows import TABLES

    started = time.perf_counter()
    preds: dict[str, list[Annotation]] = {}
    words = 0
    failed: list[str] = []
    documents = [Document(g.id, g.text, g.source) for g in gold_docs]
    for gold, (document, rows) in zip(gold_docs, table_rows(nlp, documents, batch_size)):  # in input order
        if document.error:  # the pipeline broke on this text: nothing predicted, said in the notes
            failed.append(gold.id)
            preds[gold.id] = []
        else:
            words += sum(int(r["n_words"]) for r in rows["documents"])
            preds[gold.id] = annotations_from_rows(rows.get("mentions", []), rows.get("citations", []),
                                                   rows.get("claims", []), label_map)
        if on_document:
            on_document(gold)
    notes = [f"the pipeline failed on {len(failed)} document(s), scored as all missed: {_ids(failed)}"
             ] if failed else []
    return Predictions(preds, model_name, words, time.perf_counter() - started, notes, list(nlp.pipe_names),
                       "claims" in TABLES)


def _read(out_dir: Path, name: str) -> pd.DataFrame | None:
    from extractor.tables.read import read_table

    try:
        return read_table(out_dir, name)
    except OutputError:
        return None
    except ValueError as e:
        if "not found" in str(e):  # a workbook without this sheet: the table was not written
            return None
        raise GoldFormatError(f"cannot read table {name!r} in {out_dir}: {e}") from e
    except Exception as e:  # noqa: BLE001 - pandas/pyarrow parse errors all mean "cannot read"
        raise GoldFormatError(f"cannot read table {name!r} in {out_dir}: {type(e).__name__}: {e}") from e


def _grouped(frame: pd.DataFrame | None, required: tuple[str, ...], name: str, out_dir: Path
             ) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if frame is None or frame.empty:
        return groups
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise GoldFormatError(f"table {name!r} in {out_dir} lacks columns {missing}")
    for row in frame.to_dict("records"):
        groups[doc_key(row["doc_id"])].append(row)
    return groups


def read_predictions(out_dir: Path, gold_docs: list[GoldDocument], label_map: LabelMap | None = None
                     ) -> Predictions:
    """Tables written by `claimx extract --out out_dir` (any format), matched to gold by doc_id.

    Checks that each prediction was made on the gold text (length and every span's text):
    a mismatch is a TextMismatchError, not a silent zero."""
    if not out_dir.is_dir():
        raise GoldFormatError(f"prediction folder not found: {out_dir}")
    documents = _read(out_dir, "documents")
    if documents is None:
        raise GoldFormatError(f"{out_dir} holds no documents table: is it a `claimx extract --out` folder?")
    mentions = _grouped(_read(out_dir, "mentions"), ("doc_id", "start", "end", "label"), "mentions", out_dir)
    citations = _grouped(_read(out_dir, "citations"), ("doc_id", "start", "end"), "citations", out_dir)
    claims_frame = _read(out_dir, "claims")
    claims = _grouped(claims_frame, ("doc_id", "start", "end"), "claims", out_dir)
    docs = {doc_key(r["doc_id"]): r for r in documents.to_dict("records")}
    gold_keys = {doc_key(g.id) for g in gold_docs}
    if not gold_keys & set(docs):
        sample = ", ".join(sorted(docs)[:3]) or "none"
        raise GoldFormatError(
            f"no gold document id is in {out_dir}/documents (ids there: {sample}...): extract names each file "
            "by its path stem, so save gold texts as <gold id>.txt and run `claimx extract` on their folder")
    notes = []
    preds: dict[str, list[Annotation]] = {}
    absent, failed = [], []
    for gold in gold_docs:
        key = doc_key(gold.id)
        row = docs.get(key)
        if row is None:
            absent.append(gold.id)
            continue
        if str(row.get("status", "ok")) == "error":
            failed.append(gold.id)
            continue
        n_chars = _clean(row.get("n_chars"))
        if n_chars is not None and int(n_chars) != len(gold.text):
            raise TextMismatchError(
                f"document {gold.id!r}: predictions were made on a text of {int(n_chars)} characters, "
                f"the gold text has {len(gold.text)}; re-run extract on the gold texts")
        for row in (*mentions.get(key, []), *citations.get(key, []), *claims.get(key, [])):
            _check_text(gold, row)
        preds[gold.id] = annotations_from_rows(mentions.get(key, []), citations.get(key, []),
                                               claims.get(key, []), label_map)
    if absent:
        notes.append(f"{len(absent)} gold document(s) not in the predictions, scored as all missed: "
                     + _ids(absent))
    if failed:
        notes.append(f"{len(failed)} gold document(s) failed in extract (status error), scored as all missed: "
                     + _ids(failed))
    extra = set(docs) - gold_keys
    if extra:
        notes.append(f"{len(extra)} predicted document(s) have no gold and are not scored: " + _ids(sorted(extra)))
    return Predictions(preds, f"tables:{out_dir}", 0, 0.0, notes, has_claims=claims_frame is not None)


def _check_text(gold: GoldDocument, row: dict[str, Any]) -> None:
    start, end = int(row["start"]), int(row["end"])
    found = row.get("text")
    if end > len(gold.text) or start < 0 or start > end:
        raise TextMismatchError(f"document {gold.id!r}: predicted span {start}-{end} lies outside the gold text "
                                f"({len(gold.text)} characters); predictions were made on another text")
    if isinstance(found, str) and re.sub(r"\s+", " ", found) != re.sub(r"\s+", " ", gold.text[start:end]):
        raise TextMismatchError(
            f"document {gold.id!r}: predicted span {start}-{end} reads {found!r} but the gold text there is "
            f"{gold.text[start:end]!r}; predictions were made on another text")


def _ids(ids: list[str], limit: int = 5) -> str:
    return ", ".join(ids[:limit]) + (f" ... ({len(ids) - limit} more)" if len(ids) > limit else "")
