"""extractor.rules.regex: regexes from word lists, and what a regex's matches start with."""

from __future__ import annotations

import re

import pytest

from extractor.rules.regex import (
    WordScanner,
    alternation,
    at_word_start,
    first_chars,
    guard,
    heads,
    trie,
    word_led,
)


def found(pattern: str, text: str, flags: int = 0) -> list[str]:
    return [m.group() for m in re.finditer(f"(?:{pattern})", text, flags)]


# (words, options, text, expected matches); the same cases hold for alternation and trie
WORD_CASES = [
    pytest.param(["see", "see also"], {}, "see also, see", ["see also", "see"], id="longest-first"),
    pytest.param(["a", "ab", "abc"], {}, "abc ab a", ["abc", "ab", "a"], id="longest-first-prefixes"),
    pytest.param(["a.b", "c+", "(x)", "[1]", "p<0.05", "x|y", "\\"], {},
                 "a.b axb c+ cc (x) x [1] 1 p<0.05 x|y \\", ["a.b", "c+", "(x)", "[1]", "p<0.05", "x|y", "\\"],
                 id="metacharacters"),
    pytest.param(["mg kg", "mg"], {"spaces": r"\s*"}, "mgkg mg  kg mg", ["mgkg", "mg  kg", "mg"], id="spaces-optional"),
    pytest.param(["up to"], {"spaces": r"\s+"}, "upto up  to", ["up  to"], id="spaces-needed"),
    pytest.param(["per day"], {}, "per day per  day", ["per day"], id="space-is-a-space"),
    pytest.param(["dose", "dose"], {}, "dose", ["dose"], id="duplicates"),
    pytest.param(["–", "-"], {}, "1–2 1-2", ["–", "-"], id="dashes"),
    pytest.param([], {}, "anything", [], id="no-words-match-nothing"),
]


@pytest.mark.parametrize("words,options,text,expected", WORD_CASES)
def test_alternation(words, options, text, expected):
    assert found(alternation(words, **options), text) == expected


@pytest.mark.parametrize("words,options,text,expected", WORD_CASES)
def test_trie(words, options, text, expected):
    assert found(trie(words, **options), text) == expected


@pytest.mark.parametrize("words,options,text,expected", [
    (["sixty", "six"], {"fold_first": True}, "Sixty six SIXTY sIxty", ["Sixty", "six"]),
    (["sixty", "six"], {}, "Sixty six", ["six"]),
    (["or", "ci"], {"fold_first": True}, "OR Or CI ci", ["Or", "ci"]),
    (["2nd"], {"fold_first": True}, "2nd", ["2nd"]),
], ids=["fold-first-letter-only", "no-fold", "only-the-first-letter", "digits-do-not-fold"])
def test_trie_folds_the_first_letter(words, options, text, expected):
    assert found(trie(words, **options), text) == expected


def test_alternation_folds_case_with_the_flag():
    assert found(alternation(["once daily"]), "Once Daily once daily", re.I) == ["Once Daily", "once daily"]


def test_alternation_is_the_same_for_any_order_of_the_words():
    words = ["c", "ba", "ab", "see also"]
    assert alternation(words) == alternation(reversed(words)) == r"see\ also|ab|ba|c"


def test_trie_shares_beginnings():
    assert trie(["two", "ten", "three"]) == "t(?:en|hree|wo)"
    assert trie(["a", "ab"]) == "a(?:b|)"


@pytest.mark.parametrize("words,matches,misses", [
    (["in", "ora"], ["in", "inhaled", "oral"], ["i", "or", "tin"]),
    (["a", "ab"], ["a", "ab", "ax"], ["b"]),
    (["q.d", "q 8"], ["q.d.", "q 8 h"], ["q d", "qd"]),
])
def test_trie_of_prefixes(words, matches, misses):
    rx = re.compile(trie(words, prefixes=True))
    assert all(rx.match(w) for w in matches)
    assert not any(rx.match(w) for w in misses)


def test_first_chars_and_guard():
    assert first_chars(["two", "Ten", "9"]) == "9Tt"
    rx = re.compile(guard(["two"], extra="0."))
    assert [bool(rx.match(t)) for t in ("two", "Two", "0", ".5", "x")] == [True, True, True, True, False]
    assert re.search(guard([]), "anything") is None


