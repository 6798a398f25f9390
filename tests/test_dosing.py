"""DOSE, ROUTE and FREQUENCY: pure parsers and the component."""

from __future__ import annotations

import pytest

from extractor.components.dosing import find_doses, find_frequencies, find_routes, parse_dose_unit

DOSE_CASES = [
    # text, [(span text, value, unit, norm_value, norm_unit, min, max)]
    ("0.5 mg/kg/h", [("0.5 mg/kg/h", 0.5, "mg/kg/h", 0.5, "mg/kg/h", None, None)]),
    ("10–20 mg/kg/day", [("10–20 mg/kg/day", "10-20", "mg/kg/day", None, "mg/kg/d", 10.0, 20.0)]),
    ("2 × 50 mg", [("2 × 50 mg", 50.0, "mg", 50.0, "mg", None, None)]),
    ("100 µg", [("100 µg", 100.0, "µg", 0.1, "mg", None, None)]),
    ("5 IU/kg", [("5 IU/kg", 5.0, "IU/kg", 5.0, "IU/kg", None, None)]),
    ("0.1%", [("0.1%", 0.1, "%", 0.1, "%", None, None)]),
    ("1.5 mg kg−1 h−1", [("1.5 mg kg−1 h−1", 1.5, "mg/kg/h", 1.5, "mg/kg/h", None, None)]),
    ("10 mg", [("10 mg", 10.0, "mg", 10.0, "mg", None, None)]),
    ("2 g/day", [("2 g/day", 2.0, "g/day", 2000.0, "mg/d", None, None)]),
    ("5 µg/kg/min", [("5 µg/kg/min", 5.0, "µg/kg/min", 0.3, "mg/kg/h", None, None)]),
    ("1,200 mg", [("1,200 mg", 1200.0, "mg", 1200.0, "mg", None, None)]),
    ("5 and 10 mg", [("5", 5.0, "mg", 5.0, "mg", None, None), ("10 mg", 10.0, "mg", 10.0, "mg", None, None)]),
    ("low dose", [("low dose", "low", None, None, None, None, None)]),
    ("low-dose", [("low-dose", "low", None, None, None, None, None)]),
    ("subanesthetic", [("subanesthetic", "subanesthetic", None, None, None, None, None)]),
    ("anesthetic doses", [("anesthetic doses", "anesthetic", None, None, None, None, None)]),
    ("high doses", [("high doses", "high", None, None, None, None, None)]),
    ("an overdose", [("overdose", "overdose", None, None, None, None, None)]),
    ("maximum tolerated dose", [("maximum tolerated dose", "maximum tolerated", None, None, None, None, None)]),
    ("in 2010 most", []),
    ("stage 3 disease", []),
    ("HbA1c fell by 9.6 mmol/mol", []),  # a lab value
    ("3 x 10^6 IU", [("3 x 10^6 IU", 3e6, "IU", 3e6, "IU", None, None)]),  # not "6 IU"
    ("2.5 × 10(6) IU/kg", [("2.5 × 10(6) IU/kg", 2.5e6, "IU/kg", 2.5e6, "IU/kg", None, None)]),
    ("1 × 10⁶ IU", [("1 × 10⁶ IU", 1e6, "IU", 1e6, "IU", None, None)]),
    ("3 x 10^-3 mg", [("3 x 10^-3 mg", 0.003, "mg", 0.003, "mg", None, None)]),
    ("9 MU/m2", [("9 MU/m2", 9.0, "MU/m2", 9e6, "IU/m2", None, None)]),
    ("5 MIU", [("5 MIU", 5.0, "MIU", 5e6, "IU", None, None)]),
    ("2 mmol of potassium", [("2 mmol", 2.0, "mmol", 2.0, "mmol", None, None)]),
    ("20 ppm for 1 hour", [("20 ppm", 20.0, "ppm", 20.0, "ppm", None, None)]),  # an inhaled gas
    pytest.param("40 mg twice", [("40 mg", 40.0, "mg", 40.0, "mg", None, None)], id="dose-before-word"),
]


@pytest.mark.parametrize("text,expected", DOSE_CASES,
                         ids=[c[0] if isinstance(c, tuple) else None for c in DOSE_CASES])
def test_find_doses(text, expected):
    got = [(text[m.start:m.end], m.value, m.unit, m.norm_value, m.norm_unit, m.min_value, m.max_value)
           for m in find_doses(text)]
    assert got == [tuple(pytest.approx(x) if isinstance(x, float) else x for x in e) for e in expected]


