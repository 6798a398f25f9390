"""`claimx review`: one self-contained HTML page to check an extract run and correct it into gold.

The page is built from package data (template.html, review.css, review.js, labels.json) and a
JSON payload. Everything the page shows comes from that payload and is written into the page with
textContent, never as markup; the payload itself sits in `<script type="application/json">` blocks
with `<`, `>` and `&` escaped, so no document text can close a script or open a tag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from extractor.errors import DocumentError, OutputError, PatternFileError, UsageError
from extractor.reading import readers
from extractor.rules.loader import require_keys
from extractor.tables.read import read_table
from extractor.tables.writers import REVIEW_PAGE

PACKAGE = "extractor.review"
# tables shown, in tab order; the page copes with any of them missing
REVIEW_TABLES = ("mentions", "regimens", "claims", "citations", "references")
# columns that hold lists (`;`-joined strings in CSV/XLSX, real lists in Parquet/JSONL)
LIST_COLUMNS = frozenset({"refs", "drugs", "doses", "durations", "outcomes", "sample_sizes", "citations",
                          "timepoints", "ref_ids", "authors"})
_MARKER = re.compile(r"\{\{(TITLE|CSP|CSS|JS|PAYLOAD|TEXTS)\}\}")


def read_source(source: str, doc_id: str) -> str:
    """Original text of a document from its `documents.source` value, for every input kind
    extract reads (text, PDF, JATS, JSONL records, gzip). Raises DocumentError."""
    if not source:
        raise DocumentError(f"{doc_id}: the run recorded no source for it")
    return readers.read_source(source, doc_id)


def _plain(value: Any) -> Any:
    """pandas/numpy cell -> JSON value (NaN/NA -> None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()  # numpy scalars and arrays
        if isinstance(value, list):
            return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _as_list(value: Any) -> list[str]:
    value = _plain(value)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return [part for part in str(value).split(";") if part]


def _table(out_dir: Path, name: str) -> dict[str, Any] | None:
    """A table as {columns, rows}, or None where the run has no such table."""
    try:
        frame = read_table(out_dir, name)
    except OutputError:
        return None
    except ValueError:  # an XLSX without this sheet
        return None
    columns = [str(c) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False, name=None):
        row = []
        for column, cell in zip(columns, record):
            if column in LIST_COLUMNS:
                row.append(_as_list(cell))
            elif column == "doc_id":
                row.append(None if _plain(cell) is None else str(_plain(cell)))
            else:
                row.append(_plain(cell))
        rows.append(row)
    return {"columns": columns, "rows": rows}


def load_labels() -> list[dict[str, str]]:
    """Label names and colours for the legend (labels.json), checked on load."""
    name = "labels.json"
    try:
        records = json.loads(resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError) as e:
        raise PatternFileError(f"data file {PACKAGE}/{name} is missing or not valid JSON: {e}") from e
    seen = set()
    for i, record in enumerate(records):
        where = f"{PACKAGE}/{name} record {i}"
        require_keys(record, {"label", "color"}, {"label", "color"}, where)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", record["color"]):
            raise PatternFileError(f"{where}: color must be #rrggbb, got {record['color']!r}")
        if record["label"] in seen:
            raise PatternFileError(f"{where}: duplicate label {record['label']!r}")
        seen.add(record["label"])
    return records


def build_payload(out_dir: Path) -> tuple[dict[str, Any], list[str | None]]:
    """The page's data: documents (without text), tables, labels; and each document's text."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"not a folder: {out_dir}")
    documents = _table(out_dir, "documents")
    if documents is None:
        raise UsageError(f"no documents table in {out_dir}; is it the --out folder of `claimx extract`?")
    cols = documents["columns"]
    docs, texts = [], []
    for row in documents["rows"]:
        record = dict(zip(cols, row))
        doc_id, source = str(record.get("doc_id")), record.get("source")
        text, problem = None, None
        if record.get("status") == "error":
            problem = record.get("error") or "extraction failed"
        else:
            try:
                text = read_source(str(source) if source is not None else "", doc_id)
            except DocumentError as e:
                problem = str(e)
            if text is not None and record.get("n_chars") is not None and len(text) != record["n_chars"]:
                problem = (f"the text at {source} has {len(text):,} characters, the run saw "
                           f"{record['n_chars']:,}: it changed since extract, offsets may be off")
        docs.append({"id": doc_id, "source": source, "status": record.get("status"),
                     "error": record.get("error"), "n_chars": record.get("n_chars"),
                     "has_text": text is not None, "problem": problem})
        texts.append(text)
    tables = {name: _table(out_dir, name) for name in REVIEW_TABLES}
    digest = hashlib.sha256()
    digest.update(str(out_dir.resolve()).encode())
    for doc in docs:
        digest.update(f"{doc['id']}\0{doc['source']}\0{doc['n_chars']}\n".encode())
    payload = {
        "run": {"id": digest.hexdigest()[:16], "name": out_dir.resolve().name, "path": str(out_dir.resolve())},
        "labels": load_labels(),
        "documents": docs,
        "tables": tables,
    }
    return payload, texts


def json_for_html(data: Any) -> str:
    """JSON that is safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _asset(name: str) -> str:
    try:
        return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise PatternFileError(f"data file {PACKAGE}/{name} is missing") from e


def render_html(payload: dict[str, Any], texts: list[str | None]) -> str:
    """Fill the template: inline CSS and JS, the payload, one JSON block per document text."""
    css, js = _asset("review.css"), _asset("review.js")
    if re.search(r"</style", css, re.I) or re.search(r"</script", js, re.I):
        raise PatternFileError(f"{PACKAGE}: review.css/review.js must not contain a closing tag")
    text_blocks = "\n".join(
        f'<script type="application/json" id="text-{i}">{json_for_html(text)}</script>'
        for i, text in enumerate(texts) if text is not None
    )
    title = f"claimx review: {payload['run']['name']}"
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # no network at all; only our own script runs (by hash), whatever a document contains
    script_hash = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    parts = {"TITLE": title, "CSP": csp, "CSS": css, "JS": js, "PAYLOAD": json_for_html(payload),
             "TEXTS": text_blocks}
    # one pass, so nothing substituted is scanned for markers again
    return _MARKER.sub(lambda m: parts[m.group(1)], _asset("template.html"))


def write_review(out_dir: Path, out: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Write the review page for an extract run; returns its path and the payload."""
    payload, texts = build_payload(Path(out_dir))
    target = Path(out) if out is not None else Path(out_dir) / REVIEW_PAGE
    html = render_html(payload, texts)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
    return target, payload
