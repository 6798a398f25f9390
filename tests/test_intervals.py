"""The interval look-ups must answer exactly what a scan of every interval answers."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from extractor.pipeline.intervals import ByStart, Containers, Occupied


@dataclass
class Span:
    start: int
    end: int


def _random_intervals(rng: random.Random, n: int, size: int) -> list[tuple[int, int]]:
    """Non-empty intervals within [0, size], as spans are."""
    out = []
    for _ in range(n):
        start = rng.randrange(size)
        out.append((start, min(size, start + rng.randrange(1, 12))))
    return out


@pytest.mark.parametrize("seed", range(20))
def test_as_a_scan_of_every_interval(seed):
    rng = random.Random(seed)
    size = 200
    intervals = _random_intervals(rng, rng.randrange(0, 40), size)
    occupied, containers = Occupied(size, intervals), Containers(intervals)
    for start, end in _random_intervals(rng, 300, size):
        assert occupied.overlaps(start, end) == any(s < end and start < e for s, e in intervals)
        assert containers.contain(start, end) == any(s <= start and end <= e for s, e in intervals)
        assert containers.overlap(start, end) == any(s < end and start < e for s, e in intervals)
    assert bool(containers) == bool(intervals)
    spans = [Span(s, e) for s, e in intervals]
    by_start = ByStart(spans)
    for lo, hi in _random_intervals(rng, 100, size):
        assert sorted(map(id, by_start.within(lo, hi))) == sorted(id(s) for s in spans if lo <= s.start and s.end <= hi)


def test_added_intervals_count_and_empty_ones_never_overlap():
    occupied = Occupied(10)
    assert not occupied.overlaps(0, 10)
    occupied.add(3, 5)
    assert occupied.overlaps(4, 9) and occupied.overlaps(0, 4) and not occupied.overlaps(5, 10)
    assert not occupied.overlaps(4, 4)
    assert Containers([(2, 8)]).contain(2, 8) and not Containers([(2, 8)]).contain(1, 3)
