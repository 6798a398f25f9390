"""Rule-based sentence boundaries that survive PDF text.

A statistical parser is slow and trips over `et al.`, `vs.`, `Fig. 1.` and citation
markers; these rules are cheap and predictable. Kept line breaks (headings, paragraphs)
from the normaliser are hard boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

from extractor.components.batching import RulesPipe
from extractor.rules.loader import read_rules
from extractor.rules.schemas import SentencesFile

FILES = {"sentences.json": SentencesFile}


@dataclass(frozen=True)
class SentenceRules:
    abbreviations: frozenset[str]  # lower-cased, with their full stop: not a sentence end
    closers: frozenset[str]  # quotes and brackets that stay with the sentence before
    enders: frozenset[str]  # tokens that end a sentence
    capital_units: frozenset[str]  # `U.`, `L.`: after a number a unit, not an initial
    letter_names_after: frozenset[str] = frozenset()  # `vitamin C.`: a name, not an initial
    # `Smith et al. The lack of ...`: an abbreviation before one of these words ends the sentence after all
    ends_before_opener: frozenset[str] = frozenset()
    openers: frozenset[str] = frozenset()


def rules_from_data(data: dict) -> SentenceRules:
    d = data["sentences.json"]
    return SentenceRules(frozenset(d["abbreviations"]), frozenset(d["closers"]), frozenset(d["enders"]),
                         frozenset(d["capital_units"]), frozenset(d.get("letter_names_after", [])),
                         frozenset(d.get("ends_before_opener", [])), frozenset(d.get("openers", [])))


@lru_cache(maxsize=8)
def load_rules(rules_path: str | Path | None = None) -> SentenceRules:
    """The shipped rules, or those in `rules_path` (a folder holding sentences.json, or that file)."""
    return rules_from_data(read_rules(FILES, rules_path))


def _starts_sentence(text: str) -> bool:
    """A capital, a digit, an opening quote or bracket, or a Greek letter opening a word (`α2-Adrenergic`,
    not a lone `μ`)."""
    first = text[:1]
    return first.isupper() or first.isdigit() or first in "\"'([“‘" or "α" <= first <= "ω" and len(text) > 1


def sentence_starts(doc: Doc, rules: SentenceRules | None = None) -> list[bool]:
    """Return is_sent_start for each token (pure function, testable alone).

    Token texts and flags are read as arrays once: a Token object per look-up made this
    splitter cost as much as three other rule components.
    """
    rules = rules or load_rules()
    abbreviations, closers, enders = rules.abbreviations, rules.closers, rules.enders
    n = len(doc)
    starts = [False] * n
    if not n:
        return starts
    starts[0] = True
    strings = doc.vocab.strings
    rows = doc.to_array([ORTH, SPACY, IS_SPACE]).tolist()
    texts = [strings[row[0]] for row in rows]
    spaced = [bool(row[1]) for row in rows]
    names: set[tuple[str, str]] | None = None  # found at the first glued stop: most documents have none
    i = 0
    sent_start = 0
    while i < n:
        text = texts[i]
        if rows[i][2]:
            if "\n" in text and i + 1 < n:
                starts[i + 1] = True
                sent_start = i + 1
            i += 1
            continue
        ends_here = text in enders or (
            len(text) > 1 and text[-1] == "." and (text.lower() not in abbreviations or _acronym(text))
            and not (_is_initial(text) and not _is_unit_after_number(texts, i, rules.capital_units)
                     and not (len(text) == 2 and i and texts[i - 1] in rules.letter_names_after))
        ) or _glued_citation(text, abbreviations)
        if text.lower() in rules.ends_before_opener and i + 1 < n and texts[i + 1] in rules.openers:
            starts[i + 1] = True  # `Smith et al. The lack of ...`: no name follows, a sentence does
            sent_start = i + 1
            i += 1
            continue
        if text.lower() in abbreviations and not _acronym(text) or not ends_here:
            i += 1
            continue
        if text == "." and i and texts[i - 1].lower() + "." in abbreviations and not spaced[i - 1] \
                and not _acronym(texts[i - 1] + "."):
            i += 1  # "approx" "." split by the tokenizer
            continue
        if text == "." and 0 < i < n - 1 and not spaced[i - 1] and not spaced[i]:
            names = _glued_names(texts, spaced) if names is None else names
            if (texts[i - 1], texts[i + 1]) in names:
                i += 1  # `Next.Step` named again and again: a name, not two sentences glued by a PDF
                continue
        if i - sent_start < 6 and _only_numbering(texts[sent_start:i + 1]):
            i += 1  # "1." or "2.3." opening a numbered heading
            continue
        j = i + 1
        while j < n and (texts[j] in closers or rows[j][2] and "\n" not in texts[j]):
            j += 1
        # a citation marker right after the full stop belongs to the sentence before
        if j < n and texts[j].startswith("["):
            k = j + 1
            while k < n and k - j < 12 and texts[k] != "]":
                k += 1
            if k < n and texts[k] == "]" and k + 1 < n and _starts_sentence(texts[k + 1]):
                j = k + 1
        # so does a reference number glued to it (`agents.8 In`: a flattened superscript)
        if text == "." and j == i + 1 < n - 1 and not spaced[i] and _REFERENCE_NUMBERS.fullmatch(texts[j]) \
                and spaced[j] and _starts_sentence(texts[j + 1]) and not texts[i - 1][-1:].isdigit():
            j += 1
        if j < n and _starts_sentence(texts[j]) and (text != "." or i == 0 or not _decimal_gap(texts, spaced, i)):
            starts[j] = True
            sent_start = j
        i = j if j > i else i + 1
    return starts


def _glued_names(texts: list[str], spaced: list[bool]) -> set[tuple[str, str]]:
    """(left, right) words of `Next.Step`-like forms, a capitalised word, a full stop with no space
    either side and a capitalised word, that the document writes at least twice: a name. Text from a
    PDF glues sentences (`the pain.The`) too, but seldom the same two words twice."""
    seen: dict[tuple[str, str], int] = {}
    for i in range(1, len(texts) - 1):
        if texts[i] == "." and not spaced[i - 1] and not spaced[i] and texts[i - 1][:1].isupper() \
                and texts[i - 1][1:2].islower() and texts[i + 1][:1].isupper():
            key = (texts[i - 1], texts[i + 1])
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1}


def _acronym(text: str) -> bool:
    """`DR.`, `MS.`: an all-capital acronym (diabetic retinopathy, multiple sclerosis) ending a
    sentence, not the title-case abbreviation it spells (`Dr.`, `Ms.`)."""
    core = text[:-1]
    return len(core) >= 2 and core.isalpha() and core.isupper()


_REFERENCE_NUMBERS = re.compile(r"\d{1,3}(?:[-–]\d{1,3})?(?:,\d{1,3}(?:[-–]\d{1,3})?)*")
_GLUED_CITATION = re.compile(r"([^\W\d_]{2,})\." + _REFERENCE_NUMBERS.pattern)


def _glued_citation(text: str, abbreviations: frozenset[str]) -> bool:
    """`agents.8` or `trials.8,9` as one token: a superscript citation number flattened onto the
    full stop, under a tokenizer that does not split it off as claimx's does (a third-party
    pipeline's), which ends the sentence when a capital follows; `Fig.3` is an abbreviation's."""
    m = _GLUED_CITATION.fullmatch(text)
    return m is not None and m.group(1).lower() + "." not in abbreviations


def _only_numbering(texts: list[str]) -> bool:
    """The tokens are only a section number such as `1.` or `2.3.`."""
    return all(t.rstrip(".").replace(".", "").isdigit() or t == "." for t in texts)


def _is_initial(text: str) -> bool:
    """`J.` or `U.S.`: letters separated by periods."""
    core = text.replace(".", "")
    return len(core) <= 2 and core.isalpha() and core[:1].isupper()


def _is_unit_after_number(texts: list[str], i: int, capital_units: frozenset[str]) -> bool:
    """`100 U.`, `2 L.`, `0.5 M.`: units, litres or molar right after a number (the tokenizer keeps
    a capital letter's full stop, for initials), so the stop can end a sentence. A year before
    an initial (`In 2019 J. Smith`) is not such a number."""
    if texts[i] not in capital_units or i == 0:
        return False
    number = texts[i - 1]
    return number[-1:].isdigit() and not (len(number) == 4 and number.isdigit() and number[:2] in ("19", "20"))



def _decimal_gap(texts: list[str], spaced: list[bool], i: int) -> bool:
    """A '.' token between two digits with no spaces is a decimal point, not a stop."""
    nxt = texts[i + 1] if i + 1 < len(texts) else None
    return bool(nxt is not None and texts[i - 1][-1:].isdigit() and not spaced[i - 1]
                and not spaced[i] and nxt[:1].isdigit())


class SentenceSplitter(RulesPipe):
    """Thin component: computes boundaries with `sentence_starts` and sets them."""

    FILES = FILES

    def __init__(self, name: str = "claimx_sentences", rules_path: str | Path | None = None):
        self.name = name
        self._use_rules(read_rules(FILES, rules_path))

    def _use_rules(self, data: dict) -> None:
        self.rules_data = data
        self.rules = rules_from_data(data)

    def __call__(self, doc: Doc) -> Doc:
        # one array write: setting token.is_sent_start re-checks the whole doc per token (quadratic)
        if len(doc):
            values = numpy.fromiter((1 if start else -1 for start in sentence_starts(doc, self.rules)), dtype="int64",
                                    count=len(doc))
            doc.from_array([SENT_START], values.reshape(-1, 1).astype("uint64"))
        return doc


@Language.factory("claimx_sentences", assigns=["token.is_sent_start"], default_config={"rules_path": None})
def make_sentences(nlp: Language, name: str, rules_path: str | None) -> SentenceSplitter:
    """Rule-based sentence starts; `rules_path`: a folder holding a sentences.json, or that file
    (null: the shipped one)."""
    return SentenceSplitter(name, rules_path)
