"""Turn paths (files, folders, globs, `-` for stdin) into documents.

Two steps, so that a big batch can be spread over processes or machines:

* `iter_items` (cheap, in the process that drives the job) enumerates the inputs in a stable
  order, reads the raw bytes, hashes them and gives every document its id and `source`;
* `to_document` (in a worker) turns an `Item` into a `Document`: decode text, extract a PDF's
  text layer, parse JATS XML, un-gzip. Anything unreadable becomes a Document with `error`.

Supported inputs: `.txt`, `.pdf` (extra `claimx[pdf]`), PMC/JATS `.xml`/`.nxml`, `.jsonl`
(one record per line), each optionally gzipped (`.txt.gz`, `.jsonl.gz`, ...).

Other files: a folder's are skipped (a PMC package holds figures, a corpus folder a README); a file
named directly, or matched by a glob (the same list the shell would pass), with another suffix
(`report.docx`) is an error row, `unsupported file type .docx: ...`, never decoded as text, so a
Word file or an image does not come out as garbage words. A file without any suffix (`README`,
`/dev/stdin`, a process substitution `<(zcat x.gz)` as `/dev/fd/63`) and standard input (`-`)
have no type to go by and are read as text: the usual convention for unnamed streams, and a
binary one still fails safely as text does (NUL bytes or not UTF-8 are error rows).

Document ids (documents.doc_id), stable across runs and safe as file names:

* a file inside a folder or glob given on the command line: its path relative to that folder
  (or to the glob's fixed leading folders), without the supported suffixes; `/` becomes `__`;
* a file given by name: its name without the supported suffixes;
* a JSONL record: the value of `--id-field` if the record has one, else `<file id>-<line>`;
* standard input: `stdin` (its records: as for a JSONL file named `stdin`);
* then every character other than letters, digits, `.`, `_` and `-` becomes `_`, leading dots
  and dashes are dropped, an id longer than 120 characters is cut and ends in a hash of the
  whole, an empty one becomes `doc`; a repeated id gets `~2`, `~3`, ... in input order.

`documents.source` is what `read_source(source, doc_id)` needs to re-read the original text:
a file's absolute path, or `<path>#line=<n>&field=<text field>` for a JSONL record. Standard
input is copied into the output folder first (`.claimx/stdin.txt|.jsonl`) so it stays readable.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from extractor.errors import DocumentError, UsageError
from extractor.reading.document import Document
from extractor.reading.jats import jats_article, jats_text
from extractor.reading.pdf import pdf_text

DEFAULT_MAX_BYTES = 20_000_000
KINDS = {".txt": "text", ".pdf": "pdf", ".xml": "jats", ".nxml": "jats", ".jsonl": "jsonl"}
SUPPORTED_SUFFIXES = tuple(KINDS) + tuple(f"{s}.gz" for s in KINDS)
TEXT_SUFFIXES = (".txt",)  # kept for callers of the first version
MAX_ID_LENGTH = 120
_UNSAFE = re.compile(r"[^\w.\-]")
_WithId = TypeVar("_WithId")  # an Item or a Document: anything with a settable `id`


@dataclass
class Item:
    """One document as the driver sees it: raw payload plus identity, before any parsing."""

    id: str
    source: str
    kind: str  # text | pdf | jats | record
    data: bytes | str | None
    content_hash: str
    gz: bool = False
    error: str | None = None


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int = DEFAULT_MAX_BYTES
    text_field: str = "text"
    id_field: str = "id"
    stdin_dir: Path | None = None  # where standard input is copied so `source` stays readable


# ---------------------------------------------------------------- ids and paths


def safe_id(raw: str) -> str:
    """Make `raw` safe as a file name (see the module docstring for the rule)."""
    parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    cleaned = "__".join(_UNSAFE.sub("_", p) for p in parts).lstrip(".-")
    if len(cleaned) > MAX_ID_LENGTH:
        digest = hashlib.sha1(cleaned.encode("utf-8")).hexdigest()[:10]
        cleaned = f"{cleaned[:MAX_ID_LENGTH - 11]}-{digest}"
    return cleaned or "doc"


def split_suffix(name: str) -> tuple[str, str | None, bool]:
    """`paper.nxml.gz` -> ("paper", "jats", True); unknown suffix -> (name, None, False)."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    core = name[:-3] if gz else name
    for suffix, kind in KINDS.items():
        if core.lower().endswith(suffix):
            return core[: -len(suffix)], kind, gz
    return (core if gz else name), None, gz


