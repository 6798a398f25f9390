"""One batch of inputs -> table rows, as a worker (a local process, a Dask task, or the job's own
process) computes it; and all rows of a few documents in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language

from extractor.pipeline import annotate
from extractor.pipeline.annotate import table_row_chunks, table_rows
from extractor.reading.document import Document
from extractor.reading.readers import DEFAULT_MAX_BYTES, Item, to_document
from extractor.running.memory import release_free_memory
from extractor.tables.rows import ALL_COLUMNS, DocRows, error_rows


def process_items(nlp: Language, items: list[Item], max_bytes: int = DEFAULT_MAX_BYTES,
                  batch_size: int = 32, memory_note: str = "") -> list[DocRows]:
    """Items -> rows, one dict per item, in order.

    Each pipeline batch runs inside a spaCy memory zone (spaCy >= 3.8): the words first seen in
    it leave the vocabulary afterwards (also between the pieces of one long document), and the
    freed heap goes back to the system, so a worker's memory does not grow with the number or
    the length of the documents. `memory_note` (the worker's memory limit) names
    the limit in the error of a document that ran out of memory.
    """
    documents = [to_document(item, max_bytes) for item in items]
    out = [rows for _, rows in table_rows(nlp, documents, batch_size, memory_zone=True)]
    if memory_note:
        for rows in out:
            row = rows["documents"][0]
            if row["status"] == "error" and "MemoryError" in (row["error"] or ""):
                row["error"] = f"pipeline failed: out of memory ({memory_note})"
    release_free_memory()
    return out


def stream_items(nlp: Language, items: list[Item], max_bytes: int = DEFAULT_MAX_BYTES,
                 batch_size: int = 32) -> Iterator[tuple[DocRows, bool]]:
    """`process_items` piece by piece, for the job's own process: (rows, last) as
    `pipeline.annotate.table_row_chunks` gives them, so a long document's rows are written as
    its pieces are analysed instead of all held until it is done."""
    documents = [to_document(item, max_bytes) for item in items]
    chunks = table_row_chunks(nlp, documents, batch_size, max_chars=annotate.MAX_PIECE_CHARS, memory_zone=True)
    for _, rows, last in chunks:
        yield rows, last
    release_free_memory()


def item_error_rows(item: Item, reason: str) -> DocRows:
    """The rows of an input whose worker failed on it (hung, died, lost on the cluster)."""
    meta = {"content_hash": item.content_hash}
    return error_rows(Document(item.id, "", item.source, meta, error=reason))


def extract_rows(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
                 on_document: Callable[[Document], None] | None = None) -> DocRows:
    """All table rows of `documents`, in memory (small jobs, `extractor.extract_tables`)."""
    rows: DocRows = {name: [] for name in ALL_COLUMNS}
    for document, doc_rows in table_rows(nlp, documents, batch_size):
        for name, table in doc_rows.items():
            rows[name].extend(table)
        if on_document:
            on_document(document)
    return rows
