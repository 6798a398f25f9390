"""Rule-based sentence boundaries that survive PDF text.

A statistical parser is slow and trips over `et al.`, `vs.`, `Fig. 1.` and citation
markers; these rules are cheap and predictable. Kept line breaks (headings, paragraphs)
from the normaliser are hard boundaries.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..resources import load_json


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset, frozenset, frozenset]:
    data = load_json("sentences.json")
    return frozenset(data["abbreviations"]), frozenset(data["closers"]), frozenset(data["enders"])


def _starts_sentence(text: str) -> bool:
    first = text[:1]
    return first.isupper() or first.isdigit() or first in "\"'([“‘"


def sentence_starts(doc: Doc) -> list[bool]:
    """Return is_sent_start for each token (pure function, testable alone)."""
    abbreviations, closers, enders = _rules()
    n = len(doc)
    starts = [False] * n
    if n:
        starts[0] = True
    i = 0
    sent_start = 0
    while i < n:
        tok = doc[i]
        text = tok.text
        if tok.is_space:
            if "\n" in text and i + 1 < n:
                starts[i + 1] = True
                sent_start = i + 1
            i += 1
            continue
        ends_here = text in enders or (
            len(text) > 1 and text[-1] == "." and text.lower() not in abbreviations
            and not _is_initial(text)
        )
        if text.lower() in abbreviations or not ends_here:
            i += 1
            continue
        if text == "." and i and doc[i - 1].lower_ + "." in abbreviations and not doc[i - 1].whitespace_:
            i += 1  # "approx" "." split by the tokenizer
            continue
        if i - sent_start < 6 and _only_numbering(doc, sent_start, i):
            i += 1  # "1." or "2.3." opening a numbered heading
            continue
        j = i + 1
        while j < n and (doc[j].text in closers or doc[j].is_space and "\n" not in doc[j].text):
            j += 1
        # a citation marker right after the full stop belongs to the sentence before
        if j < n and doc[j].text.startswith("["):
            k = j + 1
            while k < n and k - j < 12 and doc[k].text != "]":
                k += 1
            if k < n and doc[k].text == "]" and k + 1 < n and _starts_sentence(doc[k + 1].text):
                j = k + 1
        if j < n and _starts_sentence(doc[j].text) and (text != "." or i == 0 or not _decimal_gap(doc, i)):
            starts[j] = True
            sent_start = j
        i = j if j > i else i + 1
    return starts


def _only_numbering(doc: Doc, start: int, end: int) -> bool:
    """Tokens start..end (inclusive) are only a section number such as `1.` or `2.3.`."""
    return all(t.text.rstrip(".").replace(".", "").isdigit() or t.text == "." for t in doc[start:end + 1])


def _is_initial(text: str) -> bool:
    """`J.` or `U.S.`: letters separated by periods."""
    core = text.replace(".", "")
    return len(core) <= 2 and core.isalpha() and core[:1].isupper()


def _decimal_gap(doc: Doc, i: int) -> bool:
    """A '.' token between two digits with no spaces is a decimal point, not a stop."""
    prev, nxt = doc[i - 1], doc[i + 1] if i + 1 < len(doc) else None
    return bool(nxt is not None and prev.text[-1:].isdigit() and not prev.whitespace_
                and not doc[i].whitespace_ and nxt.text[:1].isdigit())


class SentenceSplitter:
    """Thin component: computes boundaries with `sentence_starts` and sets them."""

    def __call__(self, doc: Doc) -> Doc:
        # one array write: setting token.is_sent_start re-checks the whole doc per token (quadratic)
        if len(doc):
            values = numpy.fromiter((1 if start else -1 for start in sentence_starts(doc)), dtype="int64",
                                    count=len(doc))
            doc.from_array([SENT_START], values.reshape(-1, 1).astype("uint64"))
        return doc


@Language.factory("claimx_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> SentenceSplitter:
    return SentenceSplitter()
