"""Spans on their way into a Doc and back out of it.

`Found` is what the rule finders (`find_dosing`, `find_quantities`, `find_citations` ...) return for
a text, and `char_spans` turns those records into spans of a Doc. `labelled_spans` collects the
mention spans of a Doc, its entities and every span group that holds mentions: table building and
regimen linking both read them, and one collector keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from extractor.pipeline.intervals import Containers

# the attributes of a measurement: a dose, route or frequency, a duration, count or statistic
MEASURE_ATTRIBUTES = ("value", "unit", "norm_value", "norm_unit", "min_value", "max_value")


@dataclass(frozen=True)
class Found:
    """A span found in a text by rules: character offsets into that text (end exclusive), a label,
    and the span attributes it carries (named as in extensions.SPAN_ATTRIBUTES): a measurement's
    value, unit, value in the canonical unit and range bounds, or a citation's refs and style."""

    start: int
    end: int
    label: str
    value: Any = None  # number, range (`2-3`) or qualitative value (`low`, `oral`)
    unit: str | None = None
    norm_value: float | None = None
    norm_unit: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    refs: tuple | None = None  # citations: reference numbers or author-year strings
    style: str | None = None  # citations: numeric | author_year

    def attrs(self) -> dict[str, Any]:
        """The attributes to set on its span: a citation's refs (a list) and style, else the six
        attributes of a measurement, None included."""
        if self.refs is not None:
            return {"refs": list(self.refs), "style": self.style}
        return {name: getattr(self, name) for name in MEASURE_ATTRIBUTES}


def char_spans(doc: Doc, found: Iterable[Found]) -> Iterator[tuple[Found, Span]]:
    """Each record with its span in `doc` (offsets into the Doc's text), widened to whole tokens;
    a record whose offsets are not in the Doc is left out."""
    for record in found:
        span = doc.char_span(record.start, record.end, label=record.label, alignment_mode="expand")
        if span is not None:
            yield record, span

# span groups that hold something other than mentions
NON_MENTION_GROUPS = frozenset({"claims", "regimens", "sentences"})


def labelled_spans(doc: Doc, labels: Iterable[str]) -> list[Span]:
    """Spans with one of `labels` from doc.ents and the mention groups, each (offsets, label) once,
    sorted by start, end and label; none inside a citation marker but the marker itself."""
    wanted = set(labels)
    spans = [e for e in doc.ents if e.label_ in wanted]
    for name, group in doc.spans.items():
        if name not in NON_MENTION_GROUPS:
            spans.extend(s for s in group if s.label_ in wanted)
    citations = Containers((c.start, c.end) for c in doc.spans["citations"]) if "citations" in doc.spans else None
    seen, unique = set(), []
    for s in sorted(spans, key=lambda s: (s.start_char, s.end_char, s.label_)):
        key = (s.start_char, s.end_char, s.label_)
        if key in seen or (citations and s.label_ != "CITATION" and citations.contain(s.start, s.end)):
            continue  # `(Eisen, 2016)`: an author inside a citation marker is no DISEASE or CHEMICAL
        seen.add(key)
        unique.append(s)
    return unique
