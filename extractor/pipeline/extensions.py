"""Custom span attributes, registered once.

spaCy keys span extension values by character offsets only, so two spans with the same
offsets but different labels (a DURATION and a TIMEPOINT, a DRUG and a CHEMICAL) would
share values. Our attributes are kept per (offsets, label) instead: one dict of the values set
in `doc.user_data`, so reading all of a span's attributes is one lookup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

# name -> default. Every table column that comes from a span reads one of these.
SPAN_ATTRIBUTES: dict[str, Any] = {
    "value": None,  # number, count, or qualitative level ("low")
    "unit": None,  # unit as written, normalised spelling
    "norm_value": None,  # value in the canonical unit
    "norm_unit": None,  # canonical unit: "d" for time, "mg", "mg/kg" ... for doses
    "min_value": None,  # ranges: lower bound (norm unit)
    "max_value": None,  # ranges: upper bound (norm unit)
    "qualifier": None,  # durations, time points: `>`, `>=`, `<=`, `<` (`more than 6 months`)
    "concept_id": None,
    "concept_name": None,
    "negated": False,
    "hedged": False,
    "negation_cue": None,
    "hedge_cue": None,
    "source": None,  # which component or model produced the span
    "refs": None,  # citations: expanded reference numbers, or author-year strings
    "style": None,  # citations: numeric | author_year
    "is_class": False,  # drugs: a drug class rather than one drug
    "claim_type": None,  # claims: finding | hypothesis | recommendation | background
    "direction": None,  # claims: decrease | increase | no_change | unknown
    "significant": None,  # claims: True | False | None (not stated)
    "score": None,  # claims: classifier probability that the sentence is a claim
    "is_claim": False,  # claims: score at or above the classifier's threshold (the row is a claim proper)
    "cue_scopes": None,  # sentences: ((kind, cue text, scope start char, scope end char), ...) per cue
    "links": None,  # regimens: a drug's linked mentions, label -> ((start token, end token, span label), ...)
}

_KEY = "claimx"


def _key(span: Span) -> tuple:
    return (_KEY, span.start_char, span.end_char, span.label_)


def _make_getter(name: str, default: Any):
    def getter(span: Span) -> Any:
        values = span.doc.user_data.get(_key(span))
        return default if values is None else values.get(name, default)

    return getter


def _make_setter(name: str):
    def setter(span: Span, value: Any) -> None:
        span.doc.user_data.setdefault(_key(span), {})[name] = value

    return setter


def register_extensions() -> None:
    """Idempotent: safe to call from every component factory."""
    for name, default in SPAN_ATTRIBUTES.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_make_getter(name, default), setter=_make_setter(name))
    if not Doc.has_extension("claimx_offsets"):
        # the normaliser's OffsetMap, set by extractor.pipeline.annotate; None: the Doc's text is the original
        Doc.set_extension("claimx_offsets", getter=_get_offsets, setter=_set_offsets)


_OFFSETS_KEY = (_KEY, "offsets")


def _get_offsets(doc: Doc):
    from extractor.reading.normalize import OffsetMap

    stored = doc.user_data.get(_OFFSETS_KEY)
    return None if stored is None else OffsetMap(*stored)


def _set_offsets(doc: Doc, offsets) -> None:
    """Kept as the OffsetMap's fields (numpy arrays and ints): what Doc.to_bytes, DocBin and
    nlp.pipe(n_process=...) can serialise, as they cannot a dataclass."""
    if offsets is None:
        doc.user_data.pop(_OFFSETS_KEY, None)
    else:
        doc.user_data[_OFFSETS_KEY] = (offsets.clean, offsets.orig, offsets.ends, offsets.clean_length,
                                       offsets.original_length)


def set_attrs(span: Span, **values: Any) -> Span:
    """Set several attributes at once; unknown names are a programming error."""
    unknown = values.keys() - SPAN_ATTRIBUTES.keys()
    if unknown:
        raise KeyError(f"unknown span attribute {sorted(unknown)[0]!r}; known: {sorted(SPAN_ATTRIBUTES)}")
    span.doc.user_data.setdefault(_key(span), {}).update(values)
    return span


def get_attrs(span: Span, names: Iterable[str] | None = None) -> dict[str, Any]:
    """All claimx attributes of a span at once, or those in `names` (what `span._.name` gives for each
    name, without the per-attribute extension lookup: table building reads every attribute of every span)."""
    values = span.doc.user_data.get(_key(span)) or {}
    if names is None:
        return {**SPAN_ATTRIBUTES, **values}
    return {name: values.get(name, SPAN_ATTRIBUTES[name]) for name in names}


register_extensions()
