"""Doc -> table rows -> DataFrames. One builder per table, column order in one constant each.

Offsets in every row point into the ORIGINAL text (Document.text); the pipeline ran on
normalised text, so each span goes through the normaliser's offset map, which
`extractor.pipeline.annotate` sets on the Doc (`doc._.claimx_offsets`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from spacy.attrs import IS_PUNCT, IS_SPACE, SENT_START
from spacy.tokens import Doc, Span

from extractor.components.regimens import REGIMEN_COLUMNS, doc_regimens
from extractor.pipeline.extensions import get_attrs
from extractor.pipeline.spans import labelled_spans
from extractor.reading.document import Document
from extractor.reading.normalize import OffsetMap
from extractor.references.document import reference_index

# column -> kind: str | int | float | bool | list
DOCUMENT_COLUMNS = {
    "doc_id": "str", "source": "str", "n_chars": "int", "n_words": "int",
    "n_sentences": "int", "status": "str", "error": "str",
    "content_hash": "str",  # of the input (file bytes or record text): `extract --resume` skips unchanged ones
}
MENTION_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "label": "str",
    "text": "str", "value": "str", "unit": "str", "norm_value": "float", "norm_unit": "str",
    "concept_id": "str", "concept_name": "str", "negated": "bool", "hedged": "bool",
    "source": "str",
    "min_value": "float", "max_value": "float",  # ranges (`2 to 3 weeks`, a CI): bounds in the norm unit
    "negation_cue": "str", "hedge_cue": "str",
    "qualifier": "str",  # durations, time points: `>`, `>=`, `<=`, `<` (`more than 6 months`)
}
CITATION_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "text": "str",
    "refs": "list", "style": "str",
    "ref_ids": "list",  # the `references` entries the marker cites (empty: none found)
}
REFERENCE_COLUMNS = {
    "doc_id": "str", "ref_id": "str", "label": "str", "authors": "list", "year": "int",
    "year_suffix": "str", "title": "str", "journal": "str", "volume": "str", "pages": "str",
    "doi": "str", "pmid": "str",
    "start": "int", "end": "int",  # the entry in the original text; empty where it came from XML
    "raw": "str",
}
CLAIM_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "text": "str",
    "is_claim": "bool",  # a claim proper (classifier at its threshold); false: a statement only the rules kept
    "claim_type": "str", "direction": "str", "significant": "bool", "hedged": "bool", "negated": "bool",
    "drugs": "list", "doses": "list", "durations": "list", "outcomes": "list", "sample_sizes": "list",
    "citations": "list", "score": "float", "timepoints": "list", "negation_cue": "str", "hedge_cue": "str",
}
# claims column -> mention labels whose texts it lists
CLAIM_PARTS = {
    "drugs": ("DRUG",), "doses": ("DOSE",), "durations": ("DURATION",), "outcomes": ("OUTCOME",),
    "sample_sizes": ("SAMPLE_SIZE",), "citations": ("CITATION",), "timepoints": ("TIMEPOINT",),
}
ABBREVIATION_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "text": "str",
    "long_form": "str", "long_start": "int", "long_end": "int",
}

MENTION_LABELS = (
    "DRUG", "CHEMICAL", "DISEASE", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "TIMEPOINT",
    "SAMPLE_SIZE", "OUTCOME", "STATISTIC", "CITATION",
)


class DocContext:
    """What every row builder needs: the document, its Doc, offsets and sentence index."""

    def __init__(self, document: Document, doc: Doc, char_offset: int = 0, sent_offset: int = 0):
        """char_offset / sent_offset: where the Doc starts in the document's clean text and in
        its sentences (a piece of a long document; 0 for a whole one)."""
        self.document = document
        self.doc = doc
        offsets = doc._.claimx_offsets
        self.offsets = OffsetMap.identity(len(document.text)) if offsets is None else offsets
        self.char_offset = char_offset
        self.sent_offset = sent_offset
        self._sent_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
        self._mentions: list[Span] | None = None
        self._entity_keys: set[tuple[int, int, int]] | None = None

    @property
    def n_sent_ids(self) -> int:
        """How many sentence ids this Doc uses (the next piece's sent_offset is this much more)."""
        return len(self._sent_starts)

    def sent_id(self, span: Span) -> int:
        return self.sent_offset + max(0, bisect_right(self._sent_starts, span.start_char) - 1)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Doc char offsets -> offsets into the original text."""
        return self.offsets.to_original(start + self.char_offset, end + self.char_offset)

    def locate(self, span: Span) -> dict[str, Any]:
        """doc_id, sent_id, original start/end and original text of a span."""
        start, end = self.to_original(span.start_char, span.end_char)
        return {
            "doc_id": self.document.id, "sent_id": self.sent_id(span), "start": start,
            "end": end, "text": self.document.text[start:end],
        }

    def mention_spans(self) -> list[Span]:
        """Every span that is a mention: NER entities and claimx span groups, sorted."""
        if self._mentions is None:
            self._mentions = labelled_spans(self.doc, MENTION_LABELS)
        return self._mentions

    def is_entity(self, span: Span) -> bool:
        """Whether the span is one of doc.ents (the NER's own mentions)."""
        if self._entity_keys is None:
            self._entity_keys = {(e.start, e.end, e.label) for e in self.doc.ents}
        return (span.start, span.end, span.label) in self._entity_keys


def _doc_counts(doc: Doc) -> dict[str, int]:
    """Words (tokens that are neither punctuation nor space) and sentences, read as arrays:
    iterating Token objects in Python costs more than the rest of the row builders together."""
    if not len(doc):
        return {"n_words": 0, "n_sentences": 1}
    flags = doc.to_array([IS_PUNCT, IS_SPACE, SENT_START]).astype("int64")
    n_words = int(((flags[:, 0] == 0) & (flags[:, 1] == 0)).sum())
    n_sentences = int((flags[:, 2] == 1).sum()) if doc.has_annotation("SENT_START") else 1
    return {"n_words": n_words, "n_sentences": n_sentences}


def document_row(document: Document, doc: Doc | None) -> dict[str, Any]:
    if doc is None:
        return {
            "doc_id": document.id, "source": document.source, "n_chars": len(document.text),
            "n_words": len(document.text.split()), "n_sentences": 0,
            "status": "error" if document.error else "ok", "error": document.error,
            "content_hash": document.meta.get("content_hash"),
        }
    return {
        "doc_id": document.id, "source": document.source, "n_chars": len(document.text),
        **_doc_counts(doc),
        "status": "ok", "error": None, "content_hash": document.meta.get("content_hash"),
    }


def _num(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def mention_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    for span in ctx.mention_spans():
        x = get_attrs(span)
        yield {
            **ctx.locate(span), "label": span.label_, "value": _num(x["value"]), "unit": x["unit"],
            "norm_value": x["norm_value"], "norm_unit": x["norm_unit"], "concept_id": x["concept_id"],
            "concept_name": x["concept_name"], "negated": bool(x["negated"]), "hedged": bool(x["hedged"]),
            "source": x["source"] or ("ner" if ctx.is_entity(span) else None),
            "min_value": x["min_value"], "max_value": x["max_value"],
            "negation_cue": x["negation_cue"], "hedge_cue": x["hedge_cue"], "qualifier": x["qualifier"],
        }


def claim_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    claims = ctx.doc.spans.get("claims", [])
    if not claims:
        return
    mentions = ctx.mention_spans()  # sorted by start
    starts = [m.start_char for m in mentions]
    for claim in claims:
        x = claim._
        first, last = bisect_left(starts, claim.start_char), bisect_left(starts, claim.end_char)
        inside = [m for m in mentions[first:last] if m.end_char <= claim.end_char]
        parts = {column: [ctx.locate(m)["text"] for m in inside if m.label_ in labels]
                 for column, labels in CLAIM_PARTS.items()}
        row = {
            **ctx.locate(claim), "is_claim": bool(x.is_claim), "claim_type": x.claim_type, "direction": x.direction,
            "significant": x.significant, "hedged": bool(x.hedged), "negated": bool(x.negated),
            **parts, "score": x.score, "negation_cue": x.negation_cue, "hedge_cue": x.hedge_cue,
        }
        yield {column: row[column] for column in CLAIM_COLUMNS}


def citation_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    index = reference_index(ctx.document)
    for span in ctx.doc.spans.get("citations", []):
        place = ctx.locate(span)
        refs = [str(r) for r in (span._.refs or [])]
        ref_ids = index.resolve(place["start"], place["end"], refs, span._.style, ctx.document.text)
        yield {**place, "refs": refs, "style": span._.style, "ref_ids": ref_ids}


def reference_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    """The document's reference list, once (with its first piece)."""
    if ctx.char_offset:
        return
    for reference in reference_index(ctx.document).references:
        row = reference.row()
        yield {column: ctx.document.id if column == "doc_id" else row[column] for column in REFERENCE_COLUMNS}


def abbreviation_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    if not Doc.has_extension("abbreviations"):
        return
    # in text order: the abbreviation detector collects them in sets, whose order changes from run to run
    for short in sorted(ctx.doc._.abbreviations, key=lambda span: (span.start, span.end)):
        long = short._.long_form
        long_start, long_end = ctx.to_original(long.start_char, long.end_char)
        yield {**ctx.locate(short), "long_form": ctx.document.text[long_start:long_end],
               "long_start": long_start, "long_end": long_end}


def _join(spans: list[Span], ctx: DocContext) -> str | None:
    if not spans:
        return None
    return "; ".join(ctx.locate(s)["text"] for s in spans)


def _first(spans: list[Span], attr: str, unit: str | None = None) -> Any:
    for s in spans:
        x = get_attrs(s, (attr, "norm_unit"))
        if unit is not None and x["norm_unit"] != unit:
            continue
        if x[attr] is not None:
            return x[attr]
    return None


def _to_float(value: Any) -> float | None:
    """Numbers, or numeric strings (other components may store a count as text)."""
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def regimen_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    """The regimens `claimx_regimens` stored on the Doc. Numeric columns hold the first linked
    mention's value; the text columns list every linked mention, `; `-joined."""
    for reg in doc_regimens(ctx.doc):
        loc = ctx.locate(reg.drug)
        get = reg.links.get
        doses, routes = get("DOSE", []), get("ROUTE", [])
        sample = _first(get("SAMPLE_SIZE", []), "value")
        values = [str(v) for v in (get_attrs(s, ("value",))["value"] for s in doses) if v is not None]
        drug = get_attrs(reg.drug, ("concept_id", "concept_name", "is_class"))
        yield {
            "doc_id": loc["doc_id"], "sent_id": loc["sent_id"], "drug": loc["text"],
            "dose": _join(doses, ctx), "route": _join(routes, ctx),
            "frequency": _join(get("FREQUENCY", []), ctx), "duration": _join(get("DURATION", []), ctx),
            "sample_size": _join(get("SAMPLE_SIZE", []), ctx), "start": loc["start"], "end": loc["end"],
            "concept_id": drug["concept_id"], "concept_name": drug["concept_name"],
            "is_class": bool(drug["is_class"]), "dose_value": "; ".join(values) or None,
            "dose_norm_value": _to_float(_first(doses, "norm_value")),
            "dose_norm_unit": _first(doses, "norm_unit"),
            "route_value": "; ".join(dict.fromkeys(str(v) for v in (get_attrs(s, ("value",))["value"]
                                                                     for s in routes) if v)) or None,
            "frequency_per_day": _to_float(_first(get("FREQUENCY", []), "norm_value")),
            "duration_days": _to_float(_first(get("DURATION", []), "norm_value", unit="d")),
            "sample_size_n": _to_float(sample),
        }


EVIDENCE_COLUMNS = {
    "doc_id": "str", "sent_id": "int", "start": "int", "end": "int", "text": "str",
    "intervention": "str", "comparator": "str", "outcome": "str",
    "direction": "str",  # the intervention against the comparator: increase | decrease | no_change | unknown
    "significant": "bool", "p_value": "float", "effect_measure": "str", "effect_value": "float",
    "ci_low": "float", "ci_high": "float", "timepoint": "str", "sample_sizes": "list",
    "score": "float",  # the effect model's probability of `direction`
}


def evidence_rows(ctx: DocContext) -> Iterable[dict[str, Any]]:
    """Result sentences that compare two of the document's arms (extractor/evidence/frames.py)."""
    from extractor.evidence.frames import frames, shipped_effect_model

    found = frames(ctx.doc, shipped_effect_model())
    if not found:
        return
    mentions = ctx.mention_spans()
    starts = [m.start_char for m in mentions]
    for frame in found:
        sentence = frame["span"]
        first, last = bisect_left(starts, sentence.start_char), bisect_left(starts, sentence.end_char)
        inside = [m for m in mentions[first:last] if m.end_char <= sentence.end_char]
        timepoints = [ctx.locate(m)["text"] for m in inside if m.label_ == "TIMEPOINT"]
        row = {**ctx.locate(sentence), **{k: v for k, v in frame.items() if k != "span"},
               "timepoint": timepoints[0] if timepoints else None,
               "sample_sizes": [ctx.locate(m)["text"] for m in inside if m.label_ == "SAMPLE_SIZE"]}
        yield {column: row.get(column) for column in EVIDENCE_COLUMNS}


# table name -> (columns, row builder). Every table but `documents` is built from DocContext.
TABLES: dict[str, tuple[dict[str, str], Callable[[DocContext], Iterable[dict[str, Any]]]]] = {
    "mentions": (MENTION_COLUMNS, mention_rows),
    "citations": (CITATION_COLUMNS, citation_rows),
    "claims": (CLAIM_COLUMNS, claim_rows),
    "abbreviations": (ABBREVIATION_COLUMNS, abbreviation_rows),
    "regimens": (REGIMEN_COLUMNS, regimen_rows),
    "evidence": (EVIDENCE_COLUMNS, evidence_rows),
    "references": (REFERENCE_COLUMNS, reference_rows),
}
ALL_COLUMNS = {"documents": DOCUMENT_COLUMNS, **{name: cols for name, (cols, _) in TABLES.items()}}

# column kind -> pandas dtype (to_frame builds with these; read_table reads back to them)
DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean", "list": "object"}


def to_frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """Rows -> DataFrame with the table's column order and stable dtypes (also when empty)."""
    frame = pd.DataFrame(rows, columns=list(columns))
    for name, kind in columns.items():
        if kind == "list":
            frame[name] = pd.Series([list(v) if isinstance(v, (list, tuple, np.ndarray)) else []
                                     for v in frame[name]], index=frame.index, dtype="object")
        else:
            frame[name] = frame[name].astype(DTYPES[kind])
    return frame


DocRows = dict[str, list[dict[str, Any]]]  # one document's rows, per table


def doc_tables(document: Document, doc: Doc) -> DocRows:
    """All table rows of one analysed document, in text order. Offsets go through the Doc's
    `claimx_offsets` (none set: the Doc's text is the document's)."""
    return _in_text_order(_piece_tables(DocContext(document, doc)))


def _piece_tables(ctx: DocContext) -> DocRows:
    rows = {"documents": [document_row(ctx.document, ctx.doc)]}
    section = reference_index(ctx.document).section
    for name, (_, build) in TABLES.items():
        built = list(build(ctx))
        if section is not None and name != "references":
            built = _outside(built, section)
        rows[name] = built
    return rows


def _outside(rows: list[dict[str, Any]], section: tuple[int, int]) -> list[dict[str, Any]]:
    """The rows that do not start in the reference section: its entries are the `references`
    table, not mentions, claims or citation markers of the paper."""
    start, end = section
    return [row for row in rows if not (row.get("start") is not None and start <= row["start"] < end)]


class DocumentRows:
    """The rows of one document analysed in pieces (a long text; a short one is one piece),
    added piece by piece in text order, so no piece's Doc has to outlive its rows: offsets are
    shifted by the piece's start in the clean text, sentence ids continue from the pieces before,
    the `documents` row sums the words and sentences. `done()` gives what `document_tables`
    gives for a whole Doc: the rows in text order, or only the `documents` row (status `error`)
    when a piece has no Doc or its rows cannot be built."""

    def __init__(self) -> None:
        self.rows: DocRows | None = None
        self.document: Document | None = None
        self.sent_offset = 0
        self.failed = False

    def add(self, document: Document, doc: Doc | None, char_offset: int = 0) -> None:
        self.document = document
        if self.failed:
            return
        if doc is None:
            self.failed = True
            return
        try:
            ctx = DocContext(document, doc, char_offset, self.sent_offset)
            piece = _piece_tables(ctx)
        except Exception as e:  # noqa: BLE001 - recorded as that document's error
            document.error = f"building tables failed: {type(e).__name__}: {e}".splitlines()[0]
            self.failed = True
            return
        self.sent_offset += ctx.n_sent_ids
        if self.rows is None:
            self.rows = piece
            return
        row, more = self.rows["documents"][0], piece["documents"][0]
        row["n_words"] += more["n_words"]
        row["n_sentences"] += more["n_sentences"]
        for name, table in piece.items():
            if name != "documents":
                self.rows[name].extend(table)

    def flush(self) -> DocRows:
        """The rows gathered since the last flush, except the `documents` row (kept, summed on),
        in text order, and forget them: a long document's rows can be written piece by piece.
        Nothing once a piece failed (the document becomes its error row at `done`)."""
        if self.failed or self.rows is None:
            return {}
        out = {name: table for name, table in self.rows.items() if name != "documents"}
        self.rows = {"documents": self.rows["documents"], **{name: [] for name in out}}
        return _in_text_order(out)

    def done(self) -> DocRows:
        assert self.document is not None, "no piece added"
        if self.failed or self.rows is None:
            return error_rows(self.document)
        try:
            return _in_text_order(self.rows)
        except Exception as e:  # noqa: BLE001 - recorded as that document's error
            self.document.error = f"building tables failed: {type(e).__name__}: {e}".splitlines()[0]
            return error_rows(self.document)


def _in_text_order(rows: DocRows) -> DocRows:
    """Rows of one document by position: some components yield spans in set order, which
    differs from process to process; the tables must not."""
    for table_rows in rows.values():
        if table_rows and "start" in table_rows[0]:
            table_rows.sort(key=lambda r: (r.get("start") or 0, r.get("end") or 0))
    return rows


def document_tables(document: Document, doc: Doc | None) -> DocRows:
    """The rows of one document, whatever happened to it: its tables, or only its `documents`
    row with status `error` when it has no Doc (not read, or the pipeline failed) or its rows
    cannot be built (one document's bad rows must not stop the others)."""
    if doc is None:
        return error_rows(document)
    try:
        return doc_tables(document, doc)
    except Exception as e:  # noqa: BLE001 - recorded as that document's error
        document.error = f"building tables failed: {type(e).__name__}: {e}".splitlines()[0]
        return error_rows(document)


def error_rows(document: Document) -> DocRows:
    """A failed document's rows: its `documents` row (status `error` when it has an error)."""
    return {"documents": [document_row(document, None)]}


def frames_from_rows(rows: DocRows) -> dict[str, pd.DataFrame]:
    """Rows of every table (any number of documents) -> one DataFrame per table, all tables."""
    return {name: to_frame(rows.get(name, []), columns) for name, columns in ALL_COLUMNS.items()}
