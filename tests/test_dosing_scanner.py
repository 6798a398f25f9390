"""The dosing word scanner (a `WordScanner` of the dose-level, route and frequency records) tries
only the records whose first characters fit a word start; it must find exactly what one regex of
all the records finds."""

from __future__ import annotations

import json

import pytest

from extractor.components.dosing import rules
from tests.conftest import DATA, require_shared
from tests.test_regex_helper import reference, scan


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