READABLE = ".txt, .pdf, .xml/.nxml, .jsonl (optionally .gz)"


def unsupported(name: str) -> str | None:
    """Why a file of this name cannot be read (its suffix is not one claimx reads), or None.

    A name without any suffix is read as text (see the module docstring)."""
    core, kind, gz = split_suffix(name)
    suffix = Path(core).suffix.lower()
    if kind is not None or not suffix:
        return None
    return f"unsupported file type {suffix}{'.gz' if gz else ''}: claimx reads {READABLE}"


def document_id(path: Path, root: Path | None = None) -> str:
    """Stable id: the path (relative to the folder given) without its suffixes, made safe."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    stem, _, _ = split_suffix(rel.name)
    return safe_id((rel.parent / stem).as_posix() if stem else rel.as_posix())


def _supported(name: str) -> bool:
    return name.lower().endswith(SUPPORTED_SUFFIXES)


def _walk(folder: Path, keep=_supported) -> Iterator[Path]:
    """Files under `folder` whose name `keep` accepts (default: the supported ones), sorted, depth
    first, skipping hidden entries; no full list held."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=True):
            yield from _walk(Path(entry.path), keep)
        elif entry.is_file() and keep(entry.name):
            yield Path(entry.path)


def _unreadable(name: str) -> bool:
    return not _supported(name) and bool(unsupported(name))


def skipped_in_folders(paths: Iterable[str]) -> Iterator[Path]:
    """Files in the folders given that `_walk` leaves out because claimx cannot read their type
    (a suffix it does not read: `.docx`, `.png`; hidden entries and names without a suffix are not
    counted), so the user can be told; named directly, such a file is an error row instead."""
    for raw in paths:
        if raw != "-" and Path(raw).is_dir():
            yield from _walk(Path(raw), _unreadable)


