"""ChEBI chemical names as token sequences, matched longest-first (the recognizer's second lexicon).

The names are ChEBI's (via the `chemlistem` package's `chebinames.txt`, CC BY 4.0), tokenized
with the claimx tokenizer and lower-cased, minus those that BC5CDR and BioRED train mostly mark
as not a chemical (`benchmarks/derive_chebi_names.py` rebuilds the file). A match is looked up
only at tokens that begin some name, and only for the lengths such names have, so it costs a
dict lookup per token.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

DATA_FILE = "chebi_names.txt.gz"


class ChebiNames:
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
    """One name per line, its tokens separated by single spaces."""
    return [tuple(line.split(" ")) for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def chebi_names() -> ChebiNames:
    """The shipped list, read once per process."""
    raw = resources.files("extractor.rules.data").joinpath(DATA_FILE).read_bytes()
    return ChebiNames(read_names(gzip.decompress(raw).decode("utf-8")))
