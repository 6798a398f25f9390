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


PREPARATIONS = [
    # herbal preparations and supplements given as interventions (no dictionary lists them)
    ("The decoction contained Scutellariae Radix (2 g) and Coptidis Rhizoma (1 g).",
     ["Scutellariae Radix", "Coptidis Rhizoma"]),
    ("Rehmanniae Radix Preparata was added to the formula.", ["Rehmanniae Radix Preparata"]),
    ("Patients took 2.5 g of Yokukan-san three times a day.", ["Yokukan-san"]),
    ("The active arm received Ginkgo biloba extract 120 mg daily.", ["Ginkgo biloba extract"]),
    ("Volunteers consumed cranberry juice or a placebo drink for 8 weeks.", ["placebo"]),
    ("Each capsule held 500 mg of artichoke leaf extract.", ["artichoke leaf extract"]),
    ("Cells were lysed and the protein extract was loaded on the gel.", []),
    ("We extracted the data from 14 trials.", []),
]


@pytest.mark.parametrize("text,expected", PREPARATIONS, ids=[t[0][:30] for t in PREPARATIONS])
def test_herbal_preparations(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Controls received 5 ml saline intravenously.", ["saline"]),
    ("Pain was lower in the saline group.", ["saline"]),
    ("Vancomycin 1 g in 250 ml normal saline was infused over an hour.", ["Vancomycin"]),
    ("Wounds were rinsed with saline before closure.", []),
], ids=["volume", "group", "vehicle", "rinse"])
def test_saline_is_a_drug_as_a_comparator(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Washout lasted 4 weeks for β-adrenergic blocking agents and 2 weeks for α-agonists.",
     ["β-adrenergic blocking agents", "α-agonists"]),
    ("The block used 20 ml of bupivacain 0.25%.", ["bupivacain"]),
    ("A crystalloid infusion of 10 ml/kg was given.", ["crystalloid"]),
], ids=["classes", "misspelling", "crystalloid"])
def test_classes_and_spellings(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("The tablet held 500 mg of calcium and 2 g of carbohydrate.", ["calcium", "carbohydrate"]),
    ("Serum calcium was normal.", []),  # measured, not given
    ("Volunteers received supplemental ATP or placebo.", ["ATP", "placebo"]),
    ("Patients with an indication for ACE-I were excluded.", ["ACE-I"]),
], ids=["supplement-amount", "calcium-measured", "atp", "ace-i"])
def test_supplements_and_abbreviations(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


CONTEXT_CLASSES = [
    # a bracketed short form glued to a hyphen is still read as the drug's abbreviation
    ("Sedation was dexmedetomidine (DEX)-based; DEX was stopped at 24 h.", ["dexmedetomidine", "DEX", "DEX"]),
    # measured, not given: a match followed by its concentration or synthesis
    ("Mixed venous ATP plasma concentration rose, as did ATP synthesis.", []),
    ("A lidocaine concentration of 2% was used for the block.", ["lidocaine"]),
    # enzymes measured as laboratory tests
    ("Alanine aminotransferase and lactate dehydrogenase were measured weekly.", []),
    # a class naming the drug right after it is not meant itself; a class alone is
    ("They took the thiazide diuretic hydrochlorothiazide daily.", ["hydrochlorothiazide"]),
    ("Thiazide diuretics were stopped before surgery.", ["Thiazide diuretics"]),
    # a form word after a salt-free name belongs to it
    ("The blend held taurine and caffeine anhydrous.", ["taurine", "caffeine anhydrous"]),
    # the text's own abbreviation wins over the dictionary's (ASA: aspirin)
    ("Scores of the American Society of Anesthesiologists (ASA) were I-II; ASA II was most common.", []),
    ("Patients took acetylsalicylic acid (ASA) 100 mg; ASA was stopped.",
     ["acetylsalicylic acid", "ASA", "ASA"]),
    # analytes named as a variant ending in a stop-listed term, tubes, muscle stores
    ("HDL cholesterol and blood glucose were drawn into EDTA tubes.", []),
    ("Muscle phosphocreatine reserves and iron stores rose.", []),
    # proteins, enzymes and nucleic acids that no medicine source knows are not drugs
    ("F-actin foci formed and TNF mRNA and MMPs rose.", []),
    ("Children received IVIG 2 g/kg and later asparaginase.", ["IVIG", "asparaginase"]),
    # saline that flushes, rinses or dissolves is no comparator
    ("The line was flushed with 10 ml of normal saline after each dose.", []),
    ("Controls received 10 ml of normal saline.", ["normal saline"]),
]


@pytest.mark.parametrize("text,expected", CONTEXT_CLASSES, ids=[t[0][:30] for t in CONTEXT_CLASSES])
def test_context_decides_a_drug(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected


TRADEMARKS = [
    ("Each man took 300 mg/day of Vigorol™ for 6 weeks.", ["Vigorol"]),
    ("Induction used propofol (Diprivan®, AstraZeneca) at 2 mg/kg.", ["propofol", "Diprivan"]),
    ("Blood glucose rose with one of the supplements (Pumpex™) only.", ["Pumpex"]),
    ("Data were analysed with SPSS® 22 for Windows.", []),
    ("Cells were imaged on a Zeiss® microscope after 2 mg of dye.", []),
]


@pytest.mark.parametrize("text,expected", TRADEMARKS, ids=[t[0][:30] for t in TRADEMARKS])
def test_a_trademark_given_is_a_drug(nlp_rules, text, expected):
    assert drugs(nlp_rules(text)) == expected