@pytest.mark.parametrize("text,expected", [
    ("given intravenously", [("intravenously", "intravenous")]),
    ("IV ketamine", [("IV", "intravenous")]),
    ("1 g i.v. daily", [("i.v.", "intravenous")]),
    ("a continuous infusion", [("infusion", "infusion")]),
    ("1 g infused over 8 h", [("infused", "infusion")]),
    ("taken orally", [("orally", "oral")]),
    ("20 mg p.o. once", [("p.o.", "oral")]),
    ("intranasal spray", [("intranasal", "intranasal")]),
    ("topical cream", [("topical", "topical"), ("cream", "topical")]),
    ("s.c. injection", [("s.c.", "subcutaneous"), ("injection", "injection")]),
    ("by a single user (S.C) per protocol", []),  # initials, not a route
    ("given i.m. twice", [("i.m.", "intramuscular")]),
    ("epidural and intrathecal", [("epidural", "epidural"), ("intrathecal", "intrathecal")]),
    ("transdermal patch", [("transdermal", "transdermal")]),
    ("intra muscular pethidine", [("intra muscular", "intramuscular")]),  # a space after the prefix
    ("sub cutaneous heparin", [("sub cutaneous", "subcutaneous")]),
    ("a single oral dose", [("oral", "oral")]),
    ("inhaled steroids", [("inhaled", "inhaled")]),
    ("stage IV cancer", []),
    ("type IV collagen", []),
], ids=lambda x: x if isinstance(x, str) else None)
def test_find_routes(text, expected):
    assert [(text[m.start:m.end], m.value) for m in find_routes(text)] == expected


@pytest.mark.parametrize("text,expected", [
    ("once daily", [("once daily", "once daily", 1.0)]),
    ("twice a day", [("twice a day", "twice daily", 2.0)]),
    ("b.i.d.", [("b.i.d.", "twice daily", 2.0)]),
    ("q8h", [("q8h", "every 8 h", 3.0)]),
    ("every 6 weeks", [("every 6 weeks", "every 6 weeks", pytest.approx(1 / 42, rel=1e-4))]),
    ("every two days", [("every two days", "every 2 days", 0.5)]),
    ("4 times/day", [("4 times/day", "4 times per day", 4.0)]),
    ("5 mg tds", [("tds", "three times daily", 3)]),  # British prescribing, lower case only
    ("500 mg q.d.s.", [("q.d.s.", "four times daily", 4)]),  # not q.d
    ("TDS was measured", []),
    ("10 mg nocte", [("nocte", "nightly", 1)]),
    ("20 mg every morning", [("every morning", "once daily", 1)]),
    ("a single dose", [("a single dose", "single", None)]),
    ("continuous", [("continuous", "continuous", None)]),
    ("repeated", [("repeated", "repeated", None)]),
    ("multi-day", [("multi-day", "multi-day", None)]),
    ("weekly", [("weekly", "once weekly", pytest.approx(1 / 7, rel=1e-4))]),
    # hyphenated, hourly, weekly and Latin forms (frequencies.jsonl, 2026-11-24 session 12)
    ("given twice-a-day", [("twice-a-day", "twice daily", 2.0)]),
    ("once-a-day tablets", [("once-a-day", "once daily", 1.0)]),
    ("three-times-daily", [("three-times-daily", "three times daily", 3.0)]),
    ("thrice a day", [("thrice a day", "three times daily", 3.0)]),
    ("morphine six-hourly", [("six-hourly", "every 6 h", 4.0)]),
    ("paracetamol 4-hourly", [("4-hourly", "every 4 h", 6.0)]),
    ("3 MU tiw", [("tiw", "three times weekly", pytest.approx(3 / 7, rel=1e-4))]),
    ("5 MU t.i.w.", [("t.i.w.", "three times weekly", pytest.approx(3 / 7, rel=1e-4))]),
    ("injected thrice weekly", [("thrice weekly", "three times weekly", pytest.approx(3 / 7, rel=1e-4))]),
    ("twice-weekly", [("twice-weekly", "twice weekly", pytest.approx(2 / 7, rel=1e-4))]),
    ("every other week", [("every other week", "every other week", pytest.approx(1 / 14, rel=1e-4))]),
    ("dosed fortnightly", [("fortnightly", "every other week", pytest.approx(1 / 14, rel=1e-4))]),
    ("q.o.d.", [("q.o.d.", "every other day", 0.5)]),
    ("q3w", [("q3w", "every 3 weeks", pytest.approx(1 / 21, rel=1e-4))]),
    ("every 4-6 hours", [("every 4-6 hours", "every 4 h", 6.0)]),  # the rate of the first number
    ("paracetamol 6 hourly", [("6 hourly", "every 6 h", 4.0)]),
    ("five monthly cycles", [("monthly", "once monthly", pytest.approx(1 / 30.4375, rel=1e-3))]),  # a count
    ("eight hourly", [("eight hourly", "every 8 h", 3.0)]),
    ("repeated on a three-week cycle", [("repeated", "repeated", None),
                                        ("three-week cycle", "every 3-week cycle", pytest.approx(1 / 21, rel=1e-4))]),
    ("twenty hourly doses", [("hourly", "hourly", 24.0)]),  # only the usual intervals are read as one
    ("5 mg tds", [("tds", "three times daily", 3)]),  # British prescribing, lower case only
    ("500 mg q.d.s.", [("q.d.s.", "four times daily", 4)]),  # not q.d
    ("TDS was measured", []),
    ("10 mg nocte", [("nocte", "nightly", 1)]),
    ("20 mg every morning", [("every morning", "once daily", 1)]),
    ("a single dose", [("a single dose", "single", None)]),
    ("after a single oral dose of it", [("a single oral dose", "single", None)]),  # the route stays a ROUTE too
    ("two single oral doses", []),
], ids=lambda x: x if isinstance(x, str) else None)
def test_find_frequencies(text, expected):
    assert [(text[m.start:m.end], m.value, m.norm_value) for m in find_frequencies(text)] == expected


