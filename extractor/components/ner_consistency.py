"""Make NER entities consistent within a document (after the abbreviation detector).

A statistical NER decides each occurrence alone, so "DOX" may be a CHEMICAL in one sentence and
nothing in the next. Two cheap document-level rules fix most of that:

* an abbreviation whose long form is an entity gets the long form's label, everywhere it occurs,
  also where the NER gave it another (`Cyclophosphamide (CP)`: the NER reads a bare `CP` as a
  disease, but the text says what it is); one whose long form holds no entity at all
  ("Markov chain Monte Carlo (MCMC)") is no entity anywhere in the document, whatever the NER made of it;
* a short form in brackets right after an entity (`testosterone (T)`, `cyclosporine (CSA)`,
  which the abbreviation detector leaves out because not every letter is in the long form) is
  taken as the entity's abbreviation when it looks like one: it starts with the entity's first
  letter and has no more lower-case than upper-case letters (not `deficiency of aspartoacylase
  (ASPA)`, where the brackets shorten only the enzyme);
* a surface form the NER labelled somewhere is labelled at its other occurrences too
  (only forms the NER itself found, only where no entity already overlaps).

First, an entity never starts or ends with white space (`chronic kidney disease\n\n`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.components.batching import BatchPipe
from extractor.pipeline.doctext import token_offsets

_MAX_SHORT_TOKENS = 4
_MAX_SHORT_CHARS = 10
_SHORT_ENDS = frozenset({")", ";", ","})


def consistent_entities(doc: Doc, labels: frozenset[str], min_chars: int = 3,
                        ents: tuple[Span, ...] | None = None) -> list[Span]:
    """doc.ents (or `ents`, read from it already) plus the occurrences the two rules add (pure
    function; no overlaps)."""
    ents = list(doc.ents if ents is None else ents)
    strings = doc.vocab.strings
    texts = [strings[orth] for orth in doc.to_array(ORTH).tolist()]  # no Token objects: this runs on every doc
    forms: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for ent in ents:
        if ent.label_ in labels:
            forms[tuple(texts[ent.start:ent.end])][ent.label_] += 1
    defined: dict[tuple[str, ...], Counter] = defaultdict(Counter)  # abbreviation -> its long forms' labels
    plain = set()  # abbreviations whose long form holds no entity ("Markov chain Monte Carlo (MCMC)")
    if doc.has_extension("abbreviations"):
        by_offsets = {(e.start, e.end): e.label_ for e in ents}
        tagged = bytearray(len(doc))
        for ent in ents:
            tagged[ent.start:ent.end] = b"\x01" * len(ent)
        for short in doc._.abbreviations:
            long_form = short._.long_form
            if long_form is None:
                continue
            label = by_offsets.get((long_form.start, long_form.end))
            form = tuple(texts[short.start:short.end])
            if label in labels:
                defined[form][label] += 1
            elif not any(tagged[long_form.start:long_form.end]):
                plain.add(form)
        for form, label in bracketed_short_forms(doc, ents, texts, labels):
            if form not in defined:
                defined[form][label] += 1
        plain -= defined.keys()
        if defined:  # the long form decides, however the NER labelled the abbreviation
            decided = {form: by_long.most_common(1)[0][0] for form, by_long in defined.items()}
            forms.update((form, Counter({label: 1})) for form, label in decided.items())
            ents = [_relabelled(e, decided.get(tuple(texts[e.start:e.end])), labels) for e in ents]
        if plain:
            ents = [e for e in ents if tuple(texts[e.start:e.end]) not in plain]
            forms = defaultdict(Counter, {f: c for f, c in forms.items() if f not in plain})
    if not forms:
        return ents
    taken = bytearray(len(doc))
    for ent in ents:
        taken[ent.start:ent.end] = b"\x01" * len(ent)
    firsts = defaultdict(list)
    for form in forms:
        if form in defined or sum(len(w) for w in form) >= min_chars:
            firsts[form[0]].append(form)
    added = []
    for i, text in enumerate(texts):
        if taken[i] or text not in firsts:
            continue
        for form in sorted(firsts[text], key=len, reverse=True):
            end = i + len(form)
            if end <= len(doc) and not any(taken[i:end]) and tuple(texts[i:end]) == form:
                added.append(Span(doc, i, end, label=forms[form].most_common(1)[0][0]))
                taken[i:end] = b"\x01" * len(form)
                break
    return sorted(ents + added, key=lambda s: s.start) if added else ents


def bracketed_short_forms(doc: Doc, ents, texts: list[str], labels: frozenset[str]):
    """(short form, label) for each entity followed by `(X)`, `(X;` or `(X,` where X is written
    without spaces and looks like the entity's abbreviation."""
    starts, ends = token_offsets(doc)
    n = len(texts)
    for ent in ents:
        i = ent.end
        if ent.label_ not in labels or i + 2 >= n or texts[i] != "(":
            continue
        j = i + 1
        while j < n and j - i <= _MAX_SHORT_TOKENS and texts[j] not in _SHORT_ENDS and \
                (j == i + 1 or starts[j] == ends[j - 1]):
            j += 1
        if j == i + 1 or j >= n or texts[j] not in _SHORT_ENDS:
            continue
        short = "".join(texts[i + 1:j])
        if len(short) > _MAX_SHORT_CHARS or "(" in short or not _looks_like_abbreviation(short, ent.text):
            continue
        yield tuple(texts[i + 1:j]), ent.label_


def _looks_like_abbreviation(short: str, long_form: str) -> bool:
    upper = sum(ch.isupper() for ch in short)
    if not upper or sum(ch.islower() for ch in short) > upper:
        return False
    words = long_form.replace("-", " ").split()
    return bool(words) and words[0][0].lower() == short[0].lower()


def _relabelled(ent: Span, label: str | None, labels: frozenset[str]) -> Span:
    if label is None or ent.label_ == label or ent.label_ not in labels:
        return ent
    return Span(ent.doc, ent.start, ent.end, label=label)


def trimmed_entities(doc: Doc, ents: tuple[Span, ...] | None = None) -> list[Span] | None:
    """doc.ents (or `ents`) without white-space tokens at their edges (an all-space entity
    dropped); None when every entity is clean already."""
    ents = doc.ents if ents is None else ents
    if not any(doc[e.start].is_space or doc[e.end - 1].is_space for e in ents):
        return None
    out = []
    for e in ents:
        start, end = e.start, e.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if end > start:
            out.append(e if (start, end) == (e.start, e.end) else Span(doc, start, end, label=e.label))
    return out


class NerConsistency(BatchPipe):
    def __init__(self, name: str, labels: list[str]):
        self.name = name
        self.labels = frozenset(labels)

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents  # each read of doc.ents builds every Span again
        if ents and (trimmed := trimmed_entities(doc, ents)) is not None:
            doc.ents = trimmed
            ents = doc.ents
        if ents:
            consistent = consistent_entities(doc, self.labels, ents=ents)
            if len(consistent) != len(ents) or any((a.start, a.end, a.label) != (b.start, b.end, b.label)
                                                   for a, b in zip(consistent, ents)):
                doc.ents = consistent  # grown, shrunk, or relabelled
        return doc


@Language.factory("claimx_ner_consistency", assigns=["doc.ents"],
                  default_config={"labels": ["CHEMICAL", "DISEASE"]})
def make_ner_consistency(nlp: Language, name: str, labels: list[str]) -> NerConsistency:
    """Label every occurrence of a form the NER labelled once, and abbreviations of entities."""
    return NerConsistency(name, labels)
