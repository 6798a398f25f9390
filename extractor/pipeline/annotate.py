"""Documents -> Docs -> table rows: the one annotate path.

Each document's text is normalised, the clean texts go through the pipeline in bounded batches,
and the normaliser's offset map is set on the Doc (`doc._.claimx_offsets`), so the tables can
point every span back into the original text. `claimx extract` (in its workers or on Dask),
`claimx evaluate` and `extractor.extract_tables` all run `table_rows`.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from extractor.pipeline import extensions  # noqa: F401 - registers doc._.claimx_offsets
from extractor.reading.document import Document
from extractor.reading.normalize import NormalizedText, normalize
from extractor.tables.rows import DocRows, document_tables

# Characters per pipeline batch, whatever the number of documents. thinc keeps every layer's
# output of a batch until the batch is done, so memory grows with the batch's length: 32 copies
# of a 7,000-character commentary peaked at 656 MB for tok2vec + ner, 50,000 characters at 301 MB,
# at the same words per CPU-second. benchmarks/scale.py, one worker: peak RSS 414 -> 456 MB from
# 1,000 to 10,000 documents at 50,000 characters, 358 -> 387 MB at 30,000, no slower.
MAX_BATCH_CHARS = 30_000


def annotate(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
             ) -> Iterator[tuple[Document, Doc | None]]:
    """Each document with its Doc, in input order. The pipeline runs in batches of at most
    `batch_size` documents and MAX_BATCH_CHARS characters (a longer document goes alone).

    A document that could not be read, or that breaks the pipeline, comes with None; the latter
    gets its `error` ("pipeline failed: ...") and the rest of its batch goes on.
    """
    batch: list[tuple[Document, NormalizedText | None]] = []  # None: not read, nothing to run
    chars = texts = 0
    for document in documents:
        if not document.ok:
            batch.append((document, None))
            continue
        norm = normalize(document.text)
        if texts and chars + len(norm.text) > MAX_BATCH_CHARS:
            yield from _run(nlp, batch, batch_size)
            batch, chars, texts = [], 0, 0
        batch.append((document, norm))
        chars += len(norm.text)
        texts += 1
        if texts >= batch_size:
            yield from _run(nlp, batch, batch_size)
            batch, chars, texts = [], 0, 0
    if batch:
        yield from _run(nlp, batch, batch_size)


def _run(nlp: Language, batch: list[tuple[Document, NormalizedText | None]], batch_size: int,
         ) -> Iterator[tuple[Document, Doc | None]]:
    todo = [(document, norm) for document, norm in batch if norm is not None]
    docs = iter(_pipe(nlp, todo, batch_size) if todo else [])
    for document, norm in batch:
        doc = None if norm is None else next(docs)
        if doc is not None:
            doc._.claimx_offsets = norm.offsets
        yield document, doc


def _pipe(nlp: Language, todo: list[tuple[Document, NormalizedText]], batch_size: int) -> list[Doc | None]:
    try:
        return list(nlp.pipe([norm.text for _, norm in todo], batch_size=batch_size))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        docs: list[Doc | None] = []
        for document, norm in todo:
            try:
                docs.append(nlp(norm.text))
            except Exception as e:  # noqa: BLE001 - recorded as that document's error
                document.error = f"pipeline failed: {type(e).__name__}: {e}".splitlines()[0]
                docs.append(None)
        return docs


def table_rows(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
               ) -> Iterator[tuple[Document, DocRows]]:
    """Each document with its table rows (`tables.rows.document_tables`: in text order; a
    document that failed has only its `documents` row, status `error`)."""
    for document, doc in annotate(nlp, documents, batch_size):
        yield document, document_tables(document, doc)


WARM_UP_TEXT = "Patients (n = 12) received oral ketamine 5 mg/kg twice daily for 4 weeks [1]."


def warm_up(nlp: Language) -> Language:
    """One document through the pipeline outside any memory zone, so components that set
    themselves up on their first document keep what they set up.

    Then the objects that exist now (pipeline, drug lexicon, vocabulary: they live as long as
    the job) move to the garbage collector's permanent generation, so its full collections
    stop walking them: on the seed x187 those collections took 0.40 of 5.9 s, frozen 0.07 s.
    """
    nlp(WARM_UP_TEXT)
    gc.collect()
    gc.freeze()
    return nlp


__all__ = ["MAX_BATCH_CHARS", "WARM_UP_TEXT", "annotate", "table_rows", "warm_up"]
