"""Read back a table of an output folder (`claimx extract --out DIR`), whatever its format.

A table claimx knows (its columns are in `rows.ALL_COLUMNS`) reads back as the frame
`rows.to_frame` builds, from every format: the same columns in the same order, the same dtypes
(`string`, `Int64`, `Float64`, `boolean`, and Python lists for list columns), so a frame from
`extract_tables` equals `read_table` of the same run written as csv, parquet, jsonl or xlsx.

What the text formats cannot hold:

* CSV and spreadsheets do not tell an empty text from a missing one: an empty cell reads as
  missing (<NA>). A cell holding the text `NA` or `None` reads as that text.
* CSV and spreadsheets hold a list as its items joined by `;`: an item that itself holds a `;`
  (an author-year citation `(Smith, 2009; Lee, 2011)` in `claims.citations`) reads back split.

A table of another name (written by `write_tables`) reads with pandas' own type inference.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from extractor.errors import OutputError
from extractor.tables.rows import DTYPES
from extractor.tables.writers import FORMATS, LIST_SEPARATOR, PART, STATE_DIR


def read_table(out_dir: str | Path, name: str) -> pd.DataFrame:
    """Read back a table written by `claimx extract`, `write_tables` or `TableSink`, whatever its format.

    Only committed rows are returned (an interrupted run's partial batch is left out).
    """
    out_dir = Path(out_dir)
    columns = _known_columns().get(name)
    for fmt in FORMATS:
        if fmt == "parquet" and (out_dir / name).is_dir():
            raw = read_parts(out_dir / name)
        else:
            path = out_dir / (f"{name}.{fmt}" if fmt != "xlsx" else "tables.xlsx")
            if not path.exists():
                continue
            raw = _read_file(out_dir, name, path, fmt, typed=columns is not None)
        if raw is None:
            return _empty(name)
        if columns is None:
            return _lists_as_lists(raw)
        return typed_frame(raw, columns, fmt, table=name)
    raise OutputError(f"no table {name!r} in {out_dir}")


def read_parts(folder: Path) -> pd.DataFrame | None:
    """The committed parts of a partitioned Parquet table, as stored; None when there are none.

    A part (or a chunk of a batch, `part-<batch>-<chunk>`) counts once the `documents` part of
    its batch exists (that part is written last).
    """
    docs = folder.parent / "documents"
    parts = sorted(p for p in folder.iterdir() if PART.match(p.name))
    if docs.is_dir():  # tables written by `extract`: leave out parts of a batch never committed
        committed = {m.group(1) for p in docs.iterdir() if (m := PART.match(p.name))}
        parts = [p for p in parts if PART.match(p.name).group(1) in committed]
    if not parts:
        return None
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)


def _read_file(out_dir: Path, name: str, path: Path, fmt: str, typed: bool) -> pd.DataFrame | None:
    """One table's cells as stored: for a known table text cells stay text (`NA` is not missing)."""
    if fmt == "parquet":
        return pd.read_parquet(path)
    if fmt == "xlsx":
        if typed:
            return pd.read_excel(path, sheet_name=name[:31], dtype=object, keep_default_na=False)
        return pd.read_excel(path, sheet_name=name[:31], dtype={"doc_id": str})
    data = _committed_bytes(out_dir, name, path)
    if not data.strip():
        return None
    if fmt == "csv":
        if typed:
            return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        return pd.read_csv(io.BytesIO(data), dtype={"doc_id": str})
    if typed:  # JSON tells text from numbers and null from "": no inference, no rounding
        return pd.read_json(io.BytesIO(data), lines=True, dtype=False, convert_dates=False,
                            keep_default_dates=False, precise_float=True)
    return pd.read_json(io.BytesIO(data), lines=True, dtype={"doc_id": str})


def _committed_bytes(out_dir: Path, name: str, path: Path) -> bytes:
    """The bytes of an appended table up to its last committed batch (`.claimx/state.json`)."""
    try:
        sizes = json.loads((out_dir / STATE_DIR / "state.json").read_text(encoding="utf-8")).get("sizes", {})
    except (OSError, ValueError):
        sizes = {}
    with open(path, "rb") as f:
        return f.read(sizes[name]) if name in sizes else f.read()


# ---------------------------------------------------------------- cells -> the table's dtypes

_BOOL_CELLS = {True: True, False: False, "True": True, "False": False, "true": True, "false": False,
               "TRUE": True, "FALSE": False}


def typed_frame(raw: pd.DataFrame, columns: dict[str, str], fmt: str = "parquet",
                table: str = "table") -> pd.DataFrame:
    """Cells as stored in `fmt` -> the frame `to_frame` builds for these columns.

    Column kinds: str int float bool list. In CSV and spreadsheets an empty cell is a missing
    value and a list is `;`-joined; CSV cells are all text. Columns the table does not know are
    kept, after its own.
    """
    from extractor.tables.rows import to_frame

    cells = pd.DataFrame(index=raw.index)
    for column, kind in columns.items():
        if column not in raw.columns:
            continue
        try:
            cells[column] = _typed_column(raw[column], kind, fmt)
        except (TypeError, ValueError) as e:
            raise OutputError(f"{table}.{column}: cannot read a {kind} value: {e}".splitlines()[0]) from e
    frame = to_frame(cells, columns)
    extra = [c for c in raw.columns if c not in columns]
    if extra:
        frame = pd.concat([frame, _lists_as_lists(raw[extra]).reset_index(drop=True)], axis=1)
    return frame


def _typed_column(values: pd.Series, kind: str, fmt: str) -> pd.Series:
    text_cells = fmt in ("csv", "xlsx")
    if kind == "list":
        return pd.Series([_as_list(v) for v in values], index=values.index, dtype=object)
    if not text_cells and values.dtype == DTYPES[kind]:  # Parquet keeps pandas' dtypes
        return values
    missing = values.isna()
    if text_cells:
        missing |= values.astype(object).eq("")
    values = values.astype(object).mask(missing)
    if kind == "str":
        return values.astype("string")
    if kind == "bool":
        flags = values.map(_BOOL_CELLS, na_action="ignore")
        bad = flags.isna() & ~missing
        if bad.any():
            raise ValueError(f"{values[bad].iloc[0]!r} is not true or false")
        return flags.astype("boolean")
    if fmt == "csv":  # text -> number through Arrow's parser: exact, unlike pd.to_numeric
        return pd.Series(pd.array(values, dtype="string[pyarrow]").astype(DTYPES[kind]), index=values.index)
    return values.astype(DTYPES[kind])


def _as_list(value: Any) -> list[str]:
    if isinstance(value, np.ndarray):  # Parquet's list<string>: the items are str already
        return value.tolist()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
        return []
    return str(value).split(LIST_SEPARATOR)


def _lists_as_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """Array cells (Parquet's lists) as Python lists, as every other format gives them."""
    for column in frame.columns:
        if frame[column].dtype == object and any(isinstance(v, np.ndarray) for v in frame[column]):
            frame[column] = pd.Series([v.tolist() if isinstance(v, np.ndarray) else v for v in frame[column]],
                                      index=frame.index, dtype=object)
    return frame


def _known_columns() -> dict[str, dict[str, str]]:
    from extractor.tables.rows import ALL_COLUMNS  # imports spaCy: only once a table is read

    return ALL_COLUMNS


def _empty(name: str) -> pd.DataFrame:
    from extractor.tables.rows import to_frame

    columns = _known_columns().get(name)
    return to_frame([], columns) if columns is not None else pd.DataFrame()
