"""Read the data files the rule components compile (patterns, word lists, units), checked.

`load_data(name_or_path, schema)` is the one way in: a bare file name is a shipped file of
extractor/rules/data, anything else a user's file. A `.json` file is one object checked against
`schema` (a pydantic model of extractor.rules.schemas); a `.jsonl` file one record per line, each
checked against `schema`. A problem is one PatternFileError line naming the file, the record and
the field: `extractor/rules/data/routes.jsonl line 12, field 'patterns': Input should be a valid
list`. Results are cached per (file, schema) and shared: callers must not change them.

A component's `rules_path` (null: the shipped files) is a folder holding some of its data files
(those it lacks stay shipped) or, for a component with one data file, that file itself
(`read_rules`); `write_rules` writes them into a component's folder for `to_disk`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from extractor.errors import PatternFileError

DATA_PACKAGE = "extractor.rules.data"
DATA_FOLDER = "extractor/rules/data"


def _source(name_or_path: str | Path) -> tuple[Any, str]:
    """(readable file, the name errors give it) for a shipped name or a user's path."""
    if isinstance(name_or_path, str) and "/" not in name_or_path and "\\" not in name_or_path:
        return resources.files(DATA_PACKAGE).joinpath(name_or_path), f"{DATA_FOLDER}/{name_or_path}"
    return Path(name_or_path), str(name_or_path)


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_MESSAGES = {"extra_forbidden": "unknown key (not in the schema)", "missing": "missing key",
             "model_type": "expected a JSON object", "dict_type": "expected a JSON object"}


def _problem(where: str, error: ValidationError) -> PatternFileError:
    first = error.errors(include_url=False)[0]
    field = _field(first["loc"])
    message = _MESSAGES.get(first["type"], first["msg"])
    return PatternFileError(f"{where}, field '{field}': {message}" if field else f"{where}: {message}")


def validate(data: Any, schema: type[BaseModel], where: str) -> Any:
    """Check `data` (one object, or a list of records for a `.jsonl` file) against `schema`;
    return it unchanged. `where` names it in the error."""
    if isinstance(data, list) and where.endswith(".jsonl"):
        for i, record in enumerate(data, 1):
            validate(record, schema, f"{where} line {i}")
        return data
    try:
        schema.model_validate(data)
    except ValidationError as e:
        raise _problem(where, e) from None
    return data


def _read(source: Any, where: str) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise PatternFileError(f"data file {where} does not exist") from e
    if not where.endswith(".jsonl"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise PatternFileError(f"{where} line {e.lineno}: not valid JSON: {e.msg}") from e
    records = []
    for i, line in enumerate(text.split("\n"), 1):  # not splitlines(): U+2028 may sit inside strings
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise PatternFileError(f"{where} line {i}: not valid JSON: {e.msg}") from e
    return records


@cache
def _load(key: str, stamp: tuple, schema: type[BaseModel]) -> Any:
    source, where = _source(key)
    data = _read(source, where)
    if where.endswith(".jsonl"):
        for i, record in enumerate(data, 1):
            if not isinstance(record, dict):
                raise PatternFileError(f"{where} line {i}: a JSON {type(record).__name__}, not an object")
            validate(record, schema, f"{where} line {i}")
        return data
    return validate(data, schema, where)


def load_data(name_or_path: str | Path, schema: type[BaseModel]) -> Any:
    """A data file's content (an object; a list of records for `.jsonl`), checked against `schema`."""
    source, where = _source(name_or_path)
    stamp: tuple = ()
    if not where.startswith(DATA_FOLDER + "/"):  # a user's file may change between loads
        try:
            stat = source.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            pass
        name_or_path = str(source)
    return _load(name_or_path, stamp, schema)


def load_json(name: str) -> Any:
    """A shipped data file's content as written, unchecked (for tests and tools that build a
    variant of it); components read through `load_data`."""
    return _read(*_source(name))


def read_rules(files: dict[str, type[BaseModel]], rules_path: str | Path | None = None,
               base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A component's data files (file name -> schema), read: the shipped ones (or `base`), with
    those `rules_path` holds instead. `rules_path` is a folder, or one file (a file named like one
    of `files`, or any file when the component has only one)."""
    data = dict(base) if base is not None else {name: load_data(name, schema) for name, schema in files.items()}
    if rules_path is None:
        return data
    path = Path(rules_path)
    if path.is_dir():
        for name, schema in files.items():
            if (path / name).is_file():
                data[name] = load_data(path / name, schema)
        return data
    name = path.name if path.name in files else (next(iter(files)) if len(files) == 1 else None)
    if name is None:
        raise PatternFileError(f"rules path {path} is neither a folder nor one of {sorted(files)}")
    if not path.is_file():
        raise PatternFileError(f"rules file {path} does not exist")
    if name.endswith(".jsonl") != path.name.endswith(".jsonl"):
        raise PatternFileError(f"rules file {path}: expected a {Path(name).suffix} file like {name}")
    data[name] = load_data(path, files[name])
    return data


def write_rules(folder: str | Path, data: dict[str, Any]) -> None:
    """Write a component's data files (file name -> content) into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in data.items():
        if name.endswith(".jsonl"):
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in content)
        else:
            text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
        (folder / name).write_text(text, encoding="utf-8")


def saved_rules(folder: str | Path, files: dict[str, type[BaseModel]]) -> bool:
    """Whether a component folder (from `to_disk`) holds any of its data files."""
    return any((Path(folder) / name).is_file() for name in files)


def require_keys(record: dict, allowed: set[str], required: set[str], where: str) -> None:
    """Check a record's keys (the evaluation label map and the review colours; the rule
    components' data files have schemas instead)."""
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
