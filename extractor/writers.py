"""Write tables as CSV, Parquet, JSONL or XLSX, atomically (temporary name, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from .errors import OutputError

FORMATS = ("csv", "parquet", "jsonl", "xlsx")
LIST_SEPARATOR = ";"


def _join_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV and spreadsheets hold lists as `;`-joined strings."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and any(isinstance(v, list) for v in out[column]):
            out[column] = [LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list) else v
                           for v in out[column]]
    return out


def _atomic_target(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write one table to `path` atomically."""
    tmp = _atomic_target(path)
    try:
        if fmt == "csv":
            _join_lists(frame).to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False, engine="pyarrow")
        elif fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            raise OutputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path, fmt: str) -> list[Path]:
    """Write every table into `out_dir`: one file per table, or one XLSX with a sheet per table."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out_dir}: {e.strerror}") from e
    if fmt == "xlsx":
        path = out_dir / "tables.xlsx"
        tmp = _atomic_target(path)
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    _join_lists(frame).to_excel(writer, sheet_name=name[:31], index=False)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return [path]
    return [write_frame(frame, out_dir / f"{name}.{fmt}", fmt) for name, frame in frames.items()]


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Read back a table written by `write_tables`, whatever its format."""
    for fmt in FORMATS:
        path = out_dir / (f"{name}.{fmt}" if fmt != "xlsx" else "tables.xlsx")
        if not path.exists():
            continue
        if fmt == "csv":
            return pd.read_csv(path)
        if fmt == "parquet":
            return pd.read_parquet(path)
        if fmt == "jsonl":
            if not path.read_text(encoding="utf-8").strip():
                from .tables import ALL_COLUMNS

                return pd.DataFrame(columns=list(ALL_COLUMNS.get(name, {})))
            return pd.read_json(path, lines=True)
        return pd.read_excel(path, sheet_name=name[:31])
    raise OutputError(f"no table {name!r} in {out_dir}")