@pytest.mark.parametrize("pattern,k,expected", [
    ("once daily", 4, {"once"}),
    ("once daily", 2, {"on"}),
    ("Once", 4, {"once"}),
    ("(?:low|moderate) or (?:moderate|high) dos(?:e|es|age)", 4, {"low ", "mode"}),
    (r"q\.?d", 4, {"q.d", "qd"}),
    (r"q ?\d+ ?h", 3, {f"q {d}" for d in "0123456789"} | {f"q{d}" for d in "0123456789"}),
    (r"i\.?v\.?", 4, {"i.v.", "i.v", "iv.", "iv"}),
    ("[Ii]ntra(?:venous|muscular)", 6, {"intrav", "intram"}),
    (r"\d+ times", 4, set("0123456789")),
    ("(?=a)abc", 2, {"ab"}),
    ("(?<=g )iv", 4, {"iv"}),
    (r"(?-i:IV)\b", 4, {"iv"}),
    (r"\bab", 4, {"ab"}),
    (r"x?y", 2, {"xy", "y"}),
    ("a{2,3}b", 4, {"a"}),  # a repeat ends the head after its first time
    ("ab*c", 4, {"ab", "ac"}),
    ("a++b", 3, {"a"}),
    ("(?>ab)c", 4, {"abc"}),
    (r"\x41\101b", 4, {"aab"}),
    ("[-.]x", 2, {"-x", ".x"}),
    (r"[\d.]", 2, set("0123456789.")),
    ("[]a]b", 2, {"]b", "ab"}),
    ("a{x}", 4, {"a{x}"}),
    (r"\w+ly", 3, None),  # can start with any character
    (r"[^a]b", 2, None),
    (".b", 2, None),
    (r"(?:a)?", 2, None),  # can be empty
    ("a|", 2, None),
    (r"(a)\1", 2, {"a"}),  # a back reference can be anything
    ("(?x) a b", 2, None),  # verbose: not read
    ("(unclosed", 2, None),  # not a regex
])
def test_heads(pattern, k, expected):
    assert heads(pattern, k) == expected


@pytest.mark.parametrize("pattern,text", [
    ("(?:low|moderate) or (?:moderate|high) dos(?:e|es|age)", "a LOW or high dose, moderate or moderate dosage"),
    (r"q ?\d+ ?h|i\.?v\.?|[Ii]ntra(?:venous|muscular)", "q 8 h, q12h, i.v., iv, Intravenous intramuscular"),
    (r"(?:once |one time )(?:a |per |each )week|(?:per |each )week", "once a week, per week, one time each week"),
])
def test_every_match_starts_with_a_head(pattern, text):
    found_heads = heads(pattern, 4)
    matches = list(re.finditer(pattern, text, re.I))
    assert matches
    assert all(any(text[m.start():].lower().startswith(h) for h in found_heads) for m in matches)


@pytest.mark.parametrize("source,expected", [
    ("increased?", True), ("(?:greater|larger) (?:\\w+ )?loss", True), ("n\\.?s\\.?\\b(?!\\w)", True),
    ("versus\\b|\\bvs\\.?\\s", True), ("a?b", True), ("(?:ab)?c", True), ("[a-z]+", True), ("_x", True),
    ("(?:a|-b)", False), ("-fold", False), ("\\w+", False), ("(?:ab", False), ("a?", False)],
    ids=["word", "group", "optional-dots", "bounded-branch", "optional-first", "optional-group", "char-class",
         "underscore", "dash-branch", "dash", "any-word-char-unknown", "unbalanced", "can-be-empty"])
def test_word_led(source, expected):
    assert word_led(source) is expected


@pytest.mark.parametrize("alternatives,lookahead", [
    (["increase", "rise"], True),
    (["increase", "-fold"], False),
])
def test_at_word_start(alternatives, lookahead):
    pattern = at_word_start(alternatives)
    assert ("(?=\\w)" in pattern) is lookahead
    text = "an increase, a 2-fold rise; increased -fold"
    plain = re.compile(rf"\b(?:{'|'.join(alternatives)})")
    assert [m.span() for m in re.finditer(pattern, text)] == [m.span() for m in plain.finditer(text)]


def scan(scanner: WordScanner, text: str):
    return [(m.start(), m.end(), payload) for m, payload in scanner.finditer(text)]


def reference(scanner: WordScanner, text: str):
    """What one regex of all the patterns finds."""
    every = re.compile(r"(?<![\w-])(?:" + "|".join(scanner.parts) + r")(?![\w-])", re.I)
    return [(m.start(), m.end(), scanner.payloads[int(m.lastgroup[1:])]) for m in every.finditer(text)]


SCANNER_RECORDS = [("once daily", "daily"), (r"(?P<n>\d+) times a (?P<unit>day|week)", "times"),
                   ("i\\.?v\\.?", "iv"), ("(?:very )?low[- ]dose", "low")]


@pytest.mark.parametrize("text", [
    "once daily, 3 times a week, i.v. and iv, a very low-dose and low dose",
    "ONCE DAILY 12 TIMES A DAY", "onced daily; xiv; 3 times a weekly", "",
])
def test_word_scanner_finds_what_one_regex_finds(text):
    scanner = WordScanner(SCANNER_RECORDS)
    assert scan(scanner, text) == reference(scanner, text)


def test_word_scanner_tries_patterns_that_can_start_anywhere_everywhere():
    scanner = WordScanner([("once daily", "daily"), (r"\w+ly dosed", "dosed")])
    text = "once daily, weekly dosed, once daily"
    assert scan(scanner, text) == reference(scanner, text)
    assert [m.group() for m, _ in scanner.finditer(text)] == ["once daily", "weekly dosed", "once daily"]


def test_word_scanner_reads_the_named_groups_of_the_pattern_that_matched():
    scanner = WordScanner(SCANNER_RECORDS + [(r"every (?P<n>\d+) h", "every")])
    got = [(payload, scanner.group(m, "n"), scanner.group(m, "unit")) for m, payload in
           scanner.finditer("3 times a week, every 8 h, once daily")]
    assert got == [("times", "3", "week"), ("every", "8", None), ("daily", None, None)]
