"""Write tables as CSV, Parquet, JSONL or XLSX: all at once (`write_tables`) or batch by batch
(`TableSink`), so that a long run can be interrupted and resumed without losing or repeating rows.

Layout of an output folder DIR:

* csv / jsonl: one file per table, `DIR/<table>.csv`, appended batch by batch. After each batch
  `DIR/.claimx/state.json` is replaced (atomically) with every table's committed size in bytes;
  a run killed half-way leaves at most a partial batch at the end of the files, which a resumed
  run (and `read_table`) cuts off.
* parquet: a partitioned dataset per table, `DIR/<table>/part-<batch>.parquet`, each part written
  under a temporary name and renamed. A batch is committed once its `documents` part exists (it is
  written last); other parts without one are left-overs of a killed run and are removed on resume.
  pandas, pyarrow, DuckDB, Dask and Spark read the folder as one table.
* xlsx: batches are kept as Parquet parts under `DIR/.claimx/parts/`, and `DIR/tables.xlsx`
  (one sheet per table) is built from them at the end (spreadsheets are for small runs).

`extractor.tables.read.read_table` reads any of them back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from extractor.errors import OutputError, UsageError

FORMATS = ("csv", "parquet", "jsonl", "xlsx")
LIST_SEPARATOR = ";"
STATE_DIR = ".claimx"
REVIEW_PAGE = "review.html"  # `claimx review`'s page, written beside the tables by default
ERRORS_LOG = "errors.log"  # in STATE_DIR: the full traceback of each document that failed unexpectedly
# a part's name: part-<batch>.parquet, or part-<batch>-<chunk>.parquet for a batch written in
# chunks (`write_rows`), which sorts before its batch's own part
PART = re.compile(r"^part-(\d+)(?:-\d+)?\.parquet$")


_LISTS = (list, tuple, np.ndarray)  # Parquet reads lists back as arrays


def _join_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """CSV and spreadsheets hold lists as `;`-joined strings."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and any(isinstance(v, _LISTS) for v in out[column]):
            out[column] = [LIST_SEPARATOR.join(map(str, v)) if isinstance(v, _LISTS) else v
                           for v in out[column]]
    return out


