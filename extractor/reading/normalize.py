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
    """clean char i came from original[starts[i]:ends[i]]."""

    starts: np.ndarray | None  # None: identity
    ends: np.ndarray | None
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean [start, end) span to the original text."""
        if self.starts is None:
            return start, end
        if end <= start:
            pos = int(self.starts[start]) if start < len(self.starts) else self.original_length
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])


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
        return NormalizedText(text, OffsetMap(None, None, len(text)))
    keep_newline = _heading_lines(text) if "\n" in text else set()
    out: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    last = 0

    def emit(piece: str, s: int, e: int) -> None:
        if not piece:
            return
        out.append(piece)
        starts.append(np.full(len(piece), s, dtype=np.int64))
        ends.append(np.full(len(piece), e, dtype=np.int64))

    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        if s > last:
            out.append(text[last:s])
            starts.append(np.arange(last, s, dtype=np.int64))
            ends.append(np.arange(last + 1, s + 1, dtype=np.int64))
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
        out.append(text[last:])
        starts.append(np.arange(last, len(text), dtype=np.int64))
        ends.append(np.arange(last + 1, len(text) + 1, dtype=np.int64))
    clean = "".join(out)
    if not starts:
        return NormalizedText(clean, OffsetMap(np.zeros(0, np.int64), np.zeros(0, np.int64), len(text)))
    return NormalizedText(clean, OffsetMap(np.concatenate(starts), np.concatenate(ends), len(text)))
