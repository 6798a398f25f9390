"""Turn paths (files, folders, `-` for stdin) into Documents; unreadable ones carry an error."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .document import Document
from .errors import UsageError

DEFAULT_MAX_BYTES = 20_000_000
TEXT_SUFFIXES = (".txt",)


def expand_paths(paths: Iterable[str]) -> list[str | Path]:
    """Check every path exists before any work starts; folders become their text files."""
    out: list[str | Path] = []
    for raw in paths:
        if raw == "-":
            out.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES))
        elif path.exists():
            out.append(path)
        else:
            raise UsageError(f"path not found: {raw}")
    return out


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


def document_id(path: Path, root: Path | None = None) -> str:
    """Stable id: the path (relative to the folder given) without its suffix."""
    rel = path.relative_to(root) if root and path.is_relative_to(root) else Path(path.name)
    return rel.with_suffix("").as_posix()


def read_documents(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Yield one Document per input; read failures become Documents with `error` set."""
    seen: dict[str, int] = {}
    for raw in paths:
        if raw == "-":
            sources = [("-", None)]
        else:
            path = Path(raw)
            if path.is_dir():
                sources = [(p, path) for p in expand_paths([raw])]
            elif path.exists():
                sources = [(path, None)]
            else:
                raise UsageError(f"path not found: {raw}")
        for source, root in sources:
            if source == "-":
                doc_id, name, reader = "stdin", "-", sys.stdin.buffer.read
            else:
                doc_id, name, reader = document_id(source, root), str(source), source.read_bytes
            count = seen.get(doc_id, 0)
            seen[doc_id] = count + 1
            if count:
                doc_id = f"{doc_id}~{count + 1}"
            try:
                text = decode(reader(), max_bytes)
            except (OSError, ValueError) as e:
                reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
                yield Document(doc_id, "", name, error=reason)
                continue
            yield Document(doc_id, text, name)
