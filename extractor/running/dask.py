"""The extract job's batches on a Dask cluster: the same `process_items` as the local workers,
the pipeline loaded once per Dask worker, on its first task; a lost task is retried one
document at a time."""

from __future__ import annotations

import logging
import sys
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language

from extractor.errors import UsageError
from extractor.pipeline.annotate import warm_up
from extractor.reading.readers import Item
from extractor.running.batches import item_error_rows, process_items
from extractor.running.local import log_error
from extractor.running.memory import peak_rss_mb
from extractor.tables.rows import DocRows

if TYPE_CHECKING:
    from extractor.running.job import ExtractSummary

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
        return process_items(pipelines[model], items, max_bytes, batch_size), peak_rss_mb()


def run_dask(batches: Iterable[list[Item]], scheduler: str | None, workers: int, loader, model: str,
             max_bytes: int, batch_size: int, summary: ExtractSummary,
             error_log: Path | None = None) -> Iterator[list[DocRows]]:
    """Results of each batch, in the order the batches came, from a Dask cluster at `scheduler`
    (None or "local": a local cluster of `workers` processes); `summary` gets the number of
    workers and their peak memory. A document's failed task is its error row, with the task's
    traceback in `error_log`; a local cluster's workers do not print it on the terminal."""
    try:
        from distributed import Client, LocalCluster
        from distributed import wait as dask_wait
    except ImportError as e:
        raise UsageError("Dask is not installed: pip install 'claimx[dask]'") from e
    cluster = None
    try:
        if scheduler in (None, "", "local"):
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   silence_logs=logging.CRITICAL)  # failures become rows and the error log
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
                    reason = f"failed on the cluster: {type(e).__name__}: {e}".splitlines()[0]
                    trace = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                    log_error(error_log, f"task failed on the cluster for {batch[0].id}", trace)
                    reason += f"; full trace in {error_log}" if error_log else ""
                    print(f"claimx: {batch[0].id}: {reason}", file=sys.stderr, flush=True)
                    return [item_error_rows(batch[0], reason)]
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
