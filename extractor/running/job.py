"""The main job: documents in, tables out; on one machine in worker processes, or on Dask.

Shape of a run (`extract`):

1. the driver enumerates the inputs (`readers.iter_items`: raw bytes, id, content hash), skips
   those already in the output when resuming, and groups the rest into batches;
2. workers turn each batch into table rows (`process_items`): each worker process loads the
   pipeline once, at start; on Dask, once per worker, on its first task;
3. the driver writes each batch as it comes back, in input order (`writers.TableSink`), so the
   tables are the same whatever the number of workers, and a killed run loses at most the
   batches in flight.

Where each step lives: `running.batches` (a batch of items -> rows, in a memory zone),
`running.local` (the worker processes and their per-document limits), `running.dask`,
`pipeline.annotate` (normalise -> pipeline -> rows, the path `evaluate` shares).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractor.errors import UsageError
from extractor.pipeline.annotate import warm_up
from extractor.pipeline.load import find_pipeline, load
from extractor.reading.readers import DEFAULT_MAX_BYTES, Item, ReadOptions, expand_paths, iter_items
from extractor.running.batches import stream_items
from extractor.running.dask import run_dask
from extractor.running.local import (
    DEFAULT_DOC_TIMEOUT,
    DEFAULT_MAX_MEMORY_MB,
    RECYCLE_GROWTH,
    WorkerPool,
    default_workers,
)
from extractor.tables.rows import ALL_COLUMNS, frames_from_rows
from extractor.tables.writers import ERRORS_LOG, STATE_DIR, TableSink


@dataclass
class ExtractSummary:
    documents: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    skipped: int = 0  # already in the output (--resume)
    worker_peak_rss_mb: float = 0.0  # largest peak resident memory of any worker process
    workers: int = 0
    recycled: int = 0  # worker processes retired because their memory grew
    first_batch_at: float | None = None  # seconds from the start to the first batch written
    words_in_first_batch: int = 0

    @property
    def steady_words_per_s(self) -> float:
        """words/s after the first batch: without starting workers and loading pipelines."""
        if self.first_batch_at is None or self.seconds <= self.first_batch_at:
            return self.words / self.seconds if self.seconds else 0.0
        return (self.words - self.words_in_first_batch) / (self.seconds - self.first_batch_at)


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fewer_than_a_batch(batches: Iterator[list[Item]], batch_size: int, n_workers: int,
                        ) -> tuple[Iterator[list[Item]], int]:
    """The batches, and 0 workers when they are one short batch: starting worker processes
    (each loading the pipeline) for one document costs more than analysing it here. Reads the
    first batch to know."""
    first = next(batches, None)
    if first is None or len(first) < batch_size:
        return iter([first] if first else []), 0
    return itertools.chain([first], batches), n_workers


def _empty_rows() -> dict[str, list[dict[str, Any]]]:
    return {name: [] for name in ALL_COLUMNS}


def _extend(merged: dict[str, list[dict[str, Any]]], rows: dict[str, list[dict[str, Any]]]) -> None:
    for name, table_rows in rows.items():
        merged.setdefault(name, []).extend(table_rows)


def _drop_stale(sink: TableSink, stale: set[str], ids: set[str]) -> None:
    """Remove the old rows of the batch's documents that changed since the run resumed."""
    if stale & ids:
        sink.drop_documents(stale & ids)
        stale.difference_update(ids)


def _write_streamed(sink: TableSink, chunks: Iterator[tuple[dict, bool]]) -> list[dict[str, Any]]:
    """Write one batch from `batches.stream_items`: its rows are gathered and written at once
    (`write_batch`, as for a worker's batch) unless a long document comes in pieces; then what
    is gathered is written at each piece, uncommitted, and the batch committed at its end, so
    memory holds one piece's rows. A long document that fails after some of its pieces were
    written has them rolled back. Returns the batch's `documents` rows."""
    merged, documents, streaming, in_pieces = _empty_rows(), [], False, False
    for rows, last in chunks:
        if not last and not in_pieces:  # a long document's first piece: write what comes before
            if streaming or any(merged.values()):
                sink.write_rows(frames_from_rows(merged))
                merged = _empty_rows()
            sink.mark()
            streaming = in_pieces = True
        if last and in_pieces and rows["documents"][0]["status"] == "error":
            sink.rollback()  # the document is only its error row
            merged = _empty_rows()
        _extend(merged, rows)
        if last:
            documents.append(rows["documents"][0])
            in_pieces = False
        elif in_pieces:
            sink.write_rows(frames_from_rows(merged))
            merged = _empty_rows()
    if streaming:
        sink.write_rows(frames_from_rows(merged))
        sink.commit()
    else:
        sink.write_batch(frames_from_rows(merged))
    return documents


