"""claimx_ner_consistency: entities made consistent within a document."""

from __future__ import annotations

import pytest
import spacy

from extractor.components.ner_consistency import consistent_entities
from extractor.pipeline.load import import_components

LABELS = frozenset({"CHEMICAL", "DISEASE"})


@pytest.fixture(scope="module")
def rules_nlp():
    import_components()
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "claimx.scispacy_tokenizer.v2"}}})
    nlp.add_pipe("abbreviation_detector")
    return nlp


def annotate(nlp, text, ents):
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(form), text.index(form) + len(form), label=label) for form, label in ents]
    return nlp.get_pipe("abbreviation_detector")(doc)


@pytest.mark.parametrize("text, given, expected", [
    ("Lithium was stopped. Lithium levels fell.", [("Lithium", "CHEMICAL")],
     [("Lithium", "CHEMICAL"), ("Lithium", "CHEMICAL")]),
    ("Doxorubicin (DOX) is cardiotoxic. DOX was given weekly.", [("Doxorubicin", "CHEMICAL")],
     [("Doxorubicin", "CHEMICAL"), ("DOX", "CHEMICAL"), ("DOX", "CHEMICAL")]),
    ("Parkinson disease (PD) worsened; PD patients.", [("Parkinson disease", "DISEASE")],
     [("Parkinson disease", "DISEASE"), ("PD", "DISEASE"), ("PD", "DISEASE")]),
    ("Na was low. Na was high.", [("Na", "CHEMICAL")], [("Na", "CHEMICAL")]),
    ("valproic acid and acid reflux; valproic acid again", [("valproic acid", "CHEMICAL"), ("acid reflux", "DISEASE")],
     [("valproic acid", "CHEMICAL"), ("acid reflux", "DISEASE"), ("valproic acid", "CHEMICAL")]),
    ("Aspirin helps; aspirin too.", [("Aspirin", "CHEMICAL")], [("Aspirin", "CHEMICAL")]),
    # the text defines the abbreviation as something that is no entity: its tags go, everywhere
    ("Posteriors came from Markov chain Monte Carlo (MCMC). MCMC chains mixed.", [("MCMC", "DISEASE")], []),
    ("Patients on antiretroviral therapy (ART) were followed; ART lowered mortality.", [("ART", "DISEASE")], []),
    # a long form that holds an entity keeps its abbreviation's tags
    ("Renal lupus nephritis (RLN) flares; RLN relapsed.", [("lupus nephritis", "DISEASE"), ("RLN", "DISEASE")],
     [("lupus nephritis", "DISEASE"), ("RLN", "DISEASE"), ("RLN", "DISEASE")]),
], ids=["repeat", "abbreviation", "disease-abbreviation", "too-short", "no-overlap", "case-sensitive",
        "plain-long-form", "plain-long-form-2", "long-form-holds-entity"])
def test_consistent_entities(rules_nlp, text, given, expected):
    doc = annotate(rules_nlp, text, given)
    assert [(e.text, e.label_) for e in consistent_entities(doc, LABELS)] == expected


def test_other_labels_are_not_propagated(rules_nlp):
    doc = annotate(rules_nlp, "Aspirin here. Aspirin there.", [("Aspirin", "ENTITY")])
    assert [(e.text, e.label_) for e in consistent_entities(doc, LABELS)] == [("Aspirin", "ENTITY")]


def test_component_in_default_pipeline_runs_after_abbreviations(nlp):
    names = nlp.pipe_names
    assert names.index("abbreviation_detector") < names.index("claimx_ner_consistency")
