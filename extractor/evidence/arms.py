"""A prompt's arms and outcome found in a text, and the text with them masked.

The words that name an arm are its words of three letters or more that are not generic (`group`,
`dose`, numbers) and that the other arm does not share: for `pain education plus telemonitoring`
against `pain education alone` only `telemonitoring` tells them apart. Long words match by their
stem (`ketamine`, `ketamine's`; `supplementation`, `supplemented`).

Papers also name arms by abbreviations and labels, matched with their case: an upper-case token
of the prompt (`cognitive therapy (CT)`), the initials of its words (`accelerated fractionation`:
`AF`), an abbreviation the text defines (`accelerated fractionation (AF)`, `ropivacaine (group
R)`), a group label the prompt names (`Group 1`, `physician support (A)`), a group letter that
only one arm's words start with (`group B` for bupivacaine, `group RM` for ropivacaine plus
magnesium); where a text labels two or more groups and all but one are known to be one arm, that
one is the other arm. Where a passage names an arm by none of these, its role names it: `the
intervention group`, `controls` (`rules/data/evidence.json`). A change word is never an arm's
name (`stress reduction program`: `reduction` stays a change word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractor.rules.loader import load_data
from extractor.rules.schemas import EvidenceFile

INTERVENTION, COMPARATOR, OUTCOME = "INTV", "COMP", "OUTC"
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")
PHRASE_WORD = re.compile(r"[a-z0-9]+")
_DEFINED = re.compile(r"([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,5})\s*\(([A-Z][A-Za-z0-9\-]{0,9})\)")
_DEFINED_GROUP = re.compile(r"([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,5})\s*\(\s*[Gg]roup\s+([A-Z0-9]{1,4})\s*\)")
_GROUP_DEFINES = re.compile(r"\b[Gg]roup\s+([A-Z0-9]{1,4})\s*(?:\(|:|=|,|received|was given|were given)\s*"
                            r"([A-Za-z][\w\-]*(?:\s+[\w\-]+){0,5})")
_CAPS = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9\-]*[A-Z0-9](?![A-Za-z0-9])")
_GROUP_LABELS = re.compile(r"\b[Gg]roups?\s+([A-Z0-9]{1,4}(?:\s*(?:,|and|&|or|vs\.?|versus)\s*[A-Z0-9]{1,4}\b)*)\b")
_LABEL_GROUP = re.compile(r"\b([A-Z]{1,4})\s+groups?\b")
_LABEL = re.compile(r"[A-Z0-9]{1,4}")
# a group label a prompt's arm names: `group B`, or a label in brackets (`physician support (A)`)
_PROMPT_GROUP = re.compile(r"\b[Gg]roup\s+([A-Z0-9]{1,4})\b|\(\s*([A-Z]|[0-9]{1,2})\s*\)")
_LETTERS = re.compile(r"[A-Za-z]+|[^A-Za-z\s]+")
_FUNCTION = frozenset({"of", "and", "the", "with", "in", "for", "or", "to", "a", "an", "by", "on", "at", "plus"})
_ROLE_FREE = frozenset({"group", "groups", "arm", "arms", "the", "and", "for", "with", "who", "of"})


@lru_cache(maxsize=1)
def rules() -> dict:
    return load_data("evidence.json", EvidenceFile)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def key_words(phrase: str) -> set[str]:
    """The words of a phrase that can name it: not generic, not numbers, three letters or more."""
    generic = frozenset(rules()["generic_words"])
    keys = {w for w in words(phrase) if len(w) > 2 and w not in generic and not w[0].isdigit()}
    if keys:
        return keys
    keys = {w for w in words(phrase) if len(w) > 1 and not w[0].isdigit() and w not in _ROLE_FREE}
    return keys or {w for w in words(phrase) if len(w) > 1 and not w[0].isdigit()}


def abbreviations(phrase: str) -> set[str]:
    """Upper-case tokens a phrase could go by: its own (`CT`), and its words' initials (`AF`, `DOA`)."""
    found = {m.group(0) for m in _CAPS.finditer(phrase)}
    for chunk in re.split(r"[(),;:/\[\]]", phrase):
        tokens = [t for t in _LETTERS.findall(chunk) if t.isalpha()]
        content = [t for t in tokens if t.lower() not in _FUNCTION]
        for seq in (content, tokens):
            for a in range(len(seq)):
                for b in range(a + 2, min(len(seq), a + 5) + 1):
                    run = seq[a:b]
                    if run[0].lower() in _FUNCTION or run[-1].lower() in _FUNCTION:
                        continue
                    found.add("".join(t[0] for t in run).upper())
    return found - set(rules()["not_abbreviations"])


