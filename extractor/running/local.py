"""The local worker pool: N processes, each loading the pipeline once, with per-task limits.

Per-document limits: a worker's address space is capped at `max_memory_mb` (a document that
needs more fails with a MemoryError, recorded as its error); a batch that gives no answer within
`doc_timeout` seconds, or whose worker dies, has its worker killed and replaced and is retried
one document at a time; a document that still hangs or kills its worker alone is recorded as an
error. A worker whose memory keeps growing is retired and replaced (`RECYCLE_GROWTH`).

A worker that raises unexpectedly (BrokenPipeError, numpy's ArrayMemoryError, a bug) sends its
traceback to the driver and is replaced like a dead one: the full trace goes into the error log
(`<out>/.claimx/errors.log`), the terminal gets one line, the document's row one line naming the
log. A worker never prints a traceback itself: one that loses its pipe to the driver just stops.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import wait
from pathlib import Path

from spacy.language import Language

from extractor.errors import ClaimxError
from extractor.pipeline.annotate import warm_up
from extractor.reading.readers import Item
from extractor.running.batches import item_error_rows, process_items
from extractor.running.memory import peak_rss_mb, rss_mb
from extractor.tables.rows import DocRows

DEFAULT_DOC_TIMEOUT = 300.0
DEFAULT_MAX_MEMORY_MB = 4096

# A worker is replaced once its memory has grown by this fraction over what it used after its
# first batch. Long documents make the model's arrays, and so RSS, swing by about a third
# between batches (measured on abstracts + full-text pieces); bounded caches (floret vectors)
# fill up in the first thousand documents. Below 0.5 workers were recycled every few hundred
# documents, each time paying the 3 s pipeline load.
RECYCLE_GROWTH = 0.5


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
        # under an address-space limit an allocation that fails in C code can surface as another
        # error (a SystemError without an exception set): name the limit, the likely cause
        within = f" within {note} (raise it, or pass --max-memory 0 for no limit)" if note else ""
        conn.send(("fatal", type(e).__name__, f"cannot load pipeline {model!r}{within}: {type(e).__name__}: {e}"))
        return
    try:
        conn.send(("ready", os.getpid(), peak_rss_mb()))
        baseline = None  # resident memory after the first batch
        while True:
            message = conn.recv()
            if message is None:
                return
            task_id, items = message
            try:
                results = process_items(nlp, items, max_bytes, batch_size, note)
            except Exception as e:  # noqa: BLE001 - reported to the driver, which replaces this worker
                conn.send(("crashed", task_id, _one_line(e, note), _trace()))
                return
            rss = rss_mb()
            baseline = rss if baseline is None else baseline
            retiring = bool(recycle_growth) and rss > baseline * (1 + recycle_growth) and rss - baseline > 16
            conn.send(("done", task_id, results, peak_rss_mb(), retiring))
            if retiring:
                return
    except (EOFError, OSError):  # the driver closed the pipe or is gone (BrokenPipeError): stop quietly
        return


def _one_line(e: BaseException, memory_note: str = "") -> str:
    """An exception as one line: its type and the first line of its message."""
    text = f"{type(e).__name__}: {e}".splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, MemoryError) and memory_note:
        text += f"; out of memory ({memory_note})"
    return text


def _trace() -> str:
    try:
        return traceback.format_exc()
    except MemoryError:  # pragma: no cover - too little memory left to format it
        return "(traceback lost: out of memory)\n"


def log_error(path: Path | None, what: str, trace: str) -> None:
    """Append one failure's full traceback to the error log (`None`: no log)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now().isoformat(timespec='seconds')} {what}\n{trace.rstrip()}\n\n")
    except OSError:
        pass


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
                 recycle_growth: float | None = RECYCLE_GROWTH, error_log: Path | None = None):
        self.ctx = mp.get_context("spawn")
        self.error_log = error_log  # where unexpected failures' tracebacks go
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
                elif message[0] == "crashed":
                    ids = ", ".join(item.id for item in worker.task.items) if worker.task else "(no batch)"
                    log_error(self.error_log, f"worker failed on {ids}: {message[2]}", message[3])
                    where = f"; full trace in {self.error_log}" if self.error_log else ""
                    reason = f"worker failed: {message[2]}{where}"
                    if worker.task and len(worker.task.items) == 1:
                        print(f"claimx: {ids}: {reason}", file=sys.stderr, flush=True)
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
                results[task.seq][task.positions[0]] = item_error_rows(task.items[0], reason)
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


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
