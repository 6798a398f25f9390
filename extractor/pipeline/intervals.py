"""Interval look-ups that stay fast on long documents.

A rule that asks, for each of its mentions, whether another span overlaps or contains it is
quadratic when it scans every span: fine on an abstract, minutes on a 200,000-character piece
of a full text. These answer the same questions in the length of the interval (`Occupied`) or
in log time (`Containers`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class Occupied:
    """Positions (token indices or characters, 0 to n) that some interval already covers."""

    def __init__(self, n: int, intervals: Iterable[tuple[int, int]] = ()):
        self.flags = bytearray(n + 1)
        for start, end in intervals:
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.flags[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a position with an interval added."""
        return end > start and self.flags.find(1, start, end) >= 0


class Containers:
    """Intervals (start, end), asked whether one of them contains [start, end)."""

    def __init__(self, intervals: Iterable[tuple[int, int]]):
        ordered = sorted(intervals)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []  # the furthest end among the intervals up to each one
        furthest = None
        for _, end in ordered:
            furthest = end if furthest is None else max(furthest, end)
            self.reach.append(furthest)

    def __bool__(self) -> bool:
        return bool(self.starts)

    def contain(self, start: int, end: int) -> bool:
        """Whether some interval starts at or before `start` and ends at or after `end`."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.reach[i] >= end

    def overlap(self, start: int, end: int) -> bool:
        """Whether some interval shares a point with [start, end)."""
        i = bisect_left(self.starts, end) - 1  # the last interval that starts before `end`
        return i >= 0 and self.reach[i] > start


class ByStart:
    """Spans (anything with .start and .end) sorted by start, to list those that lie within a
    range (a sentence) without scanning the others."""

    def __init__(self, spans: Iterable):
        self.spans = sorted(spans, key=lambda s: (s.start, s.end))
        self.starts = [s.start for s in self.spans]

    def within(self, lo: int, hi: int) -> list:
        """The spans with lo <= start and end <= hi."""
        first, last = bisect_left(self.starts, lo), bisect_left(self.starts, hi)
        return [s for s in self.spans[first:last] if s.end <= hi]