@dataclass(frozen=True)
class Arms:
    """The key words of a prompt's intervention, comparator and outcome (as found in one text), and the
    case-sensitive abbreviations (`labels`) and group labels (`groups`) that name them there."""

    intervention: frozenset[str]
    comparator: frozenset[str]
    outcome: frozenset[str]
    labels: tuple[tuple[str, str], ...] = ()
    groups: tuple[tuple[str, str], ...] = ()
    outcome_phrase: tuple[str, ...] = ()  # every word of the prompt's outcome, in order (the ranker's phrase match)

    @classmethod
    def of(cls, intervention: str, comparator: str, outcome: str, text: str = "") -> Arms:
        i, c, o = key_words(intervention), key_words(comparator), key_words(outcome)
        i, c = i - c, c - i
        change = frozenset(rules()["increase"]) | frozenset(rules()["decrease"])
        i, c = (i - change or i), (c - change or c)  # `stress reduction program`: `reduction` stays a change word
        o = o - i - c
        phrases = ((INTERVENTION, intervention, i), (COMPARATOR, comparator, c), (OUTCOME, outcome, o))
        labels = _unique({(a, tag) for tag, phrase, _ in phrases for a in abbreviations(phrase)})
        groups = _unique({(m.group(1) or m.group(2), tag) for tag, phrase, _ in phrases[:2]
                          for m in _PROMPT_GROUP.finditer(phrase)})
        for match in _DEFINED.finditer(text):
            long, short = key_words(match.group(1)), match.group(2)
            if short in labels or short.lower() in i | c | o:
                continue
            tag = next((tag for tag, _, keys in phrases if long & keys), None)
            if tag is not None:
                labels[short] = tag
        for pattern, long_at, label_at in ((_DEFINED_GROUP, 1, 2), (_GROUP_DEFINES, 2, 1)):
            for match in pattern.finditer(text):
                long, label = key_words(match.group(long_at)), match.group(label_at)
                tag = next((tag for tag, _, keys in phrases[:2] if long & keys), None)
                if tag is not None and label not in groups:
                    groups[label] = tag
        named = {label for _, _, label in _text_groups(text)}
        for label in sorted(named - set(groups)):
            tag = labels.get(label) or _by_initial(label, key_words(intervention), key_words(comparator))
            if tag in (INTERVENTION, COMPARATOR):
                groups[label] = tag
        unknown = named - set(groups)
        if len(named) >= 2 and len(unknown) == 1 and len(set(groups[g] for g in named & set(groups))) == 1:
            known = groups[next(iter(named & set(groups)))]
            groups[unknown.pop()] = COMPARATOR if known == INTERVENTION else INTERVENTION
        return cls(frozenset(i), frozenset(c), frozenset(o), tuple(sorted(labels.items())),
                   tuple(sorted(groups.items())), tuple(PHRASE_WORD.findall(outcome.lower())))

    def swapped(self) -> Arms:
        flip = {INTERVENTION: COMPARATOR, COMPARATOR: INTERVENTION, OUTCOME: OUTCOME}
        return Arms(self.comparator, self.intervention, self.outcome,
                    tuple((a, flip[t]) for a, t in self.labels), tuple((a, flip[t]) for a, t in self.groups),
                    self.outcome_phrase)


def _unique(pairs: set[tuple[str, str]]) -> dict[str, str]:
    """label -> tag for the labels only one tag has."""
    tags: dict[str, set[str]] = {}
    for label, tag in pairs:
        tags.setdefault(label, set()).add(tag)
    return {label: next(iter(t)) for label, t in tags.items() if len(t) == 1}


