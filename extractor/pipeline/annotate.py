"""Documents -> Docs -> table rows: the one annotate path.

Each document's text is normalised, the clean texts go through the pipeline in bounded batches,
and the normaliser's offset map is set on the Doc (`doc._.claimx_offsets`), so the tables can
point every span back into the original text. `claimx extract` (in its workers or on Dask),
`claimx evaluate` and `extractor.extract_tables` all run `table_rows`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extractor.pipeline import extensions  # noqa: F401 - registers doc._.claimx_offsets
from extractor.reading.document import Document
from extractor.reading.normalize import NormalizedText, normalize
from extractor.running.memory import release_free_memory
from extractor.tables.rows import DocRows, DocumentRows

# Characters per pipeline batch, whatever the number of documents. thinc keeps every layer's
# output of a batch until the batch is done, so memory grows with the batch's length: 32 copies
# of a 7,000-character commentary peaked at 656 MB for tok2vec + ner, 50,000 characters at 301 MB,
# at the same words per CPU-second. benchmarks/scale.py, one worker: peak RSS 414 -> 456 MB from
# 1,000 to 10,000 documents at 50,000 characters, 358 -> 387 MB at 30,000, no slower.
MAX_BATCH_CHARS = 30_000


# Characters per piece of a long document. spaCy refuses texts over nlp.max_length (1,000,000),
# and the pipeline's memory grows with the length of what it analyses at once, so a longer clean
# text goes through the pipeline in pieces cut at a paragraph break, else at a sentence end, else
# at a space (`split_text`); its rows are made from all its pieces. A shorter text is one piece.
# Pieces are large because what spans a document (an abbreviation defined once and used later,
# an entity form labelled everywhere once labelled) is found within a piece only: the longest
# article in the dev corpora has 111k characters, so every real paper is one piece. They are no
# larger because tok2vec holds every layer's output for a piece at once (about 10 KB a token): a
# piece of 500,000 characters (105k tokens) peaked at 1.34 GB in one process, 200,000 at 0.73 GB.
MAX_PIECE_CHARS = 200_000

_SENTENCE_END = re.compile(r"[.?!] (?=[A-Z])")


def split_text(text: str, max_chars: int = MAX_PIECE_CHARS) -> list[tuple[int, int]]:
    """[start, end) pieces of at most `max_chars` characters that cover `text`, each cut after
    the last paragraph break (a blank line) of its second half, else after its last sentence
    end (`. ` before a capital), else after its last space; a hard cut only where none is."""
    pieces: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_chars:
        limit = start + max_chars
        half = start + max_chars // 2
        cut = text.rfind("\n\n", half, limit)
        if cut >= 0:
            cut += 2
        else:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, half, limit)]
            if ends:
                cut = ends[-1]
            else:
                space = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
                cut = space + 1 if space >= 0 else limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


@dataclass(frozen=True, eq=False)
class Piece:
    """One piece of a document's clean text: `text` is norm.text[start:start + len(text)]."""

    document: Document
    norm: NormalizedText | None  # None: the document was not read, nothing to run
    start: int = 0
    text: str = ""
    last: bool = True


def _pieces(documents: Iterable[Document], max_chars: int) -> Iterator[Piece]:
    for document in documents:
        if not document.ok:
            yield Piece(document, None)
            continue
        norm = normalize(document.text)
        if len(norm.text) <= max_chars:
            yield Piece(document, norm, 0, norm.text)
            continue
        spans = split_text(norm.text, max_chars)
        for i, (start, end) in enumerate(spans):
            yield Piece(document, norm, start, norm.text[start:end], i == len(spans) - 1)


def annotate_pieces(nlp: Language, documents: Iterable[Document], batch_size: int = 32, *,
                    max_chars: int = MAX_PIECE_CHARS, memory_zone: bool = False,
                    ) -> Iterator[tuple[Piece, Doc | None]]:
    """Each piece of each document (a short document is one piece) with its Doc, in input
    order. The pipeline runs in batches of at most `batch_size` pieces and MAX_BATCH_CHARS
    characters (a longer piece goes alone). The Doc's char offsets are into the piece; its
    `claimx_offsets` is the document's offset map (clean -> original), so `piece.start` must be
    added before mapping.

    A piece that could not be read, or that breaks the pipeline, comes with None; the latter sets
    its document's `error` ("pipeline failed: ...") and the document's later pieces are skipped
    (also None); the rest of the batch goes on. memory_zone: each batch runs in a spaCy memory
    zone, so a Doc is valid only until the next one is asked for.
    """
    batch: list[Piece] = []
    chars = 0
    for piece in _pieces(documents, max_chars):
        if piece.norm is None:
            batch.append(piece)
            continue
        if chars and chars + len(piece.text) > MAX_BATCH_CHARS:
            yield from _run(nlp, batch, batch_size, memory_zone)
            batch, chars = [], 0
        batch.append(piece)
        chars += len(piece.text)
        if sum(p.norm is not None for p in batch) >= batch_size:
            yield from _run(nlp, batch, batch_size, memory_zone)
            batch, chars = [], 0
    if batch:
        yield from _run(nlp, batch, batch_size, memory_zone)


