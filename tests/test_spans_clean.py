"""No mention inside a citation marker, and no entity that starts or ends with white space
(issue 15: authors read as DISEASE or CHEMICAL, DISEASE spans ending in a paragraph break)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from extractor.components.ner_consistency import trimmed_entities
from extractor.pipeline.spans import labelled_spans


def _doc(text, ents=(), groups=None):
    doc = spacy.blank("en")(text)
    doc.ents = [doc.char_span(text.index(t), text.index(t) + len(t), label=lab, alignment_mode="expand")
                for t, lab in ents]
    for name, marks in (groups or {}).items():
        doc.spans[name] = [doc.char_span(text.index(t), text.index(t) + len(t), label=lab) for t, lab in marks]
    return doc


@pytest.mark.parametrize("text,ents,citations,expected", [
    ("Iron deficiency was common (Eisen, 2016).", [("Iron deficiency", "DISEASE"), ("Eisen", "CHEMICAL")],
     [("(Eisen, 2016)", "CITATION")], [("Iron deficiency", "DISEASE"), ("(Eisen, 2016)", "CITATION")]),
    ("Tremor was rated [Parkinson et al. 2019] weekly.", [("Tremor", "DISEASE"), ("Parkinson", "DISEASE")],
     [("[Parkinson et al. 2019]", "CITATION")], [("Tremor", "DISEASE"), ("[Parkinson et al. 2019]", "CITATION")]),
    ("Lithium helped (n = 20).", [("Lithium", "CHEMICAL")], [], [("Lithium", "CHEMICAL")]),
], ids=["author-as-chemical", "author-as-disease", "no-citation"])
def test_no_mention_inside_a_citation(text, ents, citations, expected):
    doc = _doc(text, ents, {"citations": citations})
    spans = labelled_spans(doc, ("CHEMICAL", "DISEASE", "CITATION"))
    assert [(s.text, s.label_) for s in spans] == expected


def test_entities_never_end_in_white_space():
    text = "Patients with renal failure\n\nwere excluded."
    doc = spacy.blank("en")(text)
    assert doc[4].is_space
    doc.ents = [Span(doc, 2, 5, label="DISEASE")]  # `renal failure` + the paragraph break
    (ent,) = trimmed_entities(doc)
    assert (ent.text, ent.label_) == ("renal failure", "DISEASE")
    doc.ents = [Span(doc, 2, 4, label="DISEASE")]
    assert trimmed_entities(doc) is None  # clean already


def test_pipeline_entities_are_trimmed(nlp):
    doc = nlp("Background\n\nPatients with chronic kidney disease\n\nwere given metformin.")
    assert all(e.text == e.text.strip() for e in doc.ents)
