"""The main job: documents in, tables out; on one machine in worker processes, or on Dask.

Shape of a run (`extract`):

1. the driver enumerates the inputs (`readers.iter_items`: raw bytes, id, content hash), skips
   those already in the output when resuming, and groups the rest into batches;
2. workers turn each batch into table rows (`process_items`): each worker process loads the
   pipeline once, at start; on Dask, once per worker, on its first task;
3. the driver writes each batch as it comes back, in input order (`writers.TableSink`), so the
   tables are the same whatever the number of workers, and a killed run loses at most the
   batches in flight.

Per-document limits (worker processes only): a worker's address space is capped at
`max_memory_mb` (a document that needs more fails with a MemoryError, recorded as its error);
a batch that gives no answer within `doc_timeout` seconds, or whose worker dies, has its worker
killed and replaced and is retried one document at a time; a document that still hangs or
kills its worker alone is recorded as an error.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from extractor.errors import ClaimxError, UsageError
from extractor.pipeline.load import load
from extractor.reading.document import Document
from extractor.reading.normalize import NormalizedText, normalize
from extractor.reading.readers import (
    DEFAULT_MAX_BYTES,
    Item,
    ReadOptions,
    expand_paths,
    iter_items,
    read_documents,
    to_document,
)
from extractor.tables.rows import ALL_COLUMNS, doc_tables, document_row, to_frame
from extractor.tables.writers import STATE_DIR, TableSink, write_tables

DEFAULT_DOC_TIMEOUT = 300.0
DEFAULT_MAX_MEMORY_MB = 4096


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


# ---------------------------------------------------------------- one process: the pipeline


# Characters per pipeline batch, whatever the number of documents. thinc keeps every layer's
# output of a batch until the batch is done, so memory grows with the batch's length: 32 copies
# of a 7,000-character commentary peaked at 656 MB for tok2vec + ner, 50,000 characters at 301 MB,
# at the same words per CPU-second. benchmarks/scale.py, one worker: peak RSS 414 -> 456 MB from
# 1,000 to 10,000 documents at 50,000 characters, 358 -> 387 MB at 30,000, no slower.
MAX_BATCH_CHARS = 30_000


def analyse(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
            ) -> Iterable[tuple[Document, Doc | None, NormalizedText | None]]:
    """Run the pipeline over documents in batches of at most `batch_size` documents and
    MAX_BATCH_CHARS characters (a longer document goes alone); a document that breaks the
    pipeline gets an error."""
    batch: list[tuple[Document, NormalizedText]] = []
    chars = 0

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
        norm = normalize(document.text)
        if batch and chars + len(norm.text) > MAX_BATCH_CHARS:
            yield from flush()
            chars = 0
        batch.append((document, norm))
        chars += len(norm.text)
        if len(batch) >= batch_size:
            yield from flush()
            chars = 0
    if batch:
        yield from flush()


def extract_rows(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
                 on_document: Callable[[Document], None] | None = None,
                 ) -> dict[str, list[dict[str, Any]]]:
    """All table rows of `documents`, in memory (small jobs, evaluation)."""
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


DocRows = dict[str, list[dict[str, Any]]]  # one document's rows, per table


def process_items(nlp: Language, items: list[Item], max_bytes: int = DEFAULT_MAX_BYTES,
                  batch_size: int = 32, memory_note: str = "") -> list[DocRows]:
    """Items -> rows, one dict per item, in order. Runs in a worker.

    Inside a spaCy memory zone (spaCy >= 3.8): the words first seen in these documents leave
    the vocabulary afterwards, and the freed heap goes back to the system, so a worker's memory
    does not grow with the number of documents.
    """
    documents = [to_document(item, max_bytes) for item in items]
    zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else nullcontext()
    with zone:
        rows = _rows(nlp, documents, batch_size, memory_note)
    release_free_memory()
    return rows


WARM_UP_TEXT = "Patients (n = 12) received oral ketamine 5 mg/kg twice daily for 4 weeks [1]."


def warm_up(nlp: Language) -> Language:
    """One document through the pipeline outside any memory zone, so components that set
    themselves up on their first document keep what they set up.

    Then the objects that exist now (pipeline, drug lexicon, vocabulary: they live as long as
    the job) move to the garbage collector's permanent generation, so its full collections
    stop walking them: on the seed x187 those collections took 0.40 of 5.9 s, frozen 0.07 s.
    """
    nlp(WARM_UP_TEXT)
    gc.collect()
    gc.freeze()
    return nlp


def _rows(nlp: Language, documents: list[Document], batch_size: int, memory_note: str) -> list[DocRows]:
    out: list[DocRows] = []
    for document, doc, norm in analyse(nlp, documents, batch_size):
        if doc is None or norm is None:
            if document.error and "MemoryError" in document.error and memory_note:
                document.error = f"pipeline failed: out of memory ({memory_note})"
            out.append({"documents": [document_row(document, None)]})
        else:
            try:
                out.append(_in_text_order(doc_tables(document, doc, norm.offsets)))
            except Exception as e:  # noqa: BLE001 - one document's bad rows must not stop the batch
                document.error = f"building tables failed: {type(e).__name__}: {e}".splitlines()[0]
                out.append({"documents": [document_row(document, None)]})
    return out


def _in_text_order(rows: DocRows) -> DocRows:
    """Rows of one document by position: some components yield spans in set order, which
    differs from process to process; the tables must not."""
    for table_rows in rows.values():
        if table_rows and "start" in table_rows[0]:
            table_rows.sort(key=lambda r: (r.get("start") or 0, r.get("end") or 0))
    return rows


def error_rows(item: Item, reason: str) -> DocRows:
    meta = {"content_hash": item.content_hash}
    return {"documents": [document_row(Document(item.id, "", item.source, meta, error=reason), None)]}


# ---------------------------------------------------------------- worker processes

# A worker is replaced once its memory has grown by this fraction over what it used after its
# first batch. Long documents make the model's arrays, and so RSS, swing by about a third
# between batches (measured on abstracts + full-text pieces); bounded caches (floret vectors)
# fill up in the first thousand documents. Below 0.5 workers were recycled every few hundred
# documents, each time paying the 3 s pipeline load.
RECYCLE_GROWTH = 0.5


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc only; elsewhere nothing).

    A batch's arrays and Docs are freed after it, but glibc keeps the pages: without this a
    worker's RSS drifted from 386 to 534 MB over 3,000 documents.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _rss_mb() -> float:
    """Resident memory now (Linux; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _peak_rss_mb()


def _worker_main(conn, loader: Callable[[str], Language], model: str, max_memory_mb: int | None,
                 max_bytes: int, batch_size: int, recycle_growth: float | None = None) -> None:
    """A worker process: load the pipeline once, then answer batches until told to stop.

    A pipeline's vocabulary grows with every new word it sees; once the worker's memory has
    grown by `recycle_growth` over what it used after its first batch, it answers its batch
    and retires, and the driver starts a fresh one (memory stays flat however long the run).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver decides when to stop
    note = ""
    if max_memory_mb:
        import resource

        limit = int(max_memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        note = f"--max-memory {max_memory_mb} MB"
    try:
        nlp = warm_up(loader(model))
    except ClaimxError as e:
        conn.send(("fatal", type(e).__name__, str(e)))
        return
    except MemoryError:
        conn.send(("fatal", "MemoryError", f"cannot load pipeline {model!r} within {note}: "
                                           "raise it, or pass --max-memory 0 for no limit"))
        return
    except Exception as e:  # noqa: BLE001 - reported to the driver as a failure to start
        conn.send(("fatal", type(e).__name__, f"cannot load pipeline {model!r}: {type(e).__name__}: {e}"))
        return
    conn.send(("ready", os.getpid(), _peak_rss_mb()))
    baseline = None  # resident memory after the first batch
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        task_id, items = message
        results = process_items(nlp, items, max_bytes, batch_size, note)
        rss = _rss_mb()
        baseline = rss if baseline is None else baseline
        retiring = bool(recycle_growth) and rss > baseline * (1 + recycle_growth) and rss - baseline > 16
        conn.send(("done", task_id, results, _peak_rss_mb(), retiring))
        if retiring:
            return


@dataclass
class _Task:
    seq: int  # the batch it belongs to
    positions: list[int]  # positions of its items in the batch
    items: list[Item]


class _Worker:
    def __init__(self, ctx, args: tuple):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.retired = False
        self.task: _Task | None = None
        self.deadline = float("inf")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """N worker processes with per-task deadlines; dead or stuck workers are replaced."""

    def __init__(self, workers: int, loader: Callable[[str], Language], model: str, *,
                 max_memory_mb: int | None, max_bytes: int, batch_size: int, doc_timeout: float | None,
                 recycle_growth: float | None = RECYCLE_GROWTH):
        self.ctx = mp.get_context("spawn")
        self.args = (loader, model, max_memory_mb, max_bytes, batch_size, recycle_growth)
        self.recycled = 0
        self.doc_timeout = doc_timeout
        self.max_memory_mb = max_memory_mb
        self.peak_rss_mb = 0.0
        self.started = 0
        self.size = max(1, workers)
        self.workers: list[_Worker] = []  # started on demand: a small job needs fewer

    def _start(self) -> _Worker:
        # one thread per worker for the maths libraries: the parallelism is in the processes
        saved = {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        for key in saved:
            os.environ[key] = "1"
        try:
            worker = _Worker(self.ctx, self.args)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.started += 1
        return worker

    def close(self) -> None:
        for worker in self.workers:
            try:
                if worker.process.is_alive() and worker.ready:
                    worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in self.workers:
            worker.process.join(2)
            worker.kill()

    def run(self, batches: Iterable[list[Item]], window: int | None = None) -> Iterator[list[DocRows]]:
        """Results of each batch, in the order the batches came."""
        window = window or 2 * self.size + 1
        batches = iter(batches)
        pending: deque[_Task] = deque()
        results: dict[int, list[DocRows | None]] = {}
        missing: dict[int, int] = {}
        next_seq = next_out = 0
        exhausted = False
        while True:
            while not exhausted and next_seq - next_out < window and len(pending) < self.size:
                batch = next(batches, None)
                if batch is None:
                    exhausted = True
                    break
                results[next_seq] = [None] * len(batch)
                missing[next_seq] = len(batch)
                pending.append(_Task(next_seq, list(range(len(batch))), batch))
                next_seq += 1
            while next_out in results and missing[next_out] == 0:
                done = results.pop(next_out)
                del missing[next_out]
                next_out += 1
                yield [r for r in done if r is not None]
            if exhausted and next_out == next_seq:
                return
            idle = sum(1 for w in self.workers if w.task is None)
            for _ in range(min(len(pending) - idle, self.size - len(self.workers))):
                self.workers.append(self._start())
            for worker in self.workers:
                if worker.ready and worker.task is None and pending:
                    task = pending.popleft()
                    worker.task = task
                    worker.deadline = time.monotonic() + self.doc_timeout if self.doc_timeout else float("inf")
                    try:
                        worker.conn.send((task.seq, task.items))
                    except OSError:
                        pass  # it died meanwhile: its sentinel says so and the task is retried
            self._wait(pending, results, missing)
            self._retire()

    def _wait(self, pending: deque[_Task], results: dict, missing: dict) -> None:
        now = time.monotonic()
        deadline = min((w.deadline for w in self.workers if w.task), default=float("inf"))
        timeout = None if deadline == float("inf") else max(0.0, deadline - now)
        ready = wait([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers], timeout)
        for index, worker in enumerate(list(self.workers)):
            reason = None
            if worker.conn in ready:
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    message = None
                if message is None:
                    reason = self._death_reason(worker)
                elif message[0] == "ready":
                    worker.ready = True
                    self.peak_rss_mb = max(self.peak_rss_mb, message[2])
                elif message[0] == "fatal":
                    self.close()
                    raise _reraise(message[1], message[2])
                elif message[0] == "done":
                    task, worker.task, worker.deadline = worker.task, None, float("inf")
                    self.peak_rss_mb = max(self.peak_rss_mb, message[3])
                    for pos, rows in zip(task.positions, message[2]):
                        results[task.seq][pos] = rows
                    missing[task.seq] -= len(task.positions)
                    worker.retired = message[4]
            elif worker.process.sentinel in ready:
                reason = self._death_reason(worker)
            elif worker.task and time.monotonic() >= worker.deadline:
                reason = f"stopped after --doc-timeout {self.doc_timeout:g} s"
            if reason is None:
                continue
            task = worker.task
            worker.kill()
            if not worker.ready and task is None:
                self.close()
                raise ClaimxError(f"a worker process could not start: {reason}")
            self.workers[index] = self._start()
            if task is None:
                continue
            if len(task.items) > 1:  # find the culprit: retry one document at a time
                for pos, item in reversed(list(zip(task.positions, task.items))):
                    pending.appendleft(_Task(task.seq, [pos], [item]))
            else:
                results[task.seq][task.positions[0]] = error_rows(task.items[0], reason)
                missing[task.seq] -= 1

    def _retire(self) -> None:
        for worker in [w for w in self.workers if w.retired]:
            worker.process.join(5)
            worker.kill()
            self.recycled += 1
        self.workers = [w for w in self.workers if not w.retired]

    def _death_reason(self, worker: _Worker) -> str:
        worker.process.join(1)
        code = worker.process.exitcode
        what = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if self.max_memory_mb:
            return f"worker process died ({what}); out of memory? (--max-memory {self.max_memory_mb} MB)"
        return f"worker process died ({what})"


def _reraise(name: str, message: str) -> ClaimxError:
    """A worker's start-up error as the same ClaimxError class in the driver."""
    import re

    from extractor import errors

    cls = getattr(errors, name, ClaimxError)
    if not (isinstance(cls, type) and issubclass(cls, ClaimxError)):
        cls = ClaimxError
    return cls(re.sub(r"^\[E\d+\] ", "", message))


# ---------------------------------------------------------------- Dask


def _dask_process(items: list[Item], loader: Callable[[str], Language], model: str, max_bytes: int,
                  batch_size: int) -> tuple[list[DocRows], float]:
    """A Dask task: the pipeline is loaded once per worker, on its first task, and kept on the worker."""
    import threading

    from distributed import get_worker

    worker = get_worker()
    if not hasattr(worker, "claimx_lock"):
        worker.claimx_lock = threading.Lock()  # noqa: B010 - attribute on the Dask worker object
    with worker.claimx_lock:
        pipelines = getattr(worker, "claimx_pipelines", None)
        if pipelines is None:
            pipelines = worker.claimx_pipelines = {}
        if model not in pipelines:
            pipelines[model] = warm_up(loader(model))
        return process_items(pipelines[model], items, max_bytes, batch_size), _peak_rss_mb()


def _run_dask(batches: Iterable[list[Item]], scheduler: str | None, workers: int, loader, model: str,
              max_bytes: int, batch_size: int, summary: ExtractSummary) -> Iterator[list[DocRows]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as dask_wait
    except ImportError as e:
        raise UsageError("Dask is not installed: pip install 'claimx[dask]'") from e
    cluster = None
    try:
        if scheduler in (None, "", "local"):
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="30s")
    except OSError as e:
        raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        summary.workers = n_workers
        window = 2 * n_workers + 1
        in_flight: deque = deque()

        def submit(batch):
            return client.submit(_dask_process, batch, loader, model, max_bytes, batch_size, pure=False)

        def collect(future, batch) -> list[DocRows]:
            try:
                rows, rss = future.result()
                summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb, rss)
                return rows
            except Exception as e:  # noqa: BLE001 - a lost task: retry its documents one by one
                if len(batch) == 1:
                    return [error_rows(batch[0], f"failed on the cluster: {type(e).__name__}: {e}".splitlines()[0])]
                singles = [submit([item]) for item in batch]
                dask_wait(singles)
                return [collect(f, [item])[0] for f, item in zip(singles, batch)]

        for batch in batches:
            in_flight.append((submit(batch), batch))
            while len(in_flight) >= window:
                yield collect(*in_flight.popleft())
        while in_flight:
            yield collect(*in_flight.popleft())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- the job


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract(paths: list[str], out_dir: Path, fmt: str = "csv", model: str = "default",
            max_bytes: int = DEFAULT_MAX_BYTES, batch_size: int = 32, *,
            workers: int | None = None, resume: bool = False, text_field: str = "text",
            id_field: str = "id", doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
            max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, scheduler: str | None = None,
            dask: bool = False, loader: Callable[[str], Language] = load, recycle_growth: float | None = RECYCLE_GROWTH,
            on_progress: Callable[[int], None] | None = None) -> ExtractSummary:
    """Read `paths`, analyse each document, write the tables into `out_dir` batch by batch.

    workers: worker processes (None: one per core; 0: in this process, no per-document limits).
    resume: keep what `out_dir` holds and analyse only documents not yet there (same id and
    content hash); a changed document's old rows are replaced.
    scheduler / dask: run on a Dask cluster at that address (or a local one when only `dask`).
    loader: builds the pipeline from `model` in each worker (must be picklable: a module function).
    recycle_growth: a worker whose memory grew by this fraction since its first batch is replaced.
    on_progress: called with the number of documents finished (analysed or skipped) each time.
    """
    if batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    expand_paths(paths)  # fail on a missing path before loading a model
    started = time.perf_counter()
    out_dir = Path(out_dir)
    sink = TableSink(out_dir, fmt, dict(ALL_COLUMNS))
    done = sink.open(resume=resume)
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
    pool = None
    if scheduler or dask:
        results = _run_dask(batches, scheduler, n_workers, loader, model, max_bytes, batch_size, summary)
    elif n_workers == 0:
        nlp = warm_up(loader(model))
        summary.workers = 0
        results = (process_items(nlp, batch, max_bytes, batch_size) for batch in batches)
    else:
        pool = WorkerPool(n_workers, loader, model, max_memory_mb=max_memory_mb, max_bytes=max_bytes,
                          batch_size=batch_size, doc_timeout=doc_timeout, recycle_growth=recycle_growth)
        summary.workers = n_workers
        results = pool.run(batches)
    try:
        for batch_rows in results:
            ids = {rows["documents"][0]["doc_id"] for rows in batch_rows}
            if stale & ids:
                sink.drop_documents(stale & ids)
                stale.difference_update(ids)
            merged: dict[str, list[dict[str, Any]]] = {name: [] for name in ALL_COLUMNS}
            for rows in batch_rows:
                for name, table_rows in rows.items():
                    merged.setdefault(name, []).extend(table_rows)
                doc_row = rows["documents"][0]
                summary.documents += 1
                if doc_row["status"] == "error":
                    summary.failed += 1
                else:
                    summary.words += int(doc_row["n_words"] or 0)
            sink.write_batch({name: to_frame(merged[name], columns) for name, columns in ALL_COLUMNS.items()})
            if summary.first_batch_at is None:
                summary.first_batch_at = time.perf_counter() - started
                summary.words_in_first_batch = summary.words
            if on_progress:
                on_progress(len(batch_rows))
    finally:
        if pool is not None:
            summary.worker_peak_rss_mb = pool.peak_rss_mb
            summary.recycled = pool.recycled
            pool.close()
    summary.files = sink.close()
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = [
    "ExtractSummary", "WorkerPool", "analyse", "extract", "extract_rows", "frames_from_rows",
    "process_items", "read_documents", "write_tables",
]