@pytest.mark.parametrize("unit,expected", [
    ("mg kg−1 h−1", ("mg/kg/h", "mg/kg/h")), ("mg/m2", ("mg/m2", "mg/m2")), ("mEq", ("mEq", None)),
], ids=["inverse", "area", "no-pint"])
def test_parse_dose_unit(unit, expected):
    written, _, canonical = parse_dose_unit(unit)
    assert (written, canonical) == expected


def test_parse_dose_unit_rejects_non_units():
    with pytest.raises(ValueError):
        parse_dose_unit("patients")


@pytest.mark.parametrize("text,expected", [
    ("Lidocaine 5% was applied.", ["5%"]),
    ("In 30% of patients pain fell.", []),
    ("ketamine 0.5 mg/kg/h i.v. twice daily", ["0.5 mg/kg/h", "i.v.", "twice daily"]),
    ("mg/day alone", []),
], ids=["percent-by-drug", "percent-alone", "all", "no-number"])
def test_component(nlp, text, expected):
    doc = nlp(text)
    assert [s.text for s in doc.spans["dosing"]] == expected


def test_frequency_inside_dose_is_dropped(nlp):
    doc = nlp("ketamine 10 mg/day")
    assert [(s.text, s.label_) for s in doc.spans["dosing"]] == [("10 mg/day", "DOSE")]


def test_bad_regex_in_data_file_names_the_record():
    from extractor.components.dosing import _check_regex
    from extractor.errors import PatternFileError

    with pytest.raises(PatternFileError, match=r"\[E003\] routes.jsonl record 3: bad regular expression"):
        _check_regex("intra(venous", "routes.jsonl record 3")


def test_round_trip_to_disk(nlp, nlp_saved):
    text = "Ketamine (KET) 0.5 mg/kg/h i.v. twice daily; KET helped."
    expected = nlp(text)
    _, again = nlp_saved  # nlp.to_disk, then spacy.load
    doc = again(text)
    for group in ("drugs", "dosing"):
        assert [(s.text, s.label_) for s in doc.spans[group]] == [(s.text, s.label_) for s in expected.spans[group]]
    assert [s._.norm_value for s in doc.spans["dosing"]] == [s._.norm_value for s in expected.spans["dosing"]]


@pytest.mark.parametrize("text,expected", [
    ("subcutaneous fat tissue", []),
    ("oral mucositis", []),
    ("at the injection site", []),
    ("intermittent porphyria", []),
    ("continuous veno-venous hemodialysis", []),
    ("raised intraocular pressure", []),
    ("small-bowel capsule endoscopy", []),
    ("nasal discomfort was common", []),
    ("intermittent fasting", []),
    ("subcutaneous injection", [("subcutaneous", "ROUTE"), ("injection", "ROUTE")]),
    ("continuous infusion", [("continuous", "FREQUENCY"), ("infusion", "ROUTE")]),
], ids=lambda x: x if isinstance(x, str) else None)
def test_context_words(text, expected):
    from extractor.components.dosing import scan_words

    assert [(text[m.start:m.end], m.label) for m in scan_words(text)] == expected


@pytest.mark.parametrize("text,expected", [
    ("with placebo (difference -1.2, 95% CI -1.9 to -0.5)", []),
    ("5% lidocaine cream", ["5%", "cream"]),
    ("placebo (20%)", []),
    ("rash in 3% of ketamine infusions", ["infusions"]),
    ("10% of 5 mg tablets", ["5 mg"]),  # a dosage form with no drug beside it is not a route
    ("rates were 66% for valsartan and 60% with amlodipine", []),
    ("lidocaine 1% was infiltrated", ["1%", "infiltrated"]),  # a participle that says the route
    ("0.5% topical tetracaine", ["0.5%", "topical"]),
], ids=["effect-size", "before-drug", "paren-after-drug", "proportion-of", "proportion-of-number",
        "proportion-for-arm", "after-drug", "one-word-between"])
def test_percent_doses(nlp, text, expected):
    doc = nlp(text)
    assert [s.text for s in doc.spans["dosing"]] == expected


@pytest.mark.parametrize("text,expected", [
    ("ketamine 10 mg i.v.", [("i.v.", "intravenous")]),
    ("given p.o.", [("p.o.", "oral")]),
], ids=["iv-at-end", "po-at-end"])
def test_routes_at_end_of_text(text, expected):
    assert [(text[m.start:m.end], m.value) for m in find_routes(text)] == expected
