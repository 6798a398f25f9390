"""DRUG mentions decided from their context (issue 15): an arm abbreviation the text defines
right after a drug is that drug, an analyte measured in a body fluid is not a drug given, and
foods are not drugs (regimens GUIDELINES.md)."""

from __future__ import annotations

import pytest


def drugs(doc):
    return [s.text for s in doc.spans["drugs"]]


ARMS = [
    # (text, DRUG spans expected)
    ("Patients took losartan (L) 50 mg or matching placebo; L was stopped at week 8.",
     ["losartan", "L", "placebo", "L"]),
    ("Arms were amodiaquine (AQ1) 10 mg/kg and artesunate (AS) 4 mg/kg; AQ1 was given first.",
     ["amodiaquine", "AQ1", "artesunate", "AS", "AQ1"]),
    ("Children got trimethoprim (4 mg/kg) and sulfamethoxazole (20 mg/kg) (TS); TS was repeated.",
     ["trimethoprim", "sulfamethoxazole", "TS", "TS"]),
    ("Rats received ketamine (Sigma) at 10 mg/kg.", ["ketamine"]),  # a supplier: not its letters
    ("The trial compared enalapril (E) with E-placebo.", ["enalapril", "E", "placebo"]),
]


@pytest.mark.parametrize("text,expected", ARMS, ids=[t[0][:30] for t in ARMS])
def test_an_arm_abbreviation_names_its_drug(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


ANALYTES = [
    ("Serum adiponectin rose in the treated group.", []),
    ("Fasting insulin was assessed every six months.", []),
    ("We measured plasma levels of cortisone, nitrate and endothelin-1 at baseline.", []),
    ("End tidal carbon dioxide was kept between 30 and 35 mmHg.", []),
    ("Insulin was given to every patient with fasting glucose above 7 mmol/l.", ["Insulin"]),
    ("The plasma ketamine 0.5 mg/kg infusion was started at induction.", ["ketamine"]),
]


@pytest.mark.parametrize("text,expected", ANALYTES, ids=[t[0][:30] for t in ANALYTES])
def test_an_analyte_measured_is_not_a_drug(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


@pytest.mark.parametrize("text", [
    "The bars were made of 200 g almonds, 50 g honey and 40 g wheat flour.",
    "A snack of pistachios was offered at noon.",
])
def test_foods_are_not_drugs(nlp_rules, text):
    assert drugs(nlp_rules(text)) == []
