"""Herbal preparations and supplements that no drug dictionary lists, found by their form
(data: extractor/rules/data/drug_preparations.json): pharmacopoeia names (`Paeoniae Radix`),
Kampo/Korean formulas (`Sipjeondaebo-tang`) and named extracts or powders given as an
intervention (`barley extract`, `Eurycoma longifolia extract`, `hawthorn berry powder`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extractor.rules.regex import alternation

# an amount in the sentence: what makes `X extract` an intervention rather than a lab reagent
_AMOUNT = re.compile(r"\d\s*(?:mg|g|µg|μg|mcg|ml|mL|IU|kg)\b")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")
# a volume right before a comparator (`2 ml saline`); after `in`/`to` it is a vehicle (`in 100 mL saline`)
_VOLUME_BEFORE = re.compile(r"(?:(?<![\w.])(?P<vehicle>in|to)\s+)?(?<![\w.])\d+(?:[.,]\d+)?\s*m[lL]\s+$")
# `1 g MP in normal saline`, `dissolved in saline`: the vehicle of the drug named before
_IN_BEFORE = re.compile(r"(?<![\w.])in\s+$")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w\-]*)[”\"']?\s+$")


@dataclass(frozen=True)
class Preparations:
    """drug_preparations.json, compiled (`compile_preparations`)."""

    latin: re.Pattern
    decoction: re.Pattern
    heads: re.Pattern
    not_name: frozenset[str]
    given: frozenset[str]
    comparators: re.Pattern | None
    part_words: frozenset[str]
    supplements: re.Pattern | None
    # `flushed with 10 ml of normal saline`: a comparator name used to rinse, flush or dissolve
    uses: re.Pattern | None
    # per pattern, words it needs (lower-cased, but the capitalised plant parts `Radix`): a text
    # without one is not searched with that pattern
    hints: dict[str, tuple[str, ...]]


def compile_preparations(data: dict[str, Any]) -> Preparations:
    """The patterns of a drug_preparations.json content (a component compiles them once)."""
    parts = alternation(data["latin_parts"])
    qualifiers = alternation(data["latin_qualifiers"], spaces=r"\s+")
    latin = re.compile(rf"\b(?:[A-Z][a-z]{{2,}}\s+){{1,2}}(?-i:{parts})(?:\s+(?:{qualifiers}))*\b")
    suffixes = alternation(data["decoction_suffixes"])
    decoction = re.compile(rf"\b[A-Z][a-z]+(?:-[a-z]+)*-(?:{suffixes})\b")
    head_words = alternation(data["extract_heads"], spaces=r"\s+")
    heads = re.compile(rf"\b(?:{head_words})\b", re.I)
    supplements = None
    if data.get("supplements"):
        names = alternation(data["supplements"], spaces=r"\s+")
        supplements = re.compile(rf"\d\s*(?:mg|g|µg|μg|mcg|IU)\s+(?:of\s+)?(?P<name>(?i:{names}))\b")
    comparators = None
    if data.get("comparators"):
        after = alternation(data.get("comparator_after", []) or ["group"])
        names = alternation(data["comparators"], spaces=r"\s+")
        comparators = re.compile(rf"\b(?P<name>{names})\b(?P<after>\s*\(?\s*(?:{after})\b)?", re.I)
    uses = None
    if data.get("vehicle_verbs"):
        verbs = alternation(data["vehicle_verbs"])
        uses = re.compile(rf"(?<![\w.])(?:{verbs})\s+(?:with|in|using)\s+(?:\d+(?:[.,]\d+)?\s*m[lL]\s+(?:of\s+)?)?$",
                          re.I)

    def key_words(words) -> tuple[str, ...]:
        return tuple(dict.fromkeys(max(w.lower().split(), key=len) for w in words))

    hints = {"latin": tuple(data["latin_parts"]), "decoction": tuple(f"-{x}" for x in data["decoction_suffixes"]),
             "heads": key_words(data["extract_heads"]), "supplements": key_words(data.get("supplements", ())),
             "comparators": key_words(data.get("comparators", ()))}
    return Preparations(latin, decoction, heads, frozenset(w.lower() for w in data["not_before_head"]),
                        frozenset(w.lower() for w in data["given_words"]), comparators,
                        frozenset(w.lower() for w in data.get("part_words", ())), supplements, uses, hints)


@lru_cache(maxsize=4)
def _compiled(data_json: str) -> Preparations:
    return compile_preparations(json.loads(data_json))


def find_preparations(text: str, data: dict[str, Any] | Preparations) -> list[tuple[int, int]]:
    """Character offsets of the preparations named in `text`."""
    return find_all(text, data)[0]


def find_vehicles(text: str, data: dict[str, Any] | Preparations) -> list[tuple[int, int]]:
    """Character offsets of comparator names used as a vehicle (`1 g in 250 ml normal saline`)."""
    return find_all(text, data)[1]


def find_all(text: str, data: dict[str, Any] | Preparations) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(preparations, vehicles) in `text`: both in one pass over the patterns."""
    c = data if isinstance(data, Preparations) else _compiled(json.dumps(data, sort_keys=True, ensure_ascii=False))
    low = text.lower()
    hints = c.hints

    def has(name: str, where: str) -> bool:
        return any(h in where for h in hints[name])

    found: list[tuple[int, int]] = []
    if has("latin", text):
        found += [(m.start(), m.end()) for m in c.latin.finditer(text)]
    if has("decoction", low):
        found += [(m.start(), m.end()) for m in c.decoction.finditer(text)]
    if has("heads", low):
        for m in c.heads.finditer(text):
            start = _name_start(text, m.start(), c.not_name, c.part_words)
            if start is not None and _given(text, m.start(), c.given):
                found.append((start, m.end()))
    if c.supplements is not None and has("supplements", low):
        found += [(m.start("name"), m.end("name")) for m in c.supplements.finditer(text)]
    vehicles = []
    if c.comparators is not None and has("comparators", low):
        for m in c.comparators.finditer(text):
            volume = _VOLUME_BEFORE.search(text, max(0, m.start() - 30), m.start())
            used = c.uses is not None and c.uses.search(text, max(0, m.start() - 40), m.start())
            if (volume and volume.group("vehicle") or used
                    or _IN_BEFORE.search(text, max(0, m.start() - 4), m.start())) and not m.group("after"):
                vehicles.append((m.start("name"), m.end("name")))
            elif volume or m.group("after"):
                found.append((m.start("name"), m.end("name")))
    found.sort()
    out: list[tuple[int, int]] = []
    for start, end in found:  # outermost first, no overlaps
        if out and start < out[-1][1]:
            if end - start > out[-1][1] - out[-1][0]:
                out[-1] = (start, end)
            continue
        out.append((start, end))
    return out, vehicles


def _name_start(text: str, head: int, not_name: frozenset[str], part_words: frozenset[str]) -> int | None:
    """Where the name before an extract head starts: one word, or two when the far one is
    capitalised (`Damask rose extract`) or the near one a plant part (`artichoke leaf
    extract`); None when the word before is not a name."""
    near = _WORD_BEFORE.search(text, max(0, head - 40), head)
    if near is None or near.group(1).lower() in not_name:
        return None
    start = near.start(1)
    far = _WORD_BEFORE.search(text, max(0, start - 40), start)
    if (far is not None and far.group(1).lower() not in not_name and text[far.end(1):start] == " "
            and (re.fullmatch(r"[A-Z][a-z]+", far.group(1)) or near.group(1).lower() in part_words)):
        start = far.start(1)
    return start


def _given(text: str, at: int, given: frozenset[str]) -> bool:
    """Whether the sentence around `at` states an amount or a word of giving."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    lo = ends[-1] if ends else 0
    m = _SENTENCE_END.search(text, at)
    hi = m.start() if m else len(text)
    sentence = text[lo:hi]
    return bool(_AMOUNT.search(sentence)) or any(w.lower() in given for w in re.findall(r"\w+", sentence))