def _by_initial(label: str, intervention: set[str], comparator: set[str]) -> str | None:
    """The arm a group letter stands for (`group B` for bupivacaine, `group RM` for ropivacaine plus
    magnesium: the last letter), where the words of one arm only start with it (both arms' `normal saline`
    leaves `group S` to the rule that the other of two groups is the other arm)."""
    if not label.isalpha():
        return None
    letter = label[-1].lower()
    tags = [tag for tag, keys in ((INTERVENTION, intervention), (COMPARATOR, comparator))
            if any(w[0] == letter for w in keys)]
    return tags[0] if len(tags) == 1 else None


def _text_groups(text: str):
    """(start, end, label) of every group label a text names (`group R`, `groups RM and RD`, `R group`)."""
    for match in _GROUP_LABELS.finditer(text):
        for label in _LABEL.finditer(match.group(1)):
            yield match.start(1) + label.start(), match.start(1) + label.end(), label.group(0)
    for match in _LABEL_GROUP.finditer(text):
        yield match.start(1), match.end(1), match.group(1)


def _pattern(word: str) -> str:
    if len(word) > 6:  # a stem: the word without its last three letters (at least five kept)
        return re.escape(word[:max(5, len(word) - 3)]) + r"[a-z]*"
    return re.escape(word) + r"(?![a-z0-9])"


_LOWER_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ALNUM = _LOWER_ALNUM | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _word_places(word: str, low: str) -> list[tuple[int, int]]:
    """Where `_pattern(word)` matches at a word start of the lower-cased text `low`: a long word's
    stem followed by any letters, a short word whole. Found with str.find, not a regex per arm
    word, whose compiling cost more than the search."""
    stem = word[:max(5, len(word) - 3)] if len(word) > 6 else word
    places, at = [], low.find(stem)
    while at >= 0:
        end = at + len(stem)
        if at == 0 or low[at - 1] not in _LOWER_ALNUM:
            if len(word) > 6:
                while end < len(low) and low[end] in _LOWER:
                    end += 1
                places.append((at, end))
            elif end == len(low) or low[end] not in _LOWER_ALNUM:
                places.append((at, end))
        at = low.find(stem, at + 1)
    return places


def _label_places(label: str, text: str) -> list[tuple[int, int]]:
    """Where a group label (`R`, `RM`) stands alone in the text: no letter or digit either side."""
    places, at = [], text.find(label)
    while at >= 0:
        end = at + len(label)
        if (at == 0 or text[at - 1] not in _ALNUM) and (end == len(text) or text[end] not in _ALNUM):
            places.append((at, end))
        at = text.find(label, at + 1)
    return places


@lru_cache(maxsize=1)
def _roles() -> tuple[tuple[re.Pattern, str], ...]:
    data = rules()
    out = []
    for tag, phrases in ((INTERVENTION, data["intervention_roles"]), (COMPARATOR, data["comparator_roles"])):
        for phrase in sorted(phrases, key=len, reverse=True):
            out.append((re.compile(r"(?<![a-z0-9\-])" + re.escape(phrase) + r"(?![a-z0-9\-])"), tag))
    return tuple(out)


def marks(text: str, arms: Arms) -> list[tuple[int, int, str]]:
    """(start, end, INTV|COMP|OUTC) of every arm and outcome word in the text, without overlaps; an arm's
    role (`controls`) where nothing else is marked there."""
    low = text.lower()
    found = []
    for tag, keys in ((INTERVENTION, arms.intervention), (COMPARATOR, arms.comparator), (OUTCOME, arms.outcome)):
        for word in keys:
            found.extend((start, end, tag) for start, end in _word_places(word, low))
    for label, tag in arms.labels:
        found.extend((start, end, tag) for start, end in _label_places(label, text))
    groups = dict(arms.groups)
    found.extend((a, b, groups[label]) for a, b, label in _text_groups(text) if label in groups)
    kept = _without_overlaps(found)
    roles = [(m.start(), m.end(), tag) for pattern, tag in _roles() for m in pattern.finditer(low)]
    return _without_overlaps(kept + [r for r in _without_overlaps(roles)
                                     if not any(a < r[1] and r[0] < b for a, b, _ in kept)])


def _without_overlaps(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    found = sorted(found, key=lambda x: (x[0], x[0] - x[1]))
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
