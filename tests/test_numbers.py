import re

import pytest

from extractor.errors import PatternFileError
from extractor.rules.loader import load_json
from extractor.rules.numbers import (
    number_pattern,
    number_words_from_dict,
    ordinal_pattern,
    parse_number,
    parse_ordinal,
)

NUMBERS = [
    ("30", 30), ("1,204", 1204), ("12,500.5", 12500.5), ("4.2", 4.2), (".03", 0.03), ("0.001", 0.001),
    ("−0.5", -0.5), ("-1.9", -1.9), ("½", 0.5), ("4½", 4.5), ("4 ½", 4.5), ("4 1/2", 4.5), ("3/4", 0.75),
    ("sixty", 60), ("Eighty-four", 84), ("Thirty three", 33), ("thirteen", 13), ("one hundred", 100),
    ("one hundred and twenty", 120), ("Five hundred", 500), ("two thousand and five", 2005),
    ("one thousand two hundred and four", 1204), ("1.2 × 10−4", 1.2e-4), ("3 x 10^-5", 3e-5), ("2e-6", 2e-6),
    ("2.5 × 10(6)", 2.5e6), ("1 × 10⁶", 1e6), ("10^6", 1e6), ("10⁻³", 1e-3), ("106", 106),
]


@pytest.mark.parametrize("text,value", NUMBERS, ids=[n[0] for n in NUMBERS])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


NOT_NUMBERS = ["", "-", "abc", "one two", "twenty thirty", "hundred", "1/0", "4 3/2", "thirteen five", "1,2345",
               "sixty-sixty"]


@pytest.mark.parametrize("text", NOT_NUMBERS, ids=[repr(t) for t in NOT_NUMBERS])
def test_not_a_number(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("text,value", [("third", 3), ("First", 1), ("twenty-first", 21), ("21st", 21),
                                        ("2nd", 2), ("12th", 12)])
def test_parse_ordinal(text, value):
    assert parse_ordinal(text) == value


@pytest.mark.parametrize("text", ["three", "first second", "thirty", "21"])
def test_not_an_ordinal(text):
    assert parse_ordinal(text) is None


@pytest.mark.parametrize("text", ["30", "1,204", "4.2", "sixty", "Eighty-four", "Thirty three", "4 1/2",
                                  "one hundred and twenty"])
def test_the_pattern_matches_what_parses(text):
    m = re.compile(number_pattern()).fullmatch(text)
    assert m and parse_number(m.group(0)) is not None


def test_ordinal_pattern():
    assert re.compile(ordinal_pattern()).fullmatch("twenty-first")


def _words():
    return dict(load_json("numbers.json"))


@pytest.mark.parametrize("change,message", [
    (lambda d: d.update(bogus={}), "field 'bogus': unknown key"),
    (lambda d: d.pop("ones"), "field 'ones': missing key"),
    (lambda d: d.update(ones={**d["ones"], "One": 1}), "lower-case"),
    (lambda d: d.update(teens={**d["teens"], "one": 1}), "already listed under ones"),
    (lambda d: d.update(tens={**d["tens"], "forty": "40"}), "field 'tens.forty.int': Input should be a valid integer"),
    (lambda d: d.update(fractions={"⅛": 0.125}), "only"),
], ids=["unknown-key", "missing-group", "upper-case", "duplicate", "not-a-number", "bad-fraction"])
def test_bad_number_words_name_the_file_and_record(change, message):
    data = _words()
    change(data)
    with pytest.raises(PatternFileError, match=message) as e:
        number_words_from_dict(data, "numbers.json")
    assert "numbers.json" in str(e.value)
