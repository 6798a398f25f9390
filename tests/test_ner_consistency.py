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


def _spans(doc, text, given):
    """`given`: (form, label, n) for the n-th occurrence of form in text."""
    spans = []
    for form, label, n in given:
        start = -1
        for _ in range(n + 1):
            start = text.index(form, start + 1)
        spans.append(doc.char_span(start, start + len(form), label=label))
    return spans


@pytest.mark.parametrize("text, given, expected", [
    # the NER reads the bare abbreviation as a disease; the text defines it as a drug
    ("Cyclophosphamide (CP) was given. CP caused cystitis; CP doses were cut.",
     [("Cyclophosphamide", "CHEMICAL", 0), ("CP", "DISEASE", 1), ("CP", "DISEASE", 2)],
     [("Cyclophosphamide", "CHEMICAL"), ("CP", "CHEMICAL"), ("CP", "CHEMICAL"), ("CP", "CHEMICAL")]),
    # and the other way round
    ("Rheumatoid arthritis (RA) was active; RA flares were scored.",
     [("Rheumatoid arthritis", "DISEASE", 0), ("RA", "CHEMICAL", 0), ("RA", "CHEMICAL", 1)],
     [("Rheumatoid arthritis", "DISEASE"), ("RA", "DISEASE"), ("RA", "DISEASE")]),
    # a form that is not a defined abbreviation keeps the NER's label
    ("Cyclophosphamide (CP) was given. Lithium was not. CP rose.",
     [("Cyclophosphamide", "CHEMICAL", 0), ("Lithium", "DISEASE", 0)],
     [("Cyclophosphamide", "CHEMICAL"), ("CP", "CHEMICAL"), ("Lithium", "DISEASE"), ("CP", "CHEMICAL")]),
], ids=["drug-read-as-disease", "disease-read-as-drug", "other-forms-untouched"])
def test_the_long_form_decides_an_abbreviations_label(rules_nlp, text, given, expected):
    from extractor.components.ner_consistency import NerConsistency

    doc = rules_nlp.make_doc(text)
    doc.ents = _spans(doc, text, given)
    doc = NerConsistency("c", sorted(LABELS))(rules_nlp.get_pipe("abbreviation_detector")(doc))
    assert [(e.text, e.label_) for e in doc.ents] == expected


@pytest.mark.parametrize("text, given, expected", [
    # one letter, which the abbreviation detector never takes for a short form
    ("Serum testosterone (T) fell; T was lower after ketoconazole.",
     [("testosterone", "CHEMICAL"), ("ketoconazole", "CHEMICAL")],
     [("testosterone", "CHEMICAL"), ("T", "CHEMICAL"), ("T", "CHEMICAL"), ("ketoconazole", "CHEMICAL")]),
    # letters that are not all in the long form (no `a` in cyclosporine)
    ("Patients on cyclosporine (CSA) had tremor. CSA levels were high.", [("cyclosporine", "CHEMICAL")],
     [("cyclosporine", "CHEMICAL"), ("CSA", "CHEMICAL"), ("CSA", "CHEMICAL")]),
    ("Rats given dexmedetomidine (D-MED) slept; D-MED was repeated.", [("dexmedetomidine", "CHEMICAL")],
     [("dexmedetomidine", "CHEMICAL"), ("D-MED", "CHEMICAL"), ("D-MED", "CHEMICAL")]),
    # the brackets shorten only the enzyme, not the whole disease mention
    ("It is caused by deficiency of aspartoacylase (ASPA); ASPA activity was absent.",
     [("deficiency of aspartoacylase", "DISEASE")], [("deficiency of aspartoacylase", "DISEASE")]),
    # a supplier, a count and a knockout are no short forms
    ("Ketamine (Sigma) was used; Sigma supplied it.", [("Ketamine", "CHEMICAL")], [("Ketamine", "CHEMICAL")]),
    ("Morphine (n = 12) was given.", [("Morphine", "CHEMICAL")], [("Morphine", "CHEMICAL")]),
], ids=["one-letter", "letters-not-in-long-form", "hyphenated", "part-of-the-mention", "supplier", "count"])
def test_a_bracketed_short_form_after_an_entity_is_its_abbreviation(rules_nlp, text, given, expected):
    doc = annotate(rules_nlp, text, given)
    assert [(e.text, e.label_) for e in consistent_entities(doc, LABELS)] == expected


@pytest.mark.parametrize("text, given, expected", [
    ("Serum testosterone (T) fell.", [("testosterone", "CHEMICAL")], [(("T",), "CHEMICAL")]),
    ("Rats given dexmedetomidine (D-MED; 5 mg) slept.", [("dexmedetomidine", "CHEMICAL")],
     [(("D", "-", "MED"), "CHEMICAL")]),
    # a knockout's genotype in brackets is no short form
    ("Mice lacking PPARa (PPARa(-/-) mice) were used.", [("PPARa", "CHEMICAL")], []),
    ("Ketamine (Sigma) was used.", [("Ketamine", "CHEMICAL")], []),
], ids=["one-letter", "semicolon", "genotype", "supplier"])
def test_bracketed_short_forms(rules_nlp, text, given, expected):
    from extractor.components.ner_consistency import bracketed_short_forms

    doc = annotate(rules_nlp, text, given)
    assert list(bracketed_short_forms(doc, list(doc.ents), [t.text for t in doc], LABELS)) == expected


def test_other_labels_are_not_propagated(rules_nlp):
    doc = annotate(rules_nlp, "Aspirin here. Aspirin there.", [("Aspirin", "ENTITY")])
    assert [(e.text, e.label_) for e in consistent_entities(doc, LABELS)] == [("Aspirin", "ENTITY")]


def test_component_in_default_pipeline_runs_after_abbreviations(nlp):
    names = nlp.pipe_names
    assert names.index("abbreviation_detector") < names.index("claimx_ner_consistency")
