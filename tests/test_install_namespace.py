"""claimx imports only its own names: a user's `models.py`, `models/` or `cli.py` in the working
folder (on PYTHONPATH) changes neither `extractor.load` nor the `claimx` command.

Without building a wheel: the checkout goes on PYTHONPATH after the user's folder. The wheel
itself (only `extractor/` and its dist-info at its top) is checked by building one:
`python -m pip wheel --no-deps -w dist .` and listing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = Path(sys.executable).parent / "claimx"


@pytest.fixture(scope="module")
def user_folder(tmp_path_factory) -> Path:
    """A working folder whose own `models` and `cli` stop the process if anything imports them."""
    folder = tmp_path_factory.mktemp("user")
    (folder / "models").mkdir()
    for name in ("models.py", "cli.py", "models/__init__.py"):
        (folder / name).write_text(f"raise SystemExit('imported the user\\'s {name}')\n", encoding="utf-8")
    return folder


def run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([".", str(ROOT)])}
    return subprocess.run(args, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_load_does_not_import_the_users_models_or_cli(user_folder):
    code = ("import sys, extractor; print(extractor.load('rules').pipe_names); "
            "print(sorted({'models', 'cli'} & set(sys.modules)))")
    result = run(user_folder, sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    names, user_modules = result.stdout.splitlines()
    assert "claimx_quantities" in names and user_modules == "[]"


@pytest.mark.parametrize("command", [
    ["-m", "extractor.cli"],
    ["-m", "extractor"],
    pytest.param(["claimx"], marks=pytest.mark.skipif(not SCRIPT.exists(), reason="no installed claimx script")),
], ids=["python -m extractor.cli", "python -m extractor", "claimx"])
def test_claimx_models_runs_claimx_not_the_users_cli(user_folder, command):
    args = [str(SCRIPT)] if command == ["claimx"] else [sys.executable, *command]
    result = run(user_folder, *args, "models")
    assert result.returncode == 0, result.stderr
    shipped = [line.split("\t")[0] for line in result.stdout.splitlines() if "\tshipped\t" in line]
    assert {"default", "rules"} <= set(shipped)


def test_a_checkout_uses_its_own_models_folder():
    """Not the folder an editable install of another checkout (a git worktree's main) maps
    `extractor.models` to."""
    from extractor.pipeline.shipped import models_root

    assert models_root() == ROOT / "models"
