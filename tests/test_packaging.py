"""The wheel holds every folder of the library and of the shipped models, each as a package that
pyproject.toml names: a folder left out is missing from a user's install (or, for data, makes
setuptools warn on every build)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _listed() -> set[str]:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])


def _folders(top: Path, name: str) -> set[str]:
    skip = {"__pycache__"}
    found = {name}
    for folder in top.rglob("*"):
        if folder.is_dir() and not skip & set(folder.relative_to(top).parts):
            found.add(".".join([name, *folder.relative_to(top).parts]))
    return found


def test_every_library_and_model_folder_is_a_listed_package():
    expected = _folders(ROOT / "extractor", "extractor") | _folders(ROOT / "models", "extractor.models")
    assert _listed() == expected
