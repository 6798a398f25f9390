"""Tables from Python, for notebooks: texts or paths in, one pandas DataFrame per table out.

    import extractor

    tables = extractor.extract_tables(["Patients (n = 30) received ketamine 0.5 mg/kg ..."])
    tables["regimens"]

The frames are the tables `claimx extract` writes (same columns, dtypes and rows), and equal
what `extractor.read_table` reads back from a run written in any format. Nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.errors import UsageError
from extractor.reading.document import Document
from extractor.reading.readers import (
    DEFAULT_MAX_BYTES,
    Item,
    ReadOptions,
    content_hash,
    expand_paths,
    iter_items,
    unique_ids,
)
from extractor.reading.readers import to_document as item_document
from extractor.running.batches import extract_rows  # the in-memory path of `extract`
from extractor.tables.rows import frames_from_rows

if TYPE_CHECKING:
    import pandas as pd
    from spacy.language import Language

Input = str | Document | os.PathLike
Inputs = Input | Mapping[Any, str] | Iterable[Input]


def extract_tables(inputs: Inputs, model: str = "default", *, nlp: Language | None = None,
                   batch_size: int = 32, max_bytes: int = DEFAULT_MAX_BYTES, text_field: str = "text",
                   id_field: str = "id") -> dict[str, pd.DataFrame]:
    """Analyse `inputs` and return {table name: DataFrame}, as `claimx extract` would write them.

    inputs: a text (str), a list of texts (ids `text-1`, `text-2`, ...), a dict {doc_id: text},
      Document objects, or paths (`pathlib.Path` of a file, a folder or a glob), read exactly as
      `claimx extract` reads them (ids, sources and errors alike); a list may mix them. A str is
      always a text: pass a path as `Path(...)`. A repeated doc_id gets `~2`, `~3`, ...
    model: a shipped pipeline name, an installed spaCy package or a pipeline folder.
    nlp: a pipeline already loaded (`extractor.load(...)`), reused as is: pass it when calling
      this in a loop, so the model is not loaded again each time.
    max_bytes, text_field, id_field: as `claimx extract --max-bytes --text-field --id-field`.

    A document that cannot be read or analysed is a `documents` row with status `error`.
    """
    if nlp is not None and model != "default":
        raise UsageError("extract_tables: pass either model= or nlp=, not both")
    if batch_size < 1:
        raise UsageError("extract_tables: batch_size must be at least 1")
    options = ReadOptions(max_bytes=max_bytes, text_field=text_field, id_field=id_field)
    entries = _entries(inputs)
    for entry in entries:
        if isinstance(entry, Path):
            expand_paths([str(entry)])  # a missing path fails before a model is loaded
    documents = list(unique_ids(_documents(entries, options)))
    if not documents:
        return frames_from_rows({})
    if nlp is None:
        from extractor.pipeline.load import load

        nlp = load(model)
    return frames_from_rows(extract_rows(nlp, documents, batch_size))


def _entries(inputs: Inputs) -> list[str | Document | Path | tuple[str, str]]:
    """Each input as a text, a Document, a Path or an (id, text) pair; bad types fail here."""
    if isinstance(inputs, str | Document | os.PathLike):
        return [_entry(inputs, "inputs")]
    if isinstance(inputs, Mapping):
        entries: list[str | Document | Path | tuple[str, str]] = []
        for key, text in inputs.items():
            if not isinstance(text, str):
                raise UsageError(f"extract_tables: the value for {key!r} must be a text (str); "
                                 f"got {type(text).__name__}")
            entries.append((str(key), text))
        return entries
    if isinstance(inputs, bytes | bytearray) or not isinstance(inputs, Iterable):
        raise UsageError(f"extract_tables: inputs must be a text, a list of texts, a dict {{doc_id: text}}, "
                         f"Documents or paths (pathlib.Path); got {type(inputs).__name__}")
    return [_entry(value, f"inputs[{index}]") for index, value in enumerate(inputs)]


def _entry(value: Any, where: str) -> str | Document | Path:
    if isinstance(value, str | Document):
        return value
    if isinstance(value, os.PathLike):
        return Path(value)
    raise UsageError(f"extract_tables: {where} must be a text (str), a Document or a path (pathlib.Path); "
                     f"got {type(value).__name__}")


def _documents(entries: list[str | Document | Path | tuple[str, str]], options: ReadOptions) -> Iterator[Document]:
    """Documents in input order. Texts are read as `extract` reads a JSONL record's text (an empty one
    is an error row); paths go through the readers, consecutive ones in one call as on the command line."""
    texts = 0
    paths: list[str] = []
    for entry in [*entries, None]:
        if isinstance(entry, Path):
            paths.append(str(entry))
            continue
        if paths:
            yield from (item_document(item, options.max_bytes) for item in iter_items(paths, options))
            paths = []
        if entry is None:
            break
        if isinstance(entry, Document):
            meta = {"content_hash": content_hash(entry.text), **entry.meta}
            yield replace(entry, meta=meta)  # a copy: the pipeline records errors on it
            continue
        if isinstance(entry, str):
            texts += 1
            doc_id, text = f"text-{texts}", entry
        else:
            doc_id, text = entry
        yield item_document(Item(doc_id, None, "record", text, content_hash(text)), options.max_bytes)
