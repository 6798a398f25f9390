"""Precision of DOSE, ROUTE and FREQUENCY on full-text sentences (issue 15): a measurement is
not a dose, a dosage form or an anatomical word is not a route, `daily` in a measured quantity
is not a frequency, and an abbreviation the text defines wins over a route reading of it."""

from __future__ import annotations

import pytest

from extractor.components.dosing import find_doses


def spans(doc, label):
    return [s.text for s in doc.spans["dosing"] if s.label_ == label]


MEASUREMENTS = [
    # (text, the DOSE spans expected): a bare mass or volume needs something given in its sentence
    ("Mean birth weight was 2150 g in the term group and 980 g in the preterm group.", []),
    ("Venous blood (8 ml) was drawn into heparinised tubes at each visit.", []),
    ("Total blood loss was 410 ml in one arm and 355 ml in the other.", []),
    ("Pain thresholds were tested with 60 g and 180 g filaments on the forearm.", []),
    ("Each child drank 200 ml of the fortified milk every morning.", []),  # no drug, no giving word
    ("The second arm consumed 25 g of the seed powder each day.", ["25 g"]),
    ("Patients received lidocaine 2 g over one hour.", ["2 g"]),
    ("The nerve was blocked with 20 mL of 0.5% ropivacaine.", ["20 mL", "0.5%"]),
]


@pytest.mark.parametrize("text,expected", MEASUREMENTS, ids=[t[0][:30] for t in MEASUREMENTS])
def test_a_measurement_is_not_a_dose(nlp_rules, text, expected):
    assert spans(nlp_rules(text), "DOSE") == expected


SPREADS = [
    # a mean dose with its spread is one span whose value is the mean
    ("a mean of 4.2±1.9 mg/day of haloperidol", "4.2±1.9 mg/day", 4.2),
    ("0.012 ± 0.003 mg/kg per h of morphine", "0.012 ± 0.003 mg/kg per h", 0.012),
    ("ondansetron 8 +/- 2 mg", "8 +/- 2 mg", 8.0),
]


@pytest.mark.parametrize("text,span,value", SPREADS, ids=[t[1] for t in SPREADS])
def test_a_mean_dose_keeps_its_spread(text, span, value):
    (dose,) = find_doses(text)
    assert text[dose.start:dose.end] == span
    assert dose.value == value


ROUTES = [
    # (text, ROUTE spans expected)
    ("Serum creatinine (SC) rose in two patients; SC was measured weekly.", []),
    ("Enoxaparin was given subcutaneously (SC) once daily.", ["subcutaneously", "SC"]),
    ("Women with recurrent vaginal infections were excluded.", []),
    ("Fibrosis of the liver capsule was graded by a pathologist.", []),
    ("Peripheral IV access was secured before induction.", []),
    ("After intravenous (IV) access was placed, fentanyl was given.", []),
    ("Then 0.5% ropivacaine was infiltrated into the wound.", ["infiltrated"]),
    ("Participants received written and oral information about the trial.", []),
    ("Rectal pain was scored during balloon inflation.", []),
    ("Ibuprofen was given as an oral tablet of 400 mg.", ["oral"]),
    ("Each patient took one aspirin tablet every morning.", ["tablet"]),  # PHEE's `X tablets` route
    ("They received the drug as dispersible tablets.", ["tablets"]),
    ("Vitamin D was taken as daily tablets of 800 IU.", []),
]


@pytest.mark.parametrize("text,expected", ROUTES, ids=[t[0][:30] for t in ROUTES])
def test_a_route_is_a_way_of_giving(nlp_rules, text, expected):
    assert spans(nlp_rules(text), "ROUTE") == expected


FREQUENCIES = [
    ("The average daily glucose was lower with the closed-loop system.", []),
    ("Mean daily time in range rose by two hours.", []),
    ("Daily functioning improved on the second scale.", []),
    ("The mean daily dose of quetiapine was 300 mg.", ["daily"]),
    ("Metformin was taken twice daily.", ["twice daily"]),
]


@pytest.mark.parametrize("text,expected", FREQUENCIES, ids=[t[0][:30] for t in FREQUENCIES])
def test_daily_in_a_measured_quantity_is_not_a_frequency(nlp_rules, text, expected):
    assert spans(nlp_rules(text), "FREQUENCY") == expected


def test_recipe_amounts_are_not_doses(nlp_rules):
    doc = nlp_rules("To prepare 500 g of the paste, we used 200 g dates, 100 g sesame and 50 ml rose extract.")
    assert spans(doc, "DOSE") == []


@pytest.mark.parametrize("text,expected", [
    ("Patients could press for a 1 mg morphine bolus every 10 minutes.", [("every 10 minutes", 144.0)]),
    ("Fentanyl 25 µg was available on demand.", [("on demand", None)]),
    ("Niacin 1 g/d was taken in 2 daily doses.", [("2 daily doses", 2.0)]),
    ("Praziquantel (60 mg/kg in split dose) was given.", [("split dose", None)]),
], ids=["minutes", "on-demand", "daily-doses", "split"])
def test_more_schedules(nlp_rules, text, expected):
    doc = nlp_rules(text)
    assert [(s.text, s._.norm_value) for s in doc.spans["dosing"] if s.label_ == "FREQUENCY"] == expected


@pytest.mark.parametrize("text,expected", [
    ("Resistance was more common (artesunate 91%, placebo 70%, p = 0.02).", []),
    ("Anaemia fell with amodiaquine 12%, p < 0.01.", []),
    ("Lidocaine 5% cream was applied twice.", ["5%"]),
    ("The block used 0.5% bupivacaine.", ["0.5%"]),
], ids=["arm-shares", "p-value", "strength-after", "strength-before"])
def test_arm_shares_are_not_strengths(nlp_rules, text, expected):
    assert spans(nlp_rules(text), "DOSE") == expected
