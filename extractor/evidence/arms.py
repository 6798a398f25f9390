"""A prompt's arms and outcome found in a text, and the text with them masked.

The words that name an arm are its words of three letters or more that are not generic (`group`,
`dose`, numbers) and that the other arm does not share: for `pain education plus telemonitoring`
against `pain education alone` only `telemonitoring` tells them apart. An abbreviation the text
defines (`accelerated fractionation (AF)`) names the arm whose words its long form shares. Long
words match by their stem (`ketamine`, `ketamine's`; `supplementation`, `supplemented`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.rules.loader import load_data
from extractor.rules.schemas import EvidenceFile

INTERVENTION, COMPARATOR, OUTCOME = "INTV", "COMP", "OUTC"
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")
_DEFINED = re.compile(r"([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,5})\s*\(([A-Z][A-Za-z0-9\-]{0,9})\)")


@lru_cache(maxsize=1)
def rules() -> dict:
    return load_data("evidence.json", EvidenceFile)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def key_words(phrase: str) -> set[str]:
    """The words of a phrase that can name it: not generic, not numbers, three letters or more."""
    generic = frozenset(rules()["generic_words"])
    keys = {w for w in words(phrase) if len(w) > 2 and w not in generic and not w[0].isdigit()}
    return keys or {w for w in words(phrase) if len(w) > 1 and not w[0].isdigit()}


@dataclass(frozen=True)
class Arms:
    """The key words of a prompt's intervention, comparator and outcome (as found in one text)."""

    intervention: frozenset[str]
    comparator: frozenset[str]
    outcome: frozenset[str]

    @classmethod
    def of(cls, intervention: str, comparator: str, outcome: str, text: str = "") -> Arms:
        i, c, o = key_words(intervention), key_words(comparator), key_words(outcome)
        i, c = i - c, c - i
        o = o - i - c
        for match in _DEFINED.finditer(text):
            long, short = key_words(match.group(1)), match.group(2).lower()
            if short in i | c | o:
                continue
            for keys in (i, c, o):
                if long & keys:
                    keys.add(short)
                    break
        return cls(frozenset(i), frozenset(c), frozenset(o))

    def swapped(self) -> Arms:
        return Arms(self.comparator, self.intervention, self.outcome)


def _pattern(word: str) -> str:
    if len(word) > 6:  # a stem: the word without its last three letters (at least five kept)
        return re.escape(word[:max(5, len(word) - 3)]) + r"[a-z]*"
    return re.escape(word) + r"(?![a-z0-9])"


def marks(text: str, arms: Arms) -> list[tuple[int, int, str]]:
    """(start, end, INTV|COMP|OUTC) of every arm and outcome word in the text, without overlaps."""
    low = text.lower()
    found = []
    for tag, keys in ((INTERVENTION, arms.intervention), (COMPARATOR, arms.comparator), (OUTCOME, arms.outcome)):
        for word in keys:
            found.extend((m.start(), m.end(), tag) for m in re.finditer(r"(?<![a-z0-9])" + _pattern(word), low))
    found.sort(key=lambda x: (x[0], x[0] - x[1]))
    kept: list[tuple[int, int, str]] = []
    for start, end, tag in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, tag))
    return kept


def mask(text: str, arms: Arms) -> str:
    """The text with each run of one arm's words replaced by its placeholder."""
    out: list[str] = []
    at, last = 0, None
    for start, end, tag in marks(text, arms):
        gap = text[at:start]
        out.append(gap)
        if not (last == tag and re.fullmatch(r"[\s\-/]*", gap)):
            out.append(f" {tag} ")
        at, last = end, tag
    out.append(text[at:])
    return "".join(out)
