"""extractor.pipeline.spans: the record the rule finders return, and its way into a Doc."""

import spacy

from extractor.components.citations import find_citations
from extractor.components.dosing import find_dosing
from extractor.components.quantities import find_quantities
from extractor.pipeline.spans import Found, char_spans


def test_a_measurement_sets_its_six_attributes_none_included():
    dose = Found(0, 5, "DOSE", value=5, unit="mg", norm_value=5.0, norm_unit="mg")
    assert dose.attrs() == {"value": 5, "unit": "mg", "norm_value": 5.0, "norm_unit": "mg",
                            "min_value": None, "max_value": None}


def test_a_citation_sets_its_refs_as_a_list_and_its_style():
    assert Found(0, 4, "CITATION", refs=(1, 2), style="numeric").attrs() == {"refs": [1, 2], "style": "numeric"}


def test_every_finder_returns_found_records():
    text = "Ketamine 5 mg/kg i.v. twice daily for 2 weeks in 30 patients [1, 2]."
    for records in (find_dosing(text), find_quantities(text), find_citations(text)):
        assert records and all(isinstance(r, Found) for r in records)


def test_char_spans_widen_to_tokens_and_leave_out_what_is_not_in_the_doc():
    doc = spacy.blank("en")("took 5 mg daily")
    placed = list(char_spans(doc, [Found(7, 8, "DOSE"), Found(20, 22, "DOSE"), Found(5, 9, "DOSE")]))
    assert [(r.start, span.text, span.label_) for r, span in placed] == [(7, "mg", "DOSE"), (5, "5 mg", "DOSE")]
