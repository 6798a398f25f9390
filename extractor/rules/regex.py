"""Regexes built from word lists, and what the matches of a regex can start with.

The rule components build their regexes from the word lists of their data files; every list
of literal words becomes a regex here, so that all of them escape, order and fold case alike:

* `alternation(words)`: literal words, longest first (`see also` before `see`, `longest_first`);
* `trie(words)`: the same as a trie, shared beginnings written once (`t(?:en|hree|wo)`): for
  patterns tried at nearly every position of a text, where one character test rejects most;
* `first_chars(words)`, `guard(words)`: a look-ahead for the first character, put in front of
  a pattern so that the engine leaves most positions after one test.

Two optimisations read a regex's structure: `at_word_start(alternatives)` and `WordScanner`
(many patterns, each tried only where the text starts like one of its matches). Both rest on
`heads(pattern, k)` and `word_led(pattern)`, answered by a small parser of Python's regex syntax
(no private `re` internals). What it does not know counts as "any character", so the answers
may be less precise than they could be, never wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

NOTHING = "(?!)"  # the regex of no words: it matches nowhere


def alternation(words: Iterable[str], *, spaces: str | None = None) -> str:
    r"""Literal `words` as one alternation without a group, in `longest_first` order, so that the
    longest word that fits wins (`see also` over `see`). `spaces`: the regex that stands for each
    space (`\s*`, `\s+`); without it a space matches a space."""
    parts = [re.escape(w) for w in longest_first(words)]
    if spaces is not None:
        parts = [p.replace(r"\ ", spaces) for p in parts]
    return "|".join(parts) if parts else NOTHING


def longest_first(words: Iterable[str]) -> list[str]:
    """Each word once, longest first, words of one length in alphabetical order (so that a regex
    built from a set is the same in every process)."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def trie(words: Iterable[str], *, fold_first: bool = False, spaces: str | None = None,
         prefixes: bool = False) -> str:
    r"""`words` as a regex shaped as a trie (`t(?:en|hree|wo)`): Python's regex engine rejects most
    positions in one character test, where a flat alternation of many words is several times
    slower. Like `alternation`, the longest word that fits wins.

    `fold_first`: a lower-case first letter also matches its capital (`[sS]ixty`); `spaces`: as in
    `alternation`; `prefixes`: match every text that starts with one of the words (the words are
    prefixes; one that begins a longer word stands for both)."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            if prefixes and "" in node:
                break  # a shorter word already matches everything that follows
            node = node.setdefault(char, {})
        if prefixes:
            node.clear()
        node[""] = {}
    if not root:
        return NOTHING

    def head(char: str, top: bool) -> str:
        if char == " " and spaces is not None:
            return spaces
        if top and fold_first and char.isalpha() and char.upper() != char:
            return f"[{char}{char.upper()}]"
        return re.escape(char)

    def emit(node: dict, top: bool) -> str:
        if prefixes and "" in node:
            return ""
        branches = [head(char, top) + emit(node[char], False) for char in sorted(k for k in node if k)]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return emit(root, True)


def first_chars(words: Iterable[str]) -> str:
    """The characters a word of `words` can start with, in both cases, sorted."""
    return "".join(sorted({c for w in words for c in (w[:1].lower(), w[:1].upper())}))


def guard(words: Iterable[str] = (), extra: str = "") -> str:
    """A look-ahead for the first character of a word of `words` (either case) or one of `extra`:
    put first in a pattern, it makes the engine leave most positions of a text after one test."""
    chars = extra + first_chars(words)
    return rf"(?=[{re.escape(chars)}])" if chars else NOTHING


# ---------------------------------------------------------------------------------------------
# what every match of a regex starts with
# ---------------------------------------------------------------------------------------------

_WORD_CHAR = re.compile(r"\w")
_MAX_HEADS = 500  # beyond this many heads, the first characters will do


def heads(pattern: str, k: int, flags: int = re.IGNORECASE) -> set[str] | None:
    """Lower-cased strings of at most `k` characters such that every match of `pattern` starts
    with one of them (a head is shorter where the character after it can be anything); None when a
    match can start with any character or be empty, or the pattern is not understood."""
    return _heads(pattern, k, flags, lower=True)


def word_led(pattern: str) -> bool:
    r"""True when every match of `pattern` starts with a word character (`\w`)."""
    first = _heads(pattern, 1, 0, lower=False)
    return first is not None and all(_WORD_CHAR.fullmatch(c) for c in first)


def at_word_start(alternatives: Sequence[str]) -> str:
    r"""`\b(?:a|b)`, and `\b(?=\w)(?:a|b)` when every alternative starts with a word character:
    then the alternatives are not tried at word ends either (same matches, about half the work)."""
    lead = r"\b(?=\w)" if all(word_led(a) for a in alternatives) else r"\b"
    return f"{lead}(?:{'|'.join(alternatives)})"


def _heads(pattern: str, k: int, flags: int, lower: bool) -> set[str] | None:
    items = _Parser(pattern, flags, lower).parse()
    if items is None:
        return None
    done, still = _extend(items, {""}, k)
    found = done | still
    if "" in found:
        return None
    if len(found) > _MAX_HEADS:
        found = {h[:1] for h in found}
    return found


# A parsed pattern is a list of items:
#   ("chars", set of characters, or None for characters that are not listed)  one character
#   ("empty",)                                   zero width: anchors, \b, look-arounds
#   ("alt", [items, ...])                        a group or the top level: its alternatives
#   ("repeat", low, high, items)                 high None: no upper bound
_ANY = ("chars", None)
_EMPTY = ("empty",)
_DIGITS = frozenset("0123456789")
_OCTAL = "01234567"
_CONTROL = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]*))?([:)])")
_RANGE_LIMIT = 80  # a wider character range counts as "any character"


class _Parser:
    """Just enough of Python's regex syntax to tell what a match starts with."""

    def __init__(self, pattern: str, flags: int, lower: bool):
        self.source, self.flags, self.lower, self.pos = pattern, flags, lower, 0

    def parse(self) -> list | None:
        try:
            re.compile(self.source, self.flags)
        except re.error:
            return None
        # verbose patterns, comments and conditionals change what the characters mean: not read
        if self.flags & re.VERBOSE or "(?#" in self.source or "(?(" in self.source:
            return None
        try:
            items = [self._alternatives()]
        except _Unreadable:
            return None
        return items if self.pos == len(self.source) else None

    def _char(self, c: str) -> tuple:
        return ("chars", {c.lower() if self.lower else c})

    def _alternatives(self) -> tuple:
        branches = [self._sequence()]
        while self.source.startswith("|", self.pos):
            self.pos += 1
            branches.append(self._sequence())
        return ("alt", branches)

    def _sequence(self) -> list:
        items = []
        while self.pos < len(self.source) and self.source[self.pos] not in "|)":
            items.append(self._quantified(self._atom()))
        return items

    def _quantified(self, item: tuple) -> tuple:
        s, i = self.source, self.pos
        if i >= len(s):
            return item
        if s[i] in "*+?":
            low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[s[i]]
            self.pos += 1
        elif s[i] == "{" and (m := _REPEAT.match(s, i)) and m.group() != "{}":
            low = int(m.group(1)) if m.group(1) else 0
            high = (int(m.group(3)) if m.group(3) else None) if m.group(2) else low
            self.pos = m.end()
        else:
            return item
        if self.source[self.pos:self.pos + 1] in ("?", "+"):
            self.pos += 1  # lazy or possessive: the same characters may start a match
        return ("repeat", low, high, [item])

    def _atom(self) -> tuple:
        s = self.source
        c = s[self.pos]
        self.pos += 1
        if c == "(":
            return self._group()
        if c == "[":
            return self._class()
        if c == "\\":
            return self._escape()
        if c == ".":
            return _ANY
        if c in "^$":
            return _EMPTY
        return self._char(c)

    def _group(self) -> tuple:
        s, start = self.source, self.pos - 1
        zero_width = False
        if s.startswith("?", self.pos):
            if s.startswith(("?=", "?!"), self.pos):
                self.pos += 2
                zero_width = True
            elif s.startswith(("?<=", "?<!"), self.pos):
                self.pos += 3
                zero_width = True
            elif s.startswith("?P<", self.pos):
                self.pos = s.index(">", self.pos) + 1
            elif s.startswith("?P=", self.pos):
                self.pos = s.index(")", self.pos) + 1
                return _ANY  # a back reference: whatever its group matched
            elif s.startswith(("?:", "?>"), self.pos):
                self.pos += 2
            else:
                m = _FLAGS.match(s, start)
                if m is None or "x" in m.group(1):
                    raise _Unreadable
                self.pos = m.end()
                if m.group(3) == ")":
                    return _EMPTY  # flags for the whole pattern
        inner = self._alternatives()
        self.pos += 1  # the closing `)`
        return _EMPTY if zero_width else inner

    def _class(self) -> tuple:
        s = self.source
        negated = s.startswith("^", self.pos)
        self.pos += negated
        chars: set[str] | None = set()
        first = True
        while first or s[self.pos] != "]":
            first = False
            lo = self._class_char()
            if s[self.pos] == "-" and s[self.pos + 1] != "]":
                self.pos += 1
                hi = self._class_char()
                if chars is not None and isinstance(lo, str) and isinstance(hi, str) \
                        and ord(hi) - ord(lo) < _RANGE_LIMIT:
                    chars.update(chr(x) for x in range(ord(lo), ord(hi) + 1))
                else:
                    chars = None
            elif isinstance(lo, str):
                if chars is not None:
                    chars.add(lo)
            elif lo is _DIGITS:
                if chars is not None:
                    chars.update(_DIGITS)
            else:
                chars = None
        self.pos += 1  # the closing `]`
        if negated or chars is None:
            return _ANY
        return ("chars", {c.lower() for c in chars} if self.lower else chars)

    def _class_char(self):
        """One character of a class; _DIGITS for `\\d`, None for another class escape."""
        c = self.source[self.pos]
        self.pos += 1
        if c != "\\":
            return c
        e = self.source[self.pos]
        if e == "d":
            self.pos += 1
            return _DIGITS
        if e in "DwWsS":
            self.pos += 1
            return None
        if e == "b":
            self.pos += 1
            return "\b"
        return self._escaped_char()

    def _escape(self) -> tuple:
        s = self.source
        e = s[self.pos]
        if e == "d":
            self.pos += 1
            return ("chars", set(_DIGITS))
        if e in "DwWsS":
            self.pos += 1
            return _ANY
        if e in "bBAZ":
            self.pos += 1
            return _EMPTY
        if e in "123456789" and not (e in _OCTAL and s[self.pos + 1:self.pos + 2] in tuple(_OCTAL)
                                     and s[self.pos + 2:self.pos + 3] in tuple(_OCTAL)):
            self.pos += 2 if s[self.pos + 1:self.pos + 2].isdigit() else 1
            return _ANY  # a back reference
        return self._char(self._escaped_char())

    def _escaped_char(self) -> str:
        """The character written by the escape at self.pos (after the backslash)."""
        s, i = self.source, self.pos
        e = s[i]
        if e in _OCTAL:  # `\0`, `\012`, `\123` (back references are handled before)
            digits = re.match(r"[0-7]{1,3}", s[i:]).group()
            self.pos += len(digits)
            return chr(int(digits, 8))
        width = {"x": 2, "u": 4, "U": 8}.get(e)
        if width:
            self.pos += 1 + width
            return chr(int(s[i + 1:i + 1 + width], 16))
        if e == "N":
            end = s.index("}", i)
            self.pos = end + 1
            return unicodedata.lookup(s[i + 2:end])
        self.pos += 1
        return _CONTROL.get(e, e)


