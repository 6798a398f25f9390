"""floret static vectors with a per-word cache.

spaCy computes a floret vector from the word's character n-gram hashes every time a token is
seen (in Python): 40% of the shipped tok2vec's time. Words repeat, so each word's vector is
computed once per process and then looked up; the numbers are the same.
"""

from __future__ import annotations

import numpy
from spacy.vectors import Vectors


class CachedFloretVectors(Vectors):
    """A floret `Vectors` table whose `get_batch` remembers the rows it has computed."""

    def __init__(self, source: Vectors, max_words: int = 50_000):
        super().__init__(
            strings=source.strings, data=source.data, mode="floret", minn=source.minn, maxn=source.maxn,
            hash_count=source.hash_count, hash_seed=source.hash_seed, bow=source.bow, eow=source.eow,
            attr=source.attr, name=source.name,
        )
        self.max_words = max_words
        self._index: dict[int, int] = {}
        self._rows = numpy.zeros((1024, self.shape[1]), dtype="float32")

    def get_batch(self, keys):
        keys = [int(k) for k in keys]
        index = self._index
        missing = list({k for k in keys if k not in index})
        if missing:
            if len(index) + len(missing) > self.max_words:  # bounded memory: start over
                index.clear()
                missing = list(dict.fromkeys(keys))  # the words this batch shares with the old cache too
            rows = numpy.asarray(super().get_batch(missing), dtype="float32")
            start = len(index)
            if start + len(missing) > len(self._rows):
                grown = numpy.zeros((max(2 * len(self._rows), start + len(missing)), self.shape[1]), "float32")
                grown[:start] = self._rows[:start]
                self._rows = grown
            self._rows[start:start + len(missing)] = rows
            index.update(zip(missing, range(start, start + len(missing))))
        return self._rows[[index[k] for k in keys]]


def cache_floret_vectors(nlp):
    """Swap a pipeline's floret vectors for the cached kind (no-op for other vectors)."""
    vectors = nlp.vocab.vectors
    if isinstance(vectors, Vectors) and not isinstance(vectors, CachedFloretVectors) and vectors.mode == "floret":
        nlp.vocab.vectors = CachedFloretVectors(vectors)
    return nlp