def _atomic_target(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; tables are for sharing
    return Path(tmp)


def _replace_text(path: Path, text: str) -> None:
    tmp = _atomic_target(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_ARROW_TYPES = {"str": "string", "int": "int64", "float": "float64", "bool": "bool"}


def arrow_schema(columns: dict[str, str]):
    """The Parquet schema of a table from its column kinds (lists are lists of strings)."""
    import pyarrow as pa

    fields = []
    for name, kind in columns.items():
        kind_type = pa.list_(pa.string()) if kind == "list" else pa.type_for_alias(_ARROW_TYPES.get(kind, "string"))
        fields.append(pa.field(name, kind_type))
    return pa.schema(fields)


def _write_parquet(frame: pd.DataFrame, path: Path, columns: dict[str, str] | None = None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if columns is None:
        frame.to_parquet(path, index=False, engine="pyarrow")
        return
    frame = frame.copy()
    for name, kind in columns.items():
        if kind == "list" and name in frame:
            values = [[str(x) for x in v] if isinstance(v, _LISTS) else [] for v in frame[name]]
            frame[name] = pd.Series(values, index=frame.index, dtype=object)
    table = pa.Table.from_pandas(frame, schema=arrow_schema(columns), preserve_index=False)
    pq.write_table(table, path)


def write_frame(frame: pd.DataFrame, path: Path, fmt: str, columns: dict[str, str] | None = None) -> Path:
    """Write one table to `path` atomically."""
    tmp = _atomic_target(path)
    try:
        if fmt == "csv":
            _join_lists(frame).to_csv(tmp, index=False)
        elif fmt == "parquet":
            _write_parquet(frame, tmp, columns)
        elif fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            raise OutputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _mkdir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {path}: {e.strerror}") from e


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path, fmt: str) -> list[Path]:
    """Write every table into `out_dir` in one go, in the same layout as `TableSink`."""
    from extractor.tables.rows import ALL_COLUMNS

    columns = {name: ALL_COLUMNS.get(name) or _kinds(frame) for name, frame in frames.items()}
    sink = TableSink(out_dir, fmt, columns)
    sink.open(resume=False)
    sink.write_batch(frames)
    return sink.close()


def _kinds(frame: pd.DataFrame) -> dict[str, str]:
    """Column kinds of a table tables.py does not know, from its dtypes."""
    kinds = {}
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kinds[name] = "bool"
        elif pd.api.types.is_integer_dtype(dtype):
            kinds[name] = "int"
        elif pd.api.types.is_float_dtype(dtype):
            kinds[name] = "float"
        elif any(isinstance(v, _LISTS) for v in frame[name]):
            kinds[name] = "list"
        else:
            kinds[name] = "str"
    return kinds


# ---------------------------------------------------------------- streaming


class TableSink:
    """Tables written batch by batch into one output folder; resumable after a kill."""

    def __init__(self, out_dir: Path, fmt: str, columns: dict[str, dict[str, str]]):
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        self.out_dir = Path(out_dir)
        self.fmt = fmt
        self.columns = columns
        self.state_dir = self.out_dir / STATE_DIR
        self.parts_root = self.state_dir / "parts" if fmt == "xlsx" else self.out_dir
        self.sizes: dict[str, int] = {}
        self.next_part = 0
        self._chunks: list[Path] = []  # Parquet chunk parts written since the last commit
        self._pending_documents: list[pd.DataFrame] = []
        self._mark: tuple[dict[str, int], int, int] = ({}, 0, 0)

    # -- layout
    @property
    def appends(self) -> bool:
        return self.fmt in ("csv", "jsonl")

    def table_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.{self.fmt}"

    def part_dir(self, name: str) -> Path:
        return self.parts_root / name

    def _state_path(self) -> Path:
        return self.state_dir / "state.json"

    # -- opening
    def open(self, resume: bool, overwrite: bool = False) -> dict[str, str]:
        """Prepare the folder; on resume return {doc_id: content_hash} of committed documents.

        Without `resume`, a folder that already holds tables (any table file of any format, or the
        state folder) is refused unless `overwrite`, which clears them first: a new run never mixes
        its tables with an old run's, nor silently replaces them.
        """
        if not resume:
            found = self.existing_tables()
            if found is not None and not overwrite:
                raise UsageError(f"{self.out_dir} already holds tables ({found}); add --resume to continue that "
                                 "run or --overwrite to replace them")
        _mkdir(self.out_dir)
        _mkdir(self.state_dir)
        if not resume:
            self._clear()
        else:
            self._check_format()
        if self.appends:
            self._open_appending()
        else:
            self._open_parts()
        self._save_state()
        self.mark()
        return self.done() if resume else {}

    def existing_tables(self) -> str | None:
        """The name of the first table file (any format) or state folder in the output, or None."""
        candidates = [f"{name}.{fmt}" for name in self.columns for fmt in ("csv", "jsonl", "parquet")]
        candidates += [*self.columns, "tables.xlsx", STATE_DIR]
        return next((c for c in candidates if (self.out_dir / c).exists()), None)

    def _clear(self) -> None:
        for name in self.columns:
            for fmt in ("csv", "jsonl", "parquet"):
                (self.out_dir / f"{name}.{fmt}").unlink(missing_ok=True)
            for folder in (self.out_dir / name, self.state_dir / "parts" / name):
                if folder.is_dir() and all(PART.match(p.name) or p.name.startswith(".") for p in folder.iterdir()):
                    shutil.rmtree(folder)
        (self.out_dir / "tables.xlsx").unlink(missing_ok=True)
        (self.out_dir / REVIEW_PAGE).unlink(missing_ok=True)
        (self.state_dir / ERRORS_LOG).unlink(missing_ok=True)
        self._state_path().unlink(missing_ok=True)

    def _check_format(self) -> None:
        state = self._load_state()
        if state and state.get("format") != self.fmt:
            raise UsageError(f"{self.out_dir} holds {state.get('format')} tables; resume with --format "
                             f"{state.get('format')} or write to another folder")

    def _load_state(self) -> dict:
        try:
            return json.loads(self._state_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _save_state(self) -> None:
        state = {"format": self.fmt, "sizes": self.sizes, "next_part": self.next_part}
        _replace_text(self._state_path(), json.dumps(state, sort_keys=True))

    def _open_appending(self) -> None:
        committed = self._load_state().get("sizes", {})
        for name, columns in self.columns.items():
            path = self.table_path(name)
            if not path.exists() or path.stat().st_size == 0:
                header = ",".join(_csv_cell(c) for c in columns) + "\n" if self.fmt == "csv" else ""
                path.write_text(header, encoding="utf-8")
            size = path.stat().st_size
            keep = committed.get(name, size)
            if size > keep:  # a batch that was being appended when the run died
                with open(path, "r+b") as f:
                    f.truncate(keep)
                size = keep
            self.sizes[name] = size

    def _open_parts(self) -> None:
        committed = self._committed_parts()
        seqs = set(committed)
        for name in self.columns:
            folder = self.part_dir(name)
            _mkdir(folder)
            for part in folder.iterdir():
                m = PART.match(part.name)
                if part.name.startswith(".") and part.name.endswith(".tmp"):
                    part.unlink(missing_ok=True)
                elif m:
                    if int(m.group(1)) not in committed:
                        part.unlink(missing_ok=True)  # written by a batch that never committed
                    seqs.add(int(m.group(1)))
        self.next_part = max(seqs) + 1 if seqs else 0

    def _committed_parts(self) -> set[int]:
        names = ["documents"] if "documents" in self.columns else list(self.columns)
        return {int(m.group(1)) for name in names if self.part_dir(name).is_dir()
                for p in self.part_dir(name).iterdir() if (m := PART.match(p.name))}

    # -- what is there
    def done(self) -> dict[str, str]:
        """{doc_id: content_hash} of the documents already committed."""
        frame = self._read_documents(["doc_id", "content_hash"])
        hashes = frame["content_hash"].fillna("").astype(str) if "content_hash" in frame else [""] * len(frame)
        return dict(zip(frame["doc_id"].astype(str), hashes))

    def _read_documents(self, columns: list[str]) -> pd.DataFrame:
        if self.appends:
            path = self.table_path("documents")
            with open(path, "rb") as f:
                data = f.read(self.sizes["documents"])
            if self.fmt == "csv":
                frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
            else:
                frame = pd.read_json(io.BytesIO(data), lines=True, dtype=False) if data.strip() else pd.DataFrame()
            return frame.reindex(columns=[c for c in columns if c in frame or c == "doc_id"])
        frames = [pd.read_parquet(p, columns=columns) for p in self._parts("documents")]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)

    def _parts(self, name: str) -> list[Path]:
        folder = self.part_dir(name)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if PART.match(p.name))

    def _read_parts(self, name: str) -> pd.DataFrame:
        """One table's rows from its parts (at close every part left is committed)."""
        parts = self._parts(name)
        if not parts:
            return pd.DataFrame(columns=list(self.columns[name]))
        return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)

    # -- changing
    def _commit_order(self) -> list[str]:
        """The documents table last: its rows are what marks a batch as done."""
        return [n for n in self.columns if n != "documents"] + (["documents"] if "documents" in self.columns else [])

    def drop_documents(self, doc_ids: set[str]) -> None:
        """Remove every row of these documents (changed since the last run); documents table last."""
        if not doc_ids:
            return
        for name in self._commit_order():
            if self.appends:
                self._filter_appended(name, doc_ids)
            else:
                for part in self._parts(name):
                    frame = pd.read_parquet(part)
                    keep = ~frame["doc_id"].astype(str).isin(doc_ids)
                    if not keep.all():
                        tmp = _atomic_target(part)
                        try:
                            _write_parquet(frame[keep], tmp, self.columns[name])
                            os.replace(tmp, part)
                        finally:
                            tmp.unlink(missing_ok=True)
        self._save_state()

    def _filter_appended(self, name: str, doc_ids: set[str]) -> None:
        path = self.table_path(name)
        tmp = _atomic_target(path)
        try:
            with open(path, encoding="utf-8", newline="") as src, open(tmp, "w", encoding="utf-8", newline="") as dst:
                if self.fmt == "csv":
                    reader, writer = csv.reader(src), csv.writer(dst, lineterminator="\n")
                    header = next(reader, None)
                    if header is not None:
                        writer.writerow(header)
                    for row in reader:
                        if row and row[0] not in doc_ids:
                            writer.writerow(row)
                else:
                    for line in src:
                        if line.strip() and str(json.loads(line).get("doc_id")) not in doc_ids:
                            dst.write(line)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        self.sizes[name] = path.stat().st_size

    # -- a batch written in chunks (a long document piece by piece)
    def write_rows(self, frames: dict[str, pd.DataFrame]) -> None:
        """Write some of a batch's rows, uncommitted until `commit`: a run killed before then
        leaves them to be cut off (CSV, JSONL) or removed (Parquet) on resume, like a batch
        killed half-way. Parquet: `part-<batch>-<chunk>.parquet`; `documents` rows wait for `commit`."""
        (self.out_dir / REVIEW_PAGE).unlink(missing_ok=True)
        if self.appends:
            self._append(frames, self._commit_order())
            return
        for name in self._commit_order():
            frame = frames.get(name)
            if frame is None or frame.empty:
                continue
            if name == "documents":
                self._pending_documents.append(frame)
                continue
            path = self.part_dir(name) / f"part-{self.next_part:06d}-{len(self._chunks):05d}.parquet"
            write_frame(frame, path, "parquet", self.columns[name])
            self._chunks.append(path)

    def mark(self) -> None:
        """Remember what is written so far, for `rollback`."""
        self._mark = (dict(self.sizes), len(self._chunks), len(self._pending_documents))

    def rollback(self) -> None:
        """Throw away what `write_rows` wrote since `mark` (a document that failed half-way)."""
        sizes, chunks, pending = self._mark
        if self.appends:
            for name, size in sizes.items():
                with open(self.table_path(name), "r+b") as f:
                    f.truncate(size)
            self.sizes = dict(sizes)
        for path in self._chunks[chunks:]:
            path.unlink(missing_ok=True)
        del self._chunks[chunks:], self._pending_documents[pending:]

    def commit(self) -> None:
        """Commit what `write_rows` wrote since the last commit as one batch."""
        if not self.appends:
            documents = [f for f in self._pending_documents if not f.empty]
            frames = {"documents": pd.concat(documents, ignore_index=True)} if documents else {}
            part = f"part-{self.next_part:06d}.parquet"
            for name in self._commit_order():
                frame = frames.get(name, pd.DataFrame(columns=list(self.columns[name])))
                write_frame(frame, self.part_dir(name) / part, "parquet", self.columns[name])
            self.next_part += 1
            self._chunks, self._pending_documents = [], []
        self._save_state()
        self.mark()

    def _append(self, frames: dict[str, pd.DataFrame], names: list[str]) -> None:
        for name in names:
            frame = frames.get(name)
            if frame is None or frame.empty:
                continue
            if self.fmt == "csv":
                text = _join_lists(frame).to_csv(index=False, header=False, lineterminator="\n")
            else:
                text = frame.to_json(orient="records", lines=True, force_ascii=False)
                text = text if text.endswith("\n") else text + "\n"
            with open(self.table_path(name), "a", encoding="utf-8", newline="") as f:
                f.write(text)
            self.sizes[name] = self.table_path(name).stat().st_size

    def write_batch(self, frames: dict[str, pd.DataFrame]) -> None:
        """Commit one batch: every table's rows, the `documents` rows last.

        The review page of the tables as they were (after --resume) no longer shows them: removed."""
        (self.out_dir / REVIEW_PAGE).unlink(missing_ok=True)
        names = self._commit_order()
        if self.appends:
            self._append(frames, names)
        else:
            part = f"part-{self.next_part:06d}.parquet"
            for name in names:
                frame = frames.get(name)
                if frame is None:
                    frame = pd.DataFrame(columns=list(self.columns[name]))
                write_frame(frame, self.part_dir(name) / part, "parquet", self.columns[name])
            self.next_part += 1
        self._save_state()

    def close(self) -> list[Path]:
        """Finish the folder (builds tables.xlsx); the paths users open."""
        if self.fmt == "xlsx":
            path = self.out_dir / "tables.xlsx"
            tmp = _atomic_target(path)
            try:
                with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                    for name in self.columns:
                        _join_lists(self._read_parts(name)).to_excel(writer, sheet_name=name[:31], index=False)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            return [path]
        if self.appends:
            return [self.table_path(name) for name in self.columns]
        return [self.part_dir(name) for name in self.columns]


def _csv_cell(value: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([value])
    return buf.getvalue()
