"""The dosing word scanner (`_Alternation`) tries only the records whose first characters fit
a word start; it must find exactly what one regex of all the records finds."""

from __future__ import annotations

import json
import re

import pytest

from extractor.components.dosing import _Alternation, _prefixes, _trie_regex, rules
from tests.conftest import DATA, require_shared


@pytest.mark.parametrize("pattern,k,heads", [
    ("once daily", 4, {"once"}),
    ("once daily", 2, {"on"}),
    ("(?:low|moderate) or (?:moderate|high) dos(?:e|es|age)", 4, {"low ", "mode"}),
    (r"q\.?d", 4, {"q.d", "qd"}),
    (r"q ?\d+ ?h", 3, {f"q {d}" for d in "0123456789"} | {f"q{d}" for d in "0123456789"}),
    (r"i\.?v\.?", 4, {"i.v.", "i.v", "iv.", "iv"}),
    ("[Ii]ntra(?:venous|muscular)", 6, {"intrav", "intram"}),
    (r"\d+ times", 4, set("0123456789")),
    ("(?=a)abc", 2, {"ab"}),
    (r"x?y", 2, {"xy", "y"}),
    (r"\w+ly", 3, None),  # can start with any character
    (r"(?:a)?", 2, None),  # can be empty
])
def test_prefixes(pattern, k, heads):
    assert _prefixes(pattern, k) == heads


@pytest.mark.parametrize("words,matches,misses", [
    (["in", "ora"], ["in", "inhaled", "oral"], ["i", "or", "tin"]),
    (["a", "ab"], ["a", "ab", "ax"], ["b"]),
    (["q.d", "q 8"], ["q.d.", "q 8 h"], ["q d", "qd"]),
])
def test_trie_regex(words, matches, misses):
    rx = re.compile(_trie_regex(words))
    assert all(rx.match(w) for w in matches)
    assert not any(rx.match(w) for w in misses)


def reference(scanner: _Alternation, text: str):
    every = re.compile(r"(?<![\w-])(?:" + "|".join(scanner.parts) + r")(?![\w-])", re.I)
    return [(m.start(), m.end(), m.lastgroup) for m in every.finditer(text)]


def scan(scanner: _Alternation, text: str):
    return [(m.start(), m.end(), m.lastgroup) for m in scanner.finditer(text)]


def test_matches_one_regex_of_all_records_on_written_cases():
    words = rules().words
    for text in ["a moderate dose daily", "given i.v. once daily for 3 days, then q 8 h p.o.",
                 "LOW-DOSE KETAMINE TWICE DAILY", "inhaled and intranasal and intravenous",
                 "a a a a moderate-dose", "q8h/qd/b.i.d./t.i.d.", "half-dose orally"]:
        assert scan(words, text) == reference(words, text), text


@pytest.mark.parametrize("corpus", ["phee/dev.jsonl", "bc5cdr/dev.jsonl"])
def test_matches_one_regex_of_all_records_on_a_corpus(corpus):
    path = require_shared(DATA / corpus)
    words = rules().words
    texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")][:400]
    found = 0
    for text in texts + [t.upper() for t in texts[:100]]:
        got = scan(words, text)
        assert got == reference(words, text), text
        found += len(got)
    assert found > 50


def test_records_that_can_start_anywhere_are_tried_everywhere():
    scanner = _Alternation([("once daily", ("FREQUENCY", "once daily"), 1.0),
                            (r"\w+ly dosed", ("FREQUENCY", "x"), None)])
    text = "once daily, weekly dosed, once daily"
    assert scan(scanner, text) == reference(scanner, text)
    assert [m.group() for m in scanner.finditer(text)] == ["once daily", "weekly dosed", "once daily"]
