"""claimx_abbreviations: scispaCy's abbreviation detector with array scans instead of Matchers.
It must give exactly what scispaCy gives."""

from __future__ import annotations

import json
import random

import pytest
import spacy
from scispacy.abbreviation import AbbreviationDetector
from spacy.matcher import Matcher

from extractor.components.abbreviations import FastAbbreviationDetector, bracket_candidates, occurrences
from tests.conftest import DATA, require_shared


def _pairs(doc) -> list[tuple[str, str]]:
    return sorted((a.text, a._.long_form.text) for a in doc._.abbreviations)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ketamine (KET) was infused. KET lowered scores.", [("KET", "Ketamine"), ("KET", "Ketamine")]),
        ("We studied major depressive disorder (MDD) and MDD relapse.",
         [("MDD", "major depressive disorder"), ("MDD", "major depressive disorder")]),
        ("Patients with TRD (treatment-resistant depression) were enrolled.",
         [("TRD", "treatment-resistant depression")]),
        ("Two gases: nitric oxide (NO) and xenon (Xe).", [("NO", "nitric oxide"), ("Xe", "xenon")]),
        ("Scores fell (p < 0.05) after dosing.", []),
        ("No brackets here at all.", []),
        ("An empty pair () and a lone ( bracket.", []),
    ],
    ids=["drug", "repeat", "long-inside", "two", "not-abbreviation", "none", "empty-and-unbalanced"],
)
def test_detects_definitions_and_repeats(nlp, text, expected):
    doc = nlp(text)
    assert _pairs(doc) == expected


def test_shipped_pipelines_use_it(nlp):
    assert isinstance(nlp.get_pipe("abbreviation_detector"), FastAbbreviationDetector)


def _matcher_order(vocab_nlp, words: list[str]) -> list[tuple[int, int]]:
    matcher = Matcher(vocab_nlp.vocab)
    matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
    doc = spacy.tokens.Doc(vocab_nlp.vocab, words=words)
    return [(s + 1, e - 1) for _, s, e in matcher(doc) if e - s - 2 <= 8]


@pytest.fixture(scope="module")
def blank_en():
    """spacy.blank("en"), once for the random cases below (each builds only Docs and a Matcher)."""
    return spacy.blank("en")


@pytest.mark.parametrize("seed", range(20))
def test_bracket_candidates_in_matcher_order(blank_en, seed):
    rng = random.Random(seed)
    words = [rng.choice(["(", ")", "a", "b", "c"]) for _ in range(rng.randint(0, 40))]
    nlp = blank_en
    doc = spacy.tokens.Doc(nlp.vocab, words=words or ["x"])
    orths = [t.orth for t in doc]
    got = [(s, e) for _, s, e in bracket_candidates(orths, nlp.vocab.strings["("], nlp.vocab.strings[")"])]
    assert got == _matcher_order(nlp, words or ["x"])


@pytest.mark.parametrize(
    ("orths", "form", "expected"),
    [([1, 2, 3, 1, 2], [1, 2], [0, 3]), ([1, 1, 1], [1, 1], [0, 1]), ([1, 2], [2, 3], []), ([5], [5], [0])],
    ids=["two", "overlapping", "cut-off", "single"],
)
def test_occurrences(orths, form, expected):
    assert occurrences(orths, form) == expected


def test_serializable_short_forms(nlp):
    detector = FastAbbreviationDetector(nlp, make_serializable=True)
    doc = detector(nlp.make_doc("Ketamine (KET) was infused; KET helped."))
    assert doc._.abbreviations and all(isinstance(a["short_text"], str) for a in doc._.abbreviations)
    assert {a["long_text"] for a in doc._.abbreviations} == {"Ketamine"}


@pytest.mark.parametrize("corpus", ["claims/dev.jsonl", "bc5cdr/dev.jsonl"])
def test_same_as_scispacy_on_dev_abstracts(nlp, corpus):
    path = require_shared(DATA / corpus)
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    theirs, ours = AbbreviationDetector(nlp), FastAbbreviationDetector(nlp)
    found = 0
    for text in texts:
        expected = _pairs_at(theirs(nlp.make_doc(text)))
        assert _pairs_at(ours(nlp.make_doc(text))) == expected, text[:80]
        found += len(expected)
    assert found > 500  # the comparison covered real definitions


def _pairs_at(doc) -> list[tuple[int, int, int, int]]:
    return sorted((a.start, a.end, a._.long_form.start, a._.long_form.end) for a in doc._.abbreviations)
