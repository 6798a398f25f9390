from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "ketamine-commentary.txt"
DATA = SHARED / "data"


@pytest.fixture(scope="session")
def nlp():
    from extractor.pipeline.load import load

    return load("default")


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed commentary not found at {SEED} (needs ../shared beside the checkout)")
    return SEED.read_text(encoding="utf-8")
