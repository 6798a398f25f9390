"""Make NER entities consistent within a document (after the abbreviation detector).

A statistical NER decides each occurrence alone, so "DOX" may be a CHEMICAL in one sentence and
nothing in the next. Two cheap document-level rules fix most of that:

* an abbreviation whose long form is an entity gets the long form's label, everywhere it occurs;
  one whose long form holds no entity at all ("Markov chain Monte Carlo (MCMC)") is no entity
  anywhere in the document, whatever the NER made of it;
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
    defined = set()  # abbreviations defined in the text: kept however short ("PD", "MI")
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
                forms[form][label] += 1
                defined.add(form)
            elif not any(tagged[long_form.start:long_form.end]):
                plain.add(form)
        plain -= defined
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
            if len(consistent) != len(ents):
                doc.ents = consistent
        return doc


@Language.factory("claimx_ner_consistency", assigns=["doc.ents"],
                  default_config={"labels": ["CHEMICAL", "DISEASE"]})
def make_ner_consistency(nlp: Language, name: str, labels: list[str]) -> NerConsistency:
    """Label every occurrence of a form the NER labelled once, and abbreviations of entities."""
    return NerConsistency(name, labels)
