"""Numbers as papers write them: `30`, `1,204`, `4.2`, `.03`, `−0.5`, `4½`, `4 1/2`, `sixty`,
`Thirty three`, `one hundred and twenty`, `1.2 × 10−4`, `two and a half`; ordinals `third`, `21st`.

Pure functions over the word lists in `extractor/rules/data/numbers.json`; the regex sources
built here are what the quantity rules embed, so what the rules match is what parses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.errors import PatternFileError
from extractor.rules.loader import load_data, validate
from extractor.rules.regex import guard, trie
from extractor.rules.schemas import NumbersFile

_FILE = "numbers.json"
_GROUPS = ("ones", "teens", "tens", "scales", "ordinals", "fractions")
_MINUS = "-\u2212"  # hyphen-minus, minus sign
_FRACTION_CHARS = "½¼¾⅓⅔"
_SPACES = r"\s+"  # a space inside a number word matches any run of white space


@dataclass(frozen=True)
class NumberWords:
    ones: dict[str, int]
    teens: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    ordinals: dict[str, int]
    fractions: dict[str, float]


def number_words_from_dict(data: dict, where: str = _FILE) -> NumberWords:
    """Validate the number-word data (allowed keys, lower-case words, numeric values, no duplicates)."""
    validate(data, NumbersFile, where)
    seen: dict[str, str] = {}
    groups = {}
    for group in _GROUPS:
        table = data[group]
        if not table:
            raise PatternFileError(f"{where}: {group!r} must be a non-empty object of word -> number")
        for word in table:
            if word != word.lower() or not word.strip():
                raise PatternFileError(f"{where}: {group}.{word!r}: words must be lower-case and non-empty")
            if word in seen:
                raise PatternFileError(f"{where}: {group}.{word}: already listed under {seen[word]}")
            seen[word] = group
        groups[group] = dict(table)
    for char in groups["fractions"]:
        if char not in _FRACTION_CHARS:
            raise PatternFileError(f"{where}: fractions.{char}: only {_FRACTION_CHARS} are recognised")
    return NumberWords(**groups)


@lru_cache(maxsize=1)
def number_words() -> NumberWords:
    return number_words_from_dict(load_data(_FILE, NumbersFile), f"extractor/rules/data/{_FILE}")


@lru_cache(maxsize=1)
def digit_pattern() -> str:
    """Regex source (no groups) for a written-in-digits number, unsigned."""
    frac = f"[{_FRACTION_CHARS}]"
    # the look-ahead keeps the engine from backing off `15,000` to `15` or `98.4` to `98`
    return (
        rf"(?:\d+\s\d/\d{{1,2}}(?![\d/])|\d+\s?{frac}|(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?:\.\d+)?(?![\d]|[.,]\d)"
        rf"|\.\d+(?![\d]|[.,]\d)|{frac})"
    )


@lru_cache(maxsize=1)
def word_pattern() -> str:
    """Regex source (no groups, case-insensitive) for a cardinal written in words."""
    w = number_words()
    ones, teens, tens = (rf"{trie(g, fold_first=True, spaces=_SPACES)}\b" for g in (w.ones, w.teens, w.tens))
    small = rf"(?:{tens}(?:[\s-]+{ones})?|{teens}|{ones})"
    hundreds = rf"(?:{small}[\s-]+[Hh]undred\b(?:[\s-]+(?:and[\s-]+)?{small})?|{small})"
    return rf"(?:\b{hundreds}(?:[\s-]+[Tt]housand\b(?:[\s-]+(?:and[\s-]+)?{hundreds})?)?)"


@lru_cache(maxsize=1)
def number_guard() -> str:
    """A look-ahead for the first character of a number: put it first, so most positions fail fast."""
    w = number_words()
    return guard([*w.ones, *w.teens, *w.tens], extra="0123456789." + _FRACTION_CHARS)


@lru_cache(maxsize=1)
def number_pattern() -> str:
    """Digits or words."""
    return rf"{number_guard()}(?:{digit_pattern()}|{word_pattern()})"


@lru_cache(maxsize=1)
def ordinal_pattern() -> str:
    """Regex source (no groups) for an ordinal: `third`, `twenty-first`, `21st`, `2nd`."""
    w = number_words()
    ords = rf"{trie(w.ordinals, fold_first=True, spaces=_SPACES)}\b"
    return rf"(?:\d+(?:st|nd|rd|th)\b|\b(?:{trie(w.tens, fold_first=True, spaces=_SPACES)}[\s-]+)?{ords})"


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_UNICODE_FRACTION = re.compile(rf"(\d+)?\s?([{_FRACTION_CHARS}])")
_SLASH_FRACTION = re.compile(r"(?:(\d+)\s)?(\d+)/(\d+)")
# a power of ten as written in papers: `3 × 10^6`, `2.5 x 10(6)`, `1 × 10⁶`, `10^6`, `10⁻³`
# (regex source for finding one; without a mantissa it needs `^`, `**`, brackets or superscripts)
POWER_OF_TEN = (r"(?:\d+(?:\.\d+)?\s*[x×]\s*)?10(?:\s*(?:\^|\*\*)\s*[-\u2212]?\s*\d+|\([-\u2212]?\d+\)"
                r"|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SCIENTIFIC = re.compile(
    r"(\d+(?:\.\d+)?)\s*[x×]\s*10\s*(?:\^|\*\*|\()?\s*([-\u2212]?)\s*(\d+)\)?"
    r"|()10\s*(?:\^|\*\*|\()\s*([-\u2212]?)\s*(\d+)\)?"
    r"|(\d+(?:\.\d+)?)[eE]([-+]?\d+)"
)
_SUPERSCRIPT = re.compile("[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_FROM_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")


# `two and a half`, `2 and a half` (regex source to put after a number; parse_number reads it)
AND_A_HALF = r"\s+and\s+a\s+half(?![\w-])"
_AND_A_HALF = re.compile(r"(.+) and a half", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """The value of a number as written, or None if `text` is not one number."""
    t = " ".join(text.split())
    if m := _AND_A_HALF.fullmatch(t):
        whole = parse_number(m.group(1))
        return None if whole is None or whole < 0 or not whole.is_integer() else whole + 0.5
    sign = 1.0
    if t[:1] in _MINUS:
        sign, t = -1.0, t[1:].lstrip()
    if not t:
        return None
    value = _parse_unsigned(t)
    return None if value is None else sign * value


def _parse_unsigned(t: str) -> float | None:
    if _PLAIN.fullmatch(t):
        return float(t)
    if _THOUSANDS.fullmatch(t):
        return float(t.replace(",", ""))
    if m := _UNICODE_FRACTION.fullmatch(t):
        return float(m.group(1) or 0) + number_words().fractions.get(m.group(2), 0.0)
    if m := _SLASH_FRACTION.fullmatch(t):
        numerator, denominator = int(m.group(2)), int(m.group(3))
        if denominator == 0 or (m.group(1) and numerator >= denominator):
            return None
        return float(m.group(1) or 0) + numerator / denominator
    if _SUPERSCRIPT.search(t):  # `10⁶` -> `10^6`
        t = _SUPERSCRIPT.sub(lambda m: "^" + m.group().translate(_FROM_SUPERSCRIPT), t)
    if m := _SCIENTIFIC.fullmatch(t):
        if m.group(7):
            return float(f"{m.group(7)}e{m.group(8)}")
        mantissa, minus, power = (m.group(1), m.group(2), m.group(3)) if m.group(1) else ("1", m.group(5), m.group(6))
        return float(mantissa) * 10.0 ** (int(power) * (-1 if minus else 1))
    return _parse_words(t.lower())


def _parse_words(t: str) -> float | None:
    """Cardinal words: `sixty`, `eighty-four`, `one hundred and twenty`, `two thousand and five`."""
    w = number_words()
    tokens = [tok for tok in re.split(r"[\s-]+", t) if tok and tok != "and"]
    if not tokens:
        return None
    total, current, last = 0, 0, None
    for tok in tokens:
        if tok in w.ones:
            if last not in (None, "tens", "hundred", "thousand"):
                return None
            current += w.ones[tok]
            last = "ones"
        elif tok in w.teens or tok in w.tens:
            if last not in (None, "hundred", "thousand"):
                return None
            current += w.teens.get(tok) or w.tens[tok]
            last = "tens" if tok in w.tens else "teens"
        elif tok == "hundred":
            if last not in ("ones", "teens", "tens") or current >= 100:
                return None
            current *= 100
            last = "hundred"
        elif tok in w.scales:
            if last in (None, "thousand") or total:
                return None
            total += current * w.scales[tok]
            current, last = 0, "thousand"
        else:
            return None
    return float(total + current)


def parse_ordinal(text: str) -> int | None:
    """`third` -> 3, `twenty-first` -> 21, `21st` -> 21; None if not an ordinal."""
    t = " ".join(text.lower().split())
    if m := _ORDINAL_DIGITS.fullmatch(t):
        return int(m.group(1))
    w = number_words()
    tokens = re.split(r"[\s-]+", t)
    if not tokens or tokens[-1] not in w.ordinals:
        return None
    if len(tokens) == 1:
        return w.ordinals[tokens[0]]
    if len(tokens) == 2 and tokens[0] in w.tens and w.ordinals[tokens[1]] < 10:
        return w.tens[tokens[0]] + w.ordinals[tokens[1]]
    return None
