"""Drug codes that only their dose shows (`AZL-M/CTD 20/12.5 mg`, `IV CPM (750 mg/m2)`), and the
words beside a dose that are not one (units, routes, schedules, measured indices)."""

from __future__ import annotations

import pytest

from extractor.components.dosed_names import is_code

CASES = [
    ("We compared AZL-M/CTD 20/12.5 mg once daily with placebo.", ["AZL-M", "CTD"]),
    ("Patients received either IV CPM (750 mg/m2) or IV MP (1 g) every four weeks.", ["CPM", "MP"]),
    ("one infusion of treatment (CPM: 750 mg/m2, MP: 1 g) every four weeks", ["CPM", "MP"]),
    ("Children received 30 mg, 60 mg or 90 mg EPs-7630 or placebo daily.", ["EPs-7630"]),
    ("subcutaneous α2a 3 MIU three times a week", ["α2a"]),
    # every other occurrence of a dosed code names it too
    ("FU 400 mg/m2 was given daily. Nausea was more frequent with FU.", ["FU", "FU"]),
    # not codes: units, routes, schedules, release forms, a measured index
    ("Ketamine 10 mg IV BID was given.", ["Ketamine"]),
    ("The mean EVLWIG was 6.2 ± 0.3 ml/kg in the saline group.", []),
    ("A 20/12.5 mg FDC of olmesartan was given.", ["olmesartan"]),
    # bench amounts: no route or schedule in the sentence, a volume of a medium, a plasmid, a salt
    ("Beads were loaded with 0.5 µg RIF-1 before the assay.", []),
    ("Strains were cultured in 5 ml YPD overnight before intranasal inoculation.", []),
    ("Cells received 2 µg pFR daily.", []),
    ("The buffer held 150 mg NaCl and was given daily.", []),
    # a code a dosage form is of
    ("Once-daily FDCs of AZL-M/CTD were force-titrated to a high dose of 40/25 mg.", ["AZL-M", "CTD"]),
    # a name the text abbreviates, given with an amount in its bracket or just before it
    ("Subjects were randomized to receive tongkat ali (TA; 200 mg/day; 32 subjects) or placebo.",
     ["tongkat ali", "TA"]),
    ("Daily supplementation (200 mg/day for 4 weeks) with tongkat ali (TA) improved mood.", ["tongkat ali", "TA"]),
    # ... not a therapy, nor a name whose amount belongs to another drug
    ("Patients were randomized to receive cognitive behavioural therapy (CBT) or sertraline 50 mg.", ["sertraline"]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_dosed_codes_are_drugs(nlp_rules, text, expected):
    doc = nlp_rules(text)
    assert [s.text for s in doc.spans["drugs"] if s.text != "placebo" and s.text != "saline"] == expected


@pytest.mark.parametrize("word,code", [("CPM", True), ("AZL-M/CTD", True), ("α2b", True), ("EPs-7630", True),
                                        ("mg", False), ("BID", False), ("IV", False), ("EVLWIG", False),
                                        ("EU/ml", False), ("Daily", False), ("12", False)])
def test_is_code(word, code):
    from extractor.components.dosing import rules

    assert is_code(word, frozenset(rules().context["dosed_name_not"])) is code


GASES = [
    # (text, DRUG spans, DOSE spans): a dosed chemical the recognizer finds, in a sentence with a
    # route, is a drug given; parts per million dose an inhaled gas, and are no dose elsewhere
    ("Patients were given inhalation of NO (20 ppm for 1 hour) after surgery.", ["NO"], ["20 ppm"]),
    ("Ambient CO2 of 400 ppm was recorded in the room.", [], []),
]


@pytest.mark.parametrize("text,drug_spans,doses", GASES, ids=[g[0][:30] for g in GASES])
def test_a_dosed_chemical_is_a_drug(nlp, text, drug_spans, doses):
    doc = nlp(text)
    assert [s.text for s in doc.spans["drugs"]] == drug_spans
    assert [s.text for s in doc.spans["dosing"] if s.label_ == "DOSE"] == doses
