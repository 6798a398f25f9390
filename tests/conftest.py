"""What the tests share: the paths, the loaded pipelines, the skip for data outside the checkout.

Loading a shipped pipeline takes seconds, so every test that only runs texts through one uses
the `nlp` (default) or `nlp_rules` fixture: one pipeline per name for the whole session. A test
must not change the pipeline it is given (monkeypatch what it must, so it is undone).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# data sets and the seed commentary are not part of the checkout: ../shared beside it, when there
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "ketamine-commentary.txt"
DATA = SHARED / "data"


def shared_reason(path: Path) -> str:
    """Why a test of `path` (under ../shared) is skipped."""
    try:
        shown = f"../shared/{path.relative_to(SHARED).as_posix()}"
    except ValueError:
        shown = str(path)
    return f"needs {shown} beside the checkout"


def require_shared(path: Path) -> Path:
    """`path` under ../shared, or skip the test (or fixture) calling this, saying so."""
    __tracebackhide__ = True  # the skip is reported at the test's line, not here
    if not path.exists():
        pytest.skip(shared_reason(path))
    return path


@cache
def shared_pipeline(name: str):
    """`load(name)` once per process. A module function, so `extract(..., loader=shared_pipeline)`
    runs a job in this process on the session's pipeline instead of loading another."""
    from extractor.pipeline.load import load

    return load(name)


@pytest.fixture(scope="session")
def nlp():
    return shared_pipeline("default")


@pytest.fixture(scope="session")
def nlp_rules():
    return shared_pipeline("rules")


@pytest.fixture(scope="session")
def nlp_saved(nlp, tmp_path_factory):
    """The default pipeline written by `to_disk` and read back by `spacy.load`, once: (folder, pipeline)."""
    import spacy

    path = tmp_path_factory.mktemp("saved") / "pipe"
    nlp.to_disk(path)
    return path, spacy.load(path)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return require_shared(SEED).read_text(encoding="utf-8")


def extract_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`extract` (and `claimx extract` under CliRunner) without `--workers` runs in this process,
    on the session's pipelines, instead of starting a worker process per core that loads its own:
    for tests of what is written, not of the worker pool (tests/test_batch.py tests that)."""
    from extractor.running import job

    monkeypatch.setattr(job, "default_workers", lambda: 0)
    monkeypatch.setitem(job.extract.__kwdefaults__, "loader", shared_pipeline)


@pytest.fixture
def extract_here(monkeypatch):
    """extract_in_this_process for one test."""
    extract_in_this_process(monkeypatch)
