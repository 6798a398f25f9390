"""CachedFloretVectors: the same vectors as spaCy's floret table, computed once per word."""

from __future__ import annotations

import numpy
import pytest
from spacy.strings import StringStore
from spacy.vectors import Vectors

from extractor.pipeline.vectors import CachedFloretVectors, cache_floret_vectors


@pytest.fixture()
def floret():
    strings = StringStore()
    data = numpy.random.default_rng(0).standard_normal((50, 8)).astype("float32")
    return Vectors(strings=strings, data=data, mode="floret", minn=2, maxn=4, hash_count=2)


@pytest.mark.parametrize("words", [
    ["ketamine", "pain", "ketamine"],
    ["x"],
    ["a", "b", "c", "d", "e", "f", "g", "h"],
], ids=["repeat", "one-char", "more-than-cache"])
def test_same_rows_as_floret(floret, words):
    keys = [floret.strings.add(w) for w in words]
    cached = CachedFloretVectors(floret, max_words=5)
    expected = floret.get_batch(keys)
    numpy.testing.assert_allclose(cached.get_batch(keys), expected)
    numpy.testing.assert_allclose(cached.get_batch(keys[::-1]), expected[::-1])
    assert len(cached._index) <= 5 or len(set(keys)) > 5


def test_a_full_cache_starts_over_without_losing_the_batch(floret):
    """A batch that overflows the cache holds words cached before it and new ones: all get rows."""
    cached = CachedFloretVectors(floret, max_words=4)
    first = [floret.strings.add(w) for w in ["a", "b", "c"]]
    second = [floret.strings.add(w) for w in ["b", "d", "e", "a"]]
    cached.get_batch(first)
    numpy.testing.assert_allclose(cached.get_batch(second), floret.get_batch(second))
    numpy.testing.assert_allclose(cached.get_batch(first), floret.get_batch(first))


def test_only_floret_tables_are_swapped():
    import spacy

    nlp = spacy.blank("en")
    before = nlp.vocab.vectors
    assert cache_floret_vectors(nlp).vocab.vectors is before


def test_default_pipeline_uses_the_cache(nlp):
    assert isinstance(nlp.vocab.vectors, CachedFloretVectors)
