"""Fast `doc.text` and token offsets for rule components.

`Doc.text` builds a Token object per token (~half the time of a rule component on abstracts);
reading the ORTH/SPACY/IDX arrays gives the same string and offsets much faster.
"""

from __future__ import annotations

from spacy.attrs import IDX, LOWER, ORTH, SPACY
from spacy.tokens import Doc

_TEXT_KEY = ("claimx", "doc_text")


def doc_text(doc: Doc) -> str:
    """Exactly `doc.text`, built once per Doc and kept in `doc.user_data` (tokens never change a
    Doc's text, and six components ask for it)."""
    if not len(doc):
        return ""
    last = doc[-1]
    end = last.idx + len(last.text_with_ws)
    cached = doc.user_data.get(_TEXT_KEY)
    if isinstance(cached, str) and len(cached) == end:  # not a copy from another Doc (Doc.from_docs)
        return cached
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY]).tolist()
    text = "".join(strings[orth] + " " if space else strings[orth] for orth, space in rows)
    doc.user_data[_TEXT_KEY] = text
    return text


_OFFSETS_KEY = ("claimx", "token_offsets")


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every token, read once per Doc (kept in
    `doc.user_data`; callers must not change the lists)."""
    if not len(doc):
        return [], []
    cached = doc.user_data.get(_OFFSETS_KEY)
    if isinstance(cached, (list, tuple)) and len(cached) == 2 and len(cached[0]) == len(doc):
        return cached[0], cached[1]
    arr = doc.to_array([IDX, ORTH]).tolist()
    strings = doc.vocab.strings
    starts = [row[0] for row in arr]
    ends = [row[0] + len(strings[row[1]]) for row in arr]
    doc.user_data[_OFFSETS_KEY] = (starts, ends)
    return starts, ends


def _strings_of(doc: Doc, attr: int, key: tuple[str, str]) -> list[str]:
    """The string of one token attribute (LOWER, ORTH) for every token, read from its array once
    per Doc and kept in `doc.user_data` under `key` (callers must not change the list)."""
    cached = doc.user_data.get(key)
    if isinstance(cached, list) and len(cached) == len(doc):
        return cached
    strings = doc.vocab.strings
    words = [strings[value] for value in doc.to_array(attr).tolist()]
    doc.user_data[key] = words
    return words


def lower_words(doc: Doc) -> list[str]:
    """Every token's `lower_`: rule code that looks at words around a span reads this list instead
    of making Token objects."""
    return _strings_of(doc, LOWER, ("claimx", "lower_words"))


def token_texts(doc: Doc) -> list[str]:
    """Every token's `text`."""
    return _strings_of(doc, ORTH, ("claimx", "token_texts"))
