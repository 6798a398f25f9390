"""The main job: documents in, tables out."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from .document import Document
from .normalize import NormalizedText, normalize
from .pipeline import load
from .readers import DEFAULT_MAX_BYTES, read_documents
from .tables import ALL_COLUMNS, doc_tables, document_row, to_frame
from .writers import write_tables


@dataclass
class ExtractSummary:
    documents: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)


def analyse(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
            ) -> Iterable[tuple[Document, Doc | None, NormalizedText | None]]:
    """Run the pipeline over documents in batches; a document that breaks it gets an error."""
    batch: list[tuple[Document, NormalizedText]] = []

    def flush():
        texts = [norm.text for _, norm in batch]
        try:
            docs = list(nlp.pipe(texts, batch_size=batch_size))
        except Exception:  # noqa: BLE001 - isolate the failing document below
            docs = []
            for (document, norm) in batch:
                try:
                    docs.append(nlp(norm.text))
                except Exception as e:  # noqa: BLE001 - recorded as that document's error
                    document.error = f"pipeline failed: {type(e).__name__}: {e}".splitlines()[0]
                    docs.append(None)
        for (document, norm), doc in zip(batch, docs):
            yield document, doc, norm
        batch.clear()

    for document in documents:
        if not document.ok:
            yield document, None, None
            continue
        batch.append((document, normalize(document.text)))
        if len(batch) >= batch_size:
            yield from flush()
    if batch:
        yield from flush()


def extract_rows(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
                 on_document: Callable[[Document], None] | None = None,
                 ) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ALL_COLUMNS}
    for document, doc, norm in analyse(nlp, documents, batch_size):
        if doc is None or norm is None:
            rows["documents"].append(document_row(document, None))
        else:
            for name, table_rows in doc_tables(document, doc, norm.offsets).items():
                rows[name].extend(table_rows)
        if on_document:
            on_document(document)
    return rows


def frames_from_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    return {name: to_frame(rows.get(name, []), columns) for name, columns in ALL_COLUMNS.items()}


def extract(paths: list[str], out_dir: Path, fmt: str = "csv", model: str = "default",
            max_bytes: int = DEFAULT_MAX_BYTES, batch_size: int = 32,
            on_document: Callable[[Document], None] | None = None) -> ExtractSummary:
    """Read `paths`, analyse each document, write one file per table into `out_dir`."""
    import time

    from .readers import expand_paths

    expand_paths(paths)  # fail on a missing path before loading a model
    started = time.perf_counter()
    nlp = load(model)
    rows = extract_rows(nlp, read_documents(paths, max_bytes), batch_size, on_document)
    frames = frames_from_rows(rows)
    files = write_tables(frames, out_dir, fmt)
    docs = frames["documents"]
    return ExtractSummary(
        documents=len(docs), failed=int((docs["status"] == "error").sum()),
        words=int(docs["n_words"].sum()), seconds=time.perf_counter() - started, files=files,
    )
