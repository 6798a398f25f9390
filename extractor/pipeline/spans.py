"""The mention spans of a Doc: its entities and every span group that holds mentions.

Table building and regimen linking both read them; one collector keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Span

# span groups that hold something other than mentions
NON_MENTION_GROUPS = frozenset({"claims", "regimens", "sentences"})


def labelled_spans(doc: Doc, labels: Iterable[str]) -> list[Span]:
    """Spans with one of `labels` from doc.ents and the mention groups, each (offsets, label) once,
    sorted by start, end and label."""
    wanted = set(labels)
    spans = [e for e in doc.ents if e.label_ in wanted]
    for name, group in doc.spans.items():
        if name not in NON_MENTION_GROUPS:
            spans.extend(s for s in group if s.label_ in wanted)
    seen, unique = set(), []
    for s in sorted(spans, key=lambda s: (s.start_char, s.end_char, s.label_)):
        key = (s.start_char, s.end_char, s.label_)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    return unique