def annotate(nlp: Language, documents: Iterable[Document], batch_size: int = 32,
             ) -> Iterator[tuple[Document, Doc | None]]:
    """Each document with its Doc, in input order (`annotate_pieces`; a document longer than
    MAX_PIECE_CHARS comes once per piece, each Doc holding that piece only: use
    `annotate_pieces` or `table_rows` for those)."""
    for piece, doc in annotate_pieces(nlp, documents, batch_size):
        yield piece.document, doc


def _run(nlp: Language, batch: list[Piece], batch_size: int, memory_zone: bool,
         ) -> Iterator[tuple[Piece, Doc | None]]:
    zone = nlp.memory_zone() if memory_zone and hasattr(nlp, "memory_zone") else nullcontext()
    with zone:
        # a document whose earlier piece failed is not run again
        todo = [piece for piece in batch if piece.norm is not None and piece.document.ok]
        run = {id(piece) for piece in todo}
        docs = iter(_pipe(nlp, todo, batch_size) if todo else [])
        for piece in batch:
            doc = next(docs) if id(piece) in run else None
            if doc is not None:
                doc._.claimx_offsets = piece.norm.offsets
            yield piece, doc
    if memory_zone and sum(len(piece.text) for piece in batch) > MAX_BATCH_CHARS:
        release_free_memory()  # a long piece's pages, before the next one is analysed


def _pipe(nlp: Language, todo: list[Piece], batch_size: int) -> list[Doc | None]:
    try:
        return list(nlp.pipe([piece.text for piece in todo], batch_size=batch_size))
    except Exception:  # noqa: BLE001 - isolate the failing document below
        docs: list[Doc | None] = []
        for piece in todo:
            document = piece.document
            if not document.ok:  # an earlier piece of it failed
                docs.append(None)
                continue
            try:
                docs.append(nlp(piece.text))
            except Exception as e:  # noqa: BLE001 - recorded as that document's error
                document.error = f"pipeline failed: {type(e).__name__}: {e}".splitlines()[0]
                docs.append(None)
        return docs


def table_row_chunks(nlp: Language, documents: Iterable[Document], batch_size: int = 32, *,
                     max_chars: int = MAX_PIECE_CHARS, memory_zone: bool = False,
                     ) -> Iterator[tuple[Document, DocRows, bool]]:
    """`table_rows` piece by piece, so a long document's rows need not all be in memory at
    once: (document, rows, last) for each piece, in text order. A piece before the last gives
    its rows without the `documents` row; the last gives the rest with it, or, when any piece
    failed, only the error `documents` row: then the rows given before for that document must
    be thrown away (`TableSink.rollback`)."""
    rows = DocumentRows()
    for piece, doc in annotate_pieces(nlp, documents, batch_size, max_chars=max_chars,
                                      memory_zone=memory_zone):
        rows.add(piece.document, doc, piece.start)
        if piece.last:
            yield piece.document, rows.done(), True
            rows = DocumentRows()
        else:
            yield piece.document, rows.flush(), False


def table_rows(nlp: Language, documents: Iterable[Document], batch_size: int = 32, *,
               max_chars: int = MAX_PIECE_CHARS, memory_zone: bool = False,
               ) -> Iterator[tuple[Document, DocRows]]:
    """Each document with its table rows (`tables.rows.document_tables`: in text order; a
    document that failed has only its `documents` row, status `error`). A long document's rows
    are made from all its pieces: offsets shifted by the piece's start, sentence ids continuing,
    word and sentence counts summed; each piece's Doc is dropped once its rows are made."""
    rows = DocumentRows()
    for piece, doc in annotate_pieces(nlp, documents, batch_size, max_chars=max_chars,
                                      memory_zone=memory_zone):
        rows.add(piece.document, doc, piece.start)
        if piece.last:
            yield piece.document, rows.done()
            rows = DocumentRows()


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


__all__ = ["MAX_BATCH_CHARS", "MAX_PIECE_CHARS", "WARM_UP_TEXT", "Piece", "annotate", "annotate_pieces",
           "split_text", "table_row_chunks", "table_rows", "warm_up"]
