"""Clean PDF-extracted text for analysis while keeping every offset mapped to the original.

PDF text layers carry ligatures, soft hyphens, words hyphenated across line breaks, hard
line breaks inside sentences and typographic quotes. The pipeline sees clean text; the
tables must report offsets into what the user gave us, so each clean character keeps
the original [start, end) it came from.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from extractor.rules.loader import load_data
from extractor.rules.schemas import NormalizeFile


@dataclass(frozen=True)
class OffsetMap:
    """Where each clean character came from, as runs: the clean text from `clean[k]` on (up to
    `clean[k + 1]`) was copied from the original at `orig[k]` when `ends[k]` is -1, else every
    character of it replaces original[orig[k]:ends[k]]. A few numbers per change instead of two
    per character: a 20 MB text's map is kilobytes to megabytes, not 160 MB. `clean` None: identity."""

    clean: np.ndarray | None
    orig: np.ndarray | None
    ends: np.ndarray | None
    clean_length: int
    original_length: int

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(None, None, None, length, length)

    def _run(self, i: int) -> tuple[int, int]:
        k = int(np.searchsorted(self.clean, i, side="right")) - 1
        return k, int(self.orig[k]) + i - int(self.clean[k])

    def _start(self, i: int) -> int:
        k, copied = self._run(i)
        return copied if self.ends[k] < 0 else int(self.orig[k])

    def _end(self, i: int) -> int:
        """Original end of clean character i."""
        k, copied = self._run(i)
        return copied + 1 if self.ends[k] < 0 else int(self.ends[k])

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean [start, end) span to the original text."""
        if self.clean is None:
            return start, end
        if end <= start:
            pos = self._start(start) if start < self.clean_length else self.original_length
            return pos, pos
        return self._start(start), self._end(end - 1)


@dataclass(frozen=True)
class NormalizedText:
    text: str
    offsets: OffsetMap


@lru_cache(maxsize=1)
def _rules():
    data = load_data("normalize.json", NormalizeFile)
    single = {**data["ligatures"], **{k: v for k, v in data["quotes"].items() if len(k) == 1}}
    single.update({c: " " for c in data["spaces"]})
    single["\u00ad"] = ""  # soft hyphen
    single["\r"] = ""
    pairs = {k: v for k, v in data["quotes"].items() if len(k) == 2}
    pattern = re.compile(
        r"(?P<hyph>(?<=[A-Za-z])-[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(?=[a-z]))"
        r"|(?P<para>[ \t]*\r?\n(?:[ \t]*\r?\n)+)"
        r"|(?P<nl>[ \t]*\r?\n[ \t]*)"
        r"|(?P<pair>" + "|".join(map(re.escape, pairs)) + ")"
        r"|(?P<single>[" + "".join(map(re.escape, single)) + "])"
    )
    # without a line break only `pair` and `single` can match: one character class finds
    # whether a one-line text (most abstracts) needs any change, 10x faster than `pattern`
    firsts = sorted({k[0] for k in pairs} | set(single))
    one_line = re.compile("[" + "".join(map(re.escape, firsts)) + "]")
    return pattern, one_line, single, pairs, frozenset(data["keep_hyphen_prefixes"])


_NUMBERED_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")
_TERMINAL = tuple('.?!:;"\')]”’')
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")


def _heading_lines(text: str) -> set[int]:
    """Original offsets of line breaks that end or start a heading, kept as sentence breaks."""
    lines = text.split("\n")
    lengths = [len(s.strip()) for s in lines if s.strip()]
    if len(lengths) < 3:
        return set()
    short = max(40, 0.75 * statistics.median(lengths))
    heading = [False] * len(lines)
    starts_heading = [False] * len(lines)
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        prev = lines[i - 1].strip() if i else ""
        after_break = i == 0 or not prev or prev.endswith(_TERMINAL)
        no_final_period = not s.endswith((".", ",", ";"))
        if after_break and _NUMBERED_HEADING.match(s) and len(s) <= 100:
            heading[i] = starts_heading[i] = True
        elif after_break and len(s) <= short and no_final_period and s[:1].isupper():
            heading[i] = starts_heading[i] = True
        elif i and heading[i - 1] and len(s) <= short and no_final_period:
            heading[i] = True  # continuation of a heading wrapped over two lines
    keep = set()
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = i + 1
        if (heading[i] and not heading[nxt]) or starts_heading[nxt]:
            keep.add(pos)  # offset of the "\n"
        pos += 1
    return keep


def normalize(text: str) -> NormalizedText:
    """Return clean text and the map from clean offsets to original offsets."""
    pattern, one_line, single, pairs, keep_prefixes = _rules()
    if "\n" not in text and not one_line.search(text):
        return NormalizedText(text, OffsetMap.identity(len(text)))
    keep_newline = _heading_lines(text) if "\n" in text else set()
    out: list[str] = []
    runs: list[tuple[int, int, int]] = []  # (clean start, original start, original end or -1)
    clean_pos = 0
    last = 0

    def emit(piece: str, s: int, e: int) -> None:
        nonlocal clean_pos
        if not piece:
            return
        out.append(piece)
        runs.append((clean_pos, s, e))
        clean_pos += len(piece)

    def copy(s: int, e: int) -> None:
        nonlocal clean_pos
        out.append(text[s:e])
        runs.append((clean_pos, s, -1))
        clean_pos += e - s

    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        if s > last:
            copy(last, s)
        kind = m.lastgroup
        if kind == "hyph":
            word = _WORD_BEFORE.search(text, max(0, s - 40), s)
            if word and word.group(1).lower() in keep_prefixes:
                emit("-", s, s + 1)
        elif kind == "para":
            emit("\n\n", s, e)
        elif kind == "nl":
            newline_at = text.index("\n", s)
            emit("\n" if newline_at in keep_newline else " ", s, e)
        elif kind == "pair":
            emit(pairs[m.group()], s, e)
        else:
            emit(single[m.group()], s, e)
        last = e
    if last < len(text):
        copy(last, len(text))
    clean = "".join(out)
    table = np.array(runs, dtype=np.int64).reshape(-1, 3)
    return NormalizedText(clean, OffsetMap(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy(),
                                           len(clean), len(text)))
