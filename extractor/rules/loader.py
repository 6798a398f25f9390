"""Read the data files that ship beside the code (patterns, word lists, units)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.errors import PatternFileError


@cache
def load_json(name: str, package: str = "extractor.rules.data") -> Any:
    """Load `name` from the package's data folder; errors name the file."""
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise PatternFileError(f"data file {package}/{name} is missing") from e
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise PatternFileError(f"data file {package}/{name} is not valid JSON: {e}") from e


def load_jsonl(name: str, package: str = "extractor.rules.data") -> list[dict[str, Any]]:
    """Load a JSON-lines data file; errors name the file and the line."""
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise PatternFileError(f"data file {package}/{name} is missing") from e
    records = []
    for i, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may sit inside strings
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise PatternFileError(f"{package}/{name} line {i}: not valid JSON: {e}") from e
    return records


def require_keys(record: dict, allowed: set[str], required: set[str], where: str) -> None:
    """Check a data record's keys, naming the file/record on failure."""
    unknown = set(record) - allowed
    if unknown:
        raise PatternFileError(f"{where}: unknown keys {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = required - set(record)
    if missing:
        raise PatternFileError(f"{where}: missing keys {sorted(missing)}")


def read_model_file(path: Path, what: str) -> Any:
    """A JSON model file (claim classifier, direction model); errors say which model and why."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise PatternFileError(f"{what} {path} is missing") from e
    except json.JSONDecodeError as e:
        raise PatternFileError(f"{what} {path} is not valid JSON: {e}") from e


def write_model_file(path: Path, data: Any) -> None:
    """Write a JSON model file compactly, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