def _glob_root(pattern: str) -> Path:
    fixed = []
    for part in Path(pattern).parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def expand_paths(paths: Iterable[str]) -> list[tuple[str | Path, Path | None]]:
    """Check every input exists before any work starts: (file or folder or "-", root for ids)."""
    out: list[tuple[str | Path, Path | None]] = []
    for raw in paths:
        if raw == "-":
            out.append(("-", None))
        elif glob.has_magic(raw) and not Path(raw).exists():
            matches = sorted(glob.glob(raw, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                raise UsageError(f"no files match {raw}")
            out.extend((f, _glob_root(raw)) for f in files)
        elif Path(raw).is_dir():
            out.append((Path(raw), Path(raw)))
        elif Path(raw).exists():
            out.append((Path(raw), None))
        else:
            raise UsageError(f"path not found: {raw}")
    return out


def iter_files(paths: Iterable[str]) -> Iterator[tuple[Path | str, Path | None]]:
    """Every input file (folders walked) with the root its id is relative to."""
    for target, root in expand_paths(paths):
        if isinstance(target, Path) and target.is_dir():
            yield from ((p, target) for p in _walk(target))
        else:
            yield target, root


# ---------------------------------------------------------------- driver side: items


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def _read_limited(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file too large: {size:,} bytes (limit {max_bytes:,})")
    return path.read_bytes()


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress at most `max_bytes` (a small .gz can hide a huge file)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as f:
            out = f.read(max_bytes + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise ValueError(f"not a readable gzip file: {e}".splitlines()[0]) from e
    if len(out) > max_bytes:
        raise ValueError(f"file too large once decompressed: over {max_bytes:,} bytes")
    return out


def _reason(e: Exception) -> str:
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def _record_items(lines: Iterable[bytes], file_id: str, path: Path, options: ReadOptions,
                  ) -> Iterator[Item]:
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fallback = f"{file_id}-{lineno}"
        source = f"{path}#line={lineno}&field={options.text_field}"
        try:
            record = json.loads(line)
        except ValueError as e:
            yield Item(fallback, source, "record", None, content_hash(line),
                       error=f"line {lineno}: not JSON: {e}".splitlines()[0])
            continue
        if not isinstance(record, dict):
            yield Item(fallback, source, "record", None, content_hash(line),
                       error=f"line {lineno}: a JSON {type(record).__name__}, not an object")
            continue
        raw_id = record.get(options.id_field)
        doc_id = safe_id(str(raw_id)) if raw_id not in (None, "") else fallback
        text = record.get(options.text_field)
        if not isinstance(text, str):
            what = "no field" if text is None else f"a {type(text).__name__} in field"
            yield Item(doc_id, source, "record", None, content_hash(line),
                       error=f"line {lineno}: {what} {options.text_field!r} (set --text-field)")
            continue
        yield Item(doc_id, source, "record", text, content_hash(text))


def _file_items(path: Path, root: Path | None, options: ReadOptions) -> Iterator[Item]:
    file_id = document_id(path, root)
    source = str(path.resolve())
    _, kind, gz = split_suffix(path.name)
    kind = kind or "text"
    why = unsupported(path.name)
    if why:
        yield Item(file_id, source, kind, None, "", gz=gz, error=why)
        return
    try:
        if kind == "jsonl":
            yield from _record_items(_jsonl_lines(path, gz, options.max_bytes), file_id, Path(source), options)
            return
        data = _read_limited(path, options.max_bytes)
    except (OSError, ValueError) as e:
        yield Item(file_id, source, kind, None, "", gz=gz, error=_reason(e))
        return
    yield Item(file_id, source, kind, data, content_hash(data), gz=gz)


def _jsonl_lines(path: Path, gz: bool, max_bytes: int) -> Iterator[bytes]:
    """Lines of a (gzipped) JSONL file, streamed; a line over `max_bytes` is cut (and fails as JSON)."""
    opener = gzip.open if gz else open
    try:
        with opener(path, "rb") as f:
            while line := f.readline(max_bytes + 1):
                yield line
    except (EOFError, gzip.BadGzipFile) as e:
        raise ValueError(f"not a readable gzip file: {e}".splitlines()[0]) from e


def _stdin_items(options: ReadOptions) -> Iterator[Item]:
    data = sys.stdin.buffer.read()
    records = options.text_field != "text" or options.id_field != "id"
    suffix = ".jsonl" if records else ".txt"
    if options.stdin_dir is not None:
        options.stdin_dir.mkdir(parents=True, exist_ok=True)
        path = options.stdin_dir / f"stdin{suffix}"
        path.write_bytes(data)
        source = str(path.resolve())
    else:
        path, source = Path("-"), "-"
    if records:
        yield from _record_items(io.BytesIO(data), "stdin", path, options)
        return
    if len(data) > options.max_bytes:
        yield Item("stdin", source, "text", None, content_hash(data),
                   error=f"file too large: {len(data):,} bytes (limit {options.max_bytes:,})")
        return
    yield Item("stdin", source, "text", data, content_hash(data))


def unique_ids(documents: Iterable[_WithId]) -> Iterator[_WithId]:
    """Items or Documents, with a repeated id given `~2`, `~3`, ... in input order."""
    seen: dict[str, int] = {}
    for document in documents:
        count = seen.get(document.id, 0)
        seen[document.id] = count + 1
        if count:
            document.id = f"{document.id}~{count + 1}"
            seen[document.id] = seen.get(document.id, 0) + 1
        yield document


def iter_items(paths: Iterable[str], options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Every document of every input, in a stable order, with unique ids. Streams: holds one file."""
    yield from unique_ids(item for target, root in iter_files(paths)
                          for item in (_stdin_items(options) if target == "-" else _file_items(target, root, options)))


def count_documents(paths: Iterable[str]) -> int | None:
    """How many documents `iter_items` will yield (for a progress bar), or None if stdin is read."""
    total = 0
    for target, _ in iter_files(paths):
        if target == "-":
            return None
        _, kind, gz = split_suffix(Path(target).name)
        if kind != "jsonl":
            total += 1
            continue
        try:
            total += sum(1 for line in _jsonl_lines(Path(target), gz, DEFAULT_MAX_BYTES) if line.strip())
        except (OSError, ValueError):
            total += 1
    return total


# ---------------------------------------------------------------- worker side: documents


def decode(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Bytes -> text, or ValueError with a one-line reason."""
    if not data.strip():
        raise ValueError("empty file")
    if len(data) > max_bytes:
        raise ValueError(f"file too large: {len(data):,} bytes (limit {max_bytes:,})")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"not UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start} cannot be decoded"
        ) from e


def item_text(item: Item, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The original text of an item (ValueError with a one-line reason when there is none)."""
    if item.error:
        raise ValueError(item.error)
    if item.kind == "record":
        if not isinstance(item.data, str) or not item.data.strip():
            raise ValueError("empty text")
        return item.data
    if item.kind == "jats":
        return jats_text(_jats_bytes(item, max_bytes))
    data = _item_bytes(item, max_bytes)
    if item.kind == "pdf":
        return pdf_text(data)
    return decode(data, max_bytes)


def _item_bytes(item: Item, max_bytes: int) -> bytes:
    data = item.data if isinstance(item.data, bytes) else b""
    return _gunzip(data, max_bytes) if item.gz else data


def _jats_bytes(item: Item, max_bytes: int) -> bytes:
    data = _item_bytes(item, max_bytes)
    if not data.strip():
        raise ValueError("empty file")
    return data


def to_document(item: Item, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Item -> Document; an unreadable one carries its one-line reason in `error`. A JATS
    article's Document also carries its reference list and xrefs."""
    meta = {"content_hash": item.content_hash}
    try:
        if item.kind == "jats" and not item.error:
            article = jats_article(_jats_bytes(item, max_bytes))
            return Document(item.id, article.text, item.source, meta,
                            references=article.references, xrefs=article.xrefs)
        return Document(item.id, item_text(item, max_bytes), item.source, meta)
    except (OSError, ValueError, MemoryError) as e:
        return Document(item.id, "", item.source, meta, error=_reason(e))


def read_documents(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES,
                   options: ReadOptions | None = None) -> Iterator[Document]:
    """Yield one Document per input, in this process; read failures carry `error`."""
    options = options or ReadOptions(max_bytes=max_bytes)
    for item in iter_items(paths, options):
        yield to_document(item, options.max_bytes)


def read_source(source: str, doc_id: str) -> str:
    """Re-read the original text of document `doc_id` from its `documents.source` value.

    Offsets in every table index into this text. Raises DocumentError when it cannot be read.
    """
    path_part, _, fragment = source.partition("#line=")
    try:
        if fragment:
            line_text, _, field = fragment.partition("&field=")
            lineno = int(line_text)
            path = Path(path_part)
            _, _, gz = split_suffix(path.name)
            for n, line in enumerate(_jsonl_lines(path, gz, 1 << 62), start=1):
                if n == lineno:
                    text = json.loads(line).get(field or "text")
                    if not isinstance(text, str):
                        raise ValueError(f"line {lineno} has no text field {field!r}")
                    return text
            raise ValueError(f"{path} has no line {lineno}")
        if source == "-":
            raise ValueError("standard input cannot be read again")
        path = Path(source)
        _, kind, gz = split_suffix(path.name)
        if unsupported(path.name):
            raise ValueError(unsupported(path.name))
        data = path.read_bytes()
        item = Item(doc_id, source, kind or "text", data, "", gz=gz)
        return item_text(item, max(len(data) * 1000, DEFAULT_MAX_BYTES) if gz else max(len(data), 1))
    except (OSError, ValueError) as e:
        raise DocumentError(f"cannot re-read {doc_id} from {source}: {_reason(e)}") from e
