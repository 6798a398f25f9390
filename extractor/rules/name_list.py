"""Names as token sequences, matched longest-first: the recognizer's ChEBI and disease lexicons.

A name is a tuple of lower-cased claimx tokens. A match is looked up only at tokens that begin
some name, and only for the lengths such names have, so it costs a dict lookup per token.
"""

from __future__ import annotations

import gzip
from importlib import resources


class NameList:
    """Names as tuples of lower-cased tokens, indexed by their first token."""

    def __init__(self, names):
        self.names: set[tuple[str, ...]] = set()
        lengths: dict[str, set[int]] = {}
        for name in names:
            if name:
                self.names.add(name)
                lengths.setdefault(name[0], set()).add(len(name))
        self.lengths = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}

    def __len__(self) -> int:
        return len(self.names)

    def match(self, lowers: list[str]) -> list[tuple[int, int]]:
        """Longest matches, left to right, as (start, end) indices into `lowers`."""
        out = []
        n = len(lowers)
        i = 0
        lengths, names = self.lengths, self.names
        while i < n:
            for length in lengths.get(lowers[i], ()):
                if i + length <= n and (length == 1 or tuple(lowers[i:i + length]) in names):
                    out.append((i, i + length))
                    i += length
                    break
            else:
                i += 1
        return out


def read_names(text: str) -> list[tuple[str, ...]]:
    """One name per line, its tokens separated by single spaces; `#` lines are comments."""
    return [tuple(line.split(" ")) for line in text.splitlines() if line and not line.startswith("#")]


def shipped_name_list(data_file: str) -> NameList:
    """A gzipped list from extractor/rules/data."""
    raw = resources.files("extractor.rules.data").joinpath(data_file).read_bytes()
    return NameList(read_names(gzip.decompress(raw).decode("utf-8")))