class _Unreadable(Exception):
    """A group this parser does not read (`(?x)`: whitespace and `#` no longer mean themselves)."""


def _extend(items: list, open_: set[str], k: int) -> tuple[set[str], set[str]]:
    """Extend each open prefix through `items`. Returns (done, open): the prefixes that reached `k`
    characters or met a character that could be anything, and those still shorter when the items
    end (what follows extends them)."""
    done: set[str] = set()
    for item in items:
        if not open_:
            break
        kind = item[0]
        if kind == "empty":
            continue  # zero width; a look-ahead only narrows what matches
        if kind == "alt":
            still: set[str] = set()
            for branch in item[1]:
                d, o = _extend(branch, open_, k)
                done |= d
                still |= o
            open_ = still
        elif kind == "repeat":
            _, low, high, sub = item
            d, once = _extend(sub, open_, k)
            done |= d
            if high != 1:
                done |= once  # more repeats may follow: stop listing characters here
                once = set()
            open_ = (open_ if low == 0 else set()) | once
        else:
            chars = item[1]
            if chars is None:
                done |= open_  # any character may come next
                open_ = set()
                break
            grown = {h + c for h in open_ for c in chars}
            done |= {h for h in grown if len(h) >= k}
            open_ = {h for h in grown if len(h) < k}
    return done, open_