def _count(summary: ExtractSummary, documents: list[dict[str, Any]], started: float,
           on_progress: Callable[[int], None] | None) -> None:
    """Add a written batch's documents to the summary."""
    for doc_row in documents:
        summary.documents += 1
        if doc_row["status"] == "error":
            summary.failed += 1
        else:
            summary.words += int(doc_row["n_words"] or 0)
    if summary.first_batch_at is None:
        summary.first_batch_at = time.perf_counter() - started
        summary.words_in_first_batch = summary.words
    if on_progress:
        on_progress(len(documents))


def extract(paths: list[str], out_dir: Path, fmt: str = "csv", model: str = "default",
            max_bytes: int = DEFAULT_MAX_BYTES, batch_size: int = 32, *,
            workers: int | None = None, resume: bool = False, overwrite: bool = False, text_field: str = "text",
            id_field: str = "id", doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
            max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, scheduler: str | None = None,
            dask: bool = False, loader: Callable[[str], Language] = load, recycle_growth: float | None = RECYCLE_GROWTH,
            on_progress: Callable[[int], None] | None = None) -> ExtractSummary:
    """Read `paths`, analyse each document, write the tables into `out_dir` batch by batch.

    workers: worker processes (None: one per core, or none when the inputs are fewer documents
    than a batch; 0: in this process, no per-document limits).
    resume: keep what `out_dir` holds and analyse only documents not yet there (same id and
    content hash); a changed document's old rows are replaced.
    overwrite: clear the tables `out_dir` holds first (without it or `resume`, such a folder is an error).
    scheduler / dask: run on a Dask cluster at that address (or a local one when only `dask`).
    loader: builds the pipeline from `model` in each worker (must be picklable: a module function).
    recycle_growth: a worker whose memory grew by this fraction since its first batch is replaced.
    on_progress: called with the number of documents finished (analysed or skipped) each time.
    """
    if batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    expand_paths(paths)  # fail on a missing path before loading a model
    if loader is load:
        find_pipeline(model)  # and on an unknown --model before anything is written into out_dir
    started = time.perf_counter()
    out_dir = Path(out_dir)
    sink = TableSink(out_dir, fmt, dict(ALL_COLUMNS))
    done = sink.open(resume=resume, overwrite=overwrite)
    summary = ExtractSummary()
    options = ReadOptions(max_bytes=max_bytes, text_field=text_field, id_field=id_field,
                          stdin_dir=out_dir / STATE_DIR)
    stale: set[str] = set()

    def todo() -> Iterator[Item]:
        for item in iter_items(paths, options):
            if item.id in done:
                if done[item.id] == item.content_hash:
                    summary.skipped += 1
                    if on_progress:
                        on_progress(1)
                    continue
                stale.add(item.id)
            yield item

    batches = _batches(todo(), batch_size)
    n_workers = default_workers() if workers is None else workers
    if workers is None and not (scheduler or dask):
        batches, n_workers = _fewer_than_a_batch(batches, batch_size, n_workers)
    pool = None
    if scheduler or dask:
        results = run_dask(batches, scheduler, n_workers, loader, model, max_bytes, batch_size, summary,
                           error_log=out_dir / STATE_DIR / ERRORS_LOG)
    elif n_workers == 0:
        nlp = warm_up(loader(model))
        summary.workers = 0
        results = None
        for batch in batches:
            _drop_stale(sink, stale, {item.id for item in batch})
            doc_rows = _write_streamed(sink, stream_items(nlp, batch, max_bytes, batch_size))
            _count(summary, doc_rows, started, on_progress)
    else:
        pool = WorkerPool(n_workers, loader, model, max_memory_mb=max_memory_mb, max_bytes=max_bytes,
                          batch_size=batch_size, doc_timeout=doc_timeout, recycle_growth=recycle_growth,
                          error_log=out_dir / STATE_DIR / ERRORS_LOG)
        summary.workers = n_workers
        results = pool.run(batches)
    try:
        for batch_rows in results or ():
            _drop_stale(sink, stale, {rows["documents"][0]["doc_id"] for rows in batch_rows})
            merged = _empty_rows()
            for rows in batch_rows:
                _extend(merged, rows)
            sink.write_batch(frames_from_rows(merged))
            _count(summary, [rows["documents"][0] for rows in batch_rows], started, on_progress)
    finally:
        if pool is not None:
            summary.worker_peak_rss_mb = pool.peak_rss_mb
            summary.recycled = pool.recycled
            pool.close()
    summary.files = sink.close()
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = ["ExtractSummary", "extract"]