# ---------------------------------------------------------------------------------------------
# many patterns that start at word starts, in one scan
# ---------------------------------------------------------------------------------------------

_NAMED_GROUP = re.compile(r"\(\?P([<=])(\w+)([>)])")


class _CompiledOnUse(dict):
    """key -> compiled pattern for a fixed set of keys, each built by `build(key)` on first
    lookup; a key outside the set gives None, kept too, so that a later lookup of it is a plain
    dict hit (the scan looks keys up at every word start)."""

    def __init__(self, keys: Iterable[str], build: Callable[[str], re.Pattern | None]):
        super().__init__()
        self._wanted, self.build = frozenset(keys), build

    def __missing__(self, key: str) -> re.Pattern | None:
        pattern = self[key] = self.build(key) if key in self._wanted else None
        return pattern


class WordScanner(Generic[T]):
    r"""Many patterns scanned as one case-insensitive leftmost-first alternation that matches at
    word starts only, `(?<![\w-])(?:p0|p1|...)(?![\w-])`, but faster: the text is scanned only for
    the word starts that begin with a head of some pattern (its first `head_chars` characters,
    `heads`), and at each one only the patterns with such a head are tried, in their order.

    `records` are (pattern, payload) pairs; `finditer` yields (match, payload) for each match, and
    `group(match, name)` reads a named group of the pattern that matched."""

    def __init__(self, records: Iterable[tuple[str, T]], head_chars: int = 4):
        self.payloads: list[T] = []
        self.names: list[frozenset[str]] = []
        self.parts: list[str] = []  # pattern i as group `r{i}`, its named groups suffixed `_{i}`
        starts_with: list[set[str] | None] = []
        for i, (pattern, payload) in enumerate(records):
            inner = _NAMED_GROUP.sub(lambda m, i=i: f"(?P{m[1]}{m[2]}_{i}{m[3]}", pattern)
            self.payloads.append(payload)
            self.names.append(frozenset(re.compile(pattern, re.I).groupindex))
            self.parts.append(f"(?P<r{i}>{inner})")
            starts_with.append(heads(inner, head_chars))
        parts = self.parts
        anywhere = [part for part, h in zip(parts, starts_with) if h is None]
        every = sorted({h for hs in starts_with if hs for h in hs})
        self.starts_with = starts_with
        self.compiled: dict[tuple[int, ...], re.Pattern] = {}

        # keyed by a head: the lower-cased first head_chars characters or fewer; each compiled
        # when a text first has a word start with that head (hundreds of compiles are most of
        # a rule component's load time, and one document meets few of the heads)
        self.k = head_chars
        self.table = _CompiledOnUse(every, self._scanner)
        self.fallback = re.compile(f"(?:{'|'.join(anywhere)})(?![\\w-])", re.I) if anywhere else None
        # candidate word starts: any, if some pattern can start anywhere, else those that begin
        # with a head (a look-ahead: a head can hold the start of the next word)
        head = "[^\\s-]" if anywhere else trie(every, prefixes=True)
        self.starts = re.compile(f"(?<![\\w-])(?={head})", re.I)

    def _scanner(self, key: str) -> re.Pattern:
        """The patterns with a head that `key` starts with, in their order, as one pattern (the
        patterns that can start anywhere are `fallback`, tried after it: the same first match as
        one alternation of both, without compiling them again for every head)."""
        chosen = tuple(i for i, hs in enumerate(self.starts_with)
                       if hs is not None and any(key.startswith(h) for h in hs))
        if chosen not in self.compiled:
            alternatives = "|".join(self.parts[i] for i in chosen)
            self.compiled[chosen] = re.compile(f"(?:{alternatives})(?![\\w-])", re.I)
        return self.compiled[chosen]

    def finditer(self, text: str) -> Iterator[tuple[re.Match, T]]:
        end = 0
        table, fallback, k, payloads = self.table, self.fallback, self.k, self.payloads
        for w in self.starts.finditer(text):
            pos = w.start()
            if pos < end:
                continue
            key = text[pos:pos + k].lower()
            pattern = table[key]
            while pattern is None and len(key) > 1:
                key = key[:-1]
                pattern = table[key]
            m = pattern.match(text, pos) if pattern is not None else None
            if m is None and fallback is not None:
                m = fallback.match(text, pos)
            if m is not None and m.end() > pos:
                end = m.end()
                yield m, payloads[int(m.lastgroup[1:])]

    def group(self, match: re.Match, name: str) -> str | None:
        """The named group `name` of the pattern that made `match` (None if it has no such group)."""
        i = int(match.lastgroup[1:])
        return match.group(f"{name}_{i}") if name in self.names[i] else None
