"""Regimen links on full-text sentences (issue 15): a placebo takes only the dose and schedule
written beside it, and a sample size outside brackets is an arm's only after `to`/`in` and its
drug (GUIDELINES.md of the regimens gold)."""

from __future__ import annotations

import pytest

from tests.test_regimens import _doc, _table

CASES = [
    # placebo coordinated with an active drug: the drug's dose and schedule are its own
    ("naltrexone 50 mg twice daily or placebo for 10 weeks",
     [("naltrexone", "DRUG"), ("50 mg", "DOSE"), ("twice daily", "FREQUENCY"), ("placebo", "DRUG"),
      ("10 weeks", "DURATION")],
     [("naltrexone", (("DOSE", ("50 mg",)), ("DURATION", ("10 weeks",)), ("FREQUENCY", ("twice daily",)))),
      ("placebo", (("DURATION", ("10 weeks",)),))]),
    ("10 , 20 or 40 mg of sertraline or placebo daily",
     [("10", "DOSE"), ("20", "DOSE"), ("40 mg", "DOSE"), ("sertraline", "DRUG"), ("placebo", "DRUG")],
     [("sertraline", (("DOSE", ("10", "20", "40 mg")),)), ("placebo", ())]),
    # ... but what is written beside the placebo is the placebo's
    ("250 ml of placebo drink", [("250 ml", "DOSE"), ("placebo", "DRUG")],
     [("placebo", (("DOSE", ("250 ml",)),))]),
    # a sample size before the drugs is the trial's
    ("n = 40 were randomised to ondansetron or placebo",
     [("n = 40", "SAMPLE_SIZE"), ("ondansetron", "DRUG"), ("placebo", "DRUG")],
     [("ondansetron", ()), ("placebo", ())]),
    ("zinc 20 mg was given to n = 52", [("zinc", "DRUG"), ("20 mg", "DOSE"), ("n = 52", "SAMPLE_SIZE")],
     [("zinc", (("DOSE", ("20 mg",)), ("SAMPLE_SIZE", ("n = 52",))))]),
    # a schedule after a placebo that ends `A <dose> or placebo` is both arms' ...
    ("etanercept 50 mg or placebo weekly", [("etanercept", "DRUG"), ("50 mg", "DOSE"), ("placebo", "DRUG"),
                                             ("weekly", "FREQUENCY")],
     [("etanercept", (("DOSE", ("50 mg",)), ("FREQUENCY", ("weekly",)))), ("placebo", (("FREQUENCY", ("weekly",)),))]),
    ("500 ml of juice or 500 ml of placebo beverage every day",
     [("500 ml", "DOSE"), ("juice", "DRUG"), ("500 ml", "DOSE"), ("placebo", "DRUG"), ("every day", "FREQUENCY")],
     [("juice", (("DOSE", ("500 ml",)), ("FREQUENCY", ("every day",)))),
      ("placebo", (("DOSE", ("500 ml",)), ("FREQUENCY", ("every day",))))]),
    # ... unless the active arm has its own
    ("metformin 850 mg twice daily , placebo twice daily",
     [("metformin", "DRUG"), ("850 mg", "DOSE"), ("twice daily", "FREQUENCY"), ("placebo", "DRUG"),
      ("twice daily", "FREQUENCY")],
     [("metformin", (("DOSE", ("850 mg",)), ("FREQUENCY", ("twice daily",)))),
      ("placebo", (("FREQUENCY", ("twice daily",)),))]),
    # `X as Y` and a drug inside the bracket right after another restate it: one regimen
    ("250 mg magnesium as magnesium oxide daily",
     [("250 mg", "DOSE"), ("magnesium", "DRUG"), ("magnesium oxide", "DRUG"), ("daily", "FREQUENCY")],
     [("magnesium", (("DOSE", ("250 mg",)), ("FREQUENCY", ("daily",)))),
      ("magnesium oxide", (("DOSE", ("250 mg",)), ("FREQUENCY", ("daily",))))]),
    ("SSRI ( 20 mg escitalopram , n = 21 ) or placebo ( n = 21 )",
     [("SSRI", "DRUG"), ("20 mg", "DOSE"), ("escitalopram", "DRUG"), ("n = 21", "SAMPLE_SIZE"), ("placebo", "DRUG"),
      ("n = 21", "SAMPLE_SIZE")],
     [("SSRI", (("DOSE", ("20 mg",)), ("SAMPLE_SIZE", ("n = 21",)))),
      ("escitalopram", (("DOSE", ("20 mg",)), ("SAMPLE_SIZE", ("n = 21",)))),
      ("placebo", (("SAMPLE_SIZE", ("n = 21",)),))]),
    # what is in the bracket after `name (ABBR)` is the named drug's
    ("lisinopril ( L ) ( 10 mg daily ) vs pravastatin ( P ) ( 20 mg daily )",
     [("lisinopril", "DRUG"), ("L", "DRUG"), ("10 mg", "DOSE"), ("daily", "FREQUENCY"), ("pravastatin", "DRUG"),
      ("P", "DRUG"), ("20 mg", "DOSE"), ("daily", "FREQUENCY")],
     [("lisinopril", (("DOSE", ("10 mg",)), ("FREQUENCY", ("daily",)))), ("L", ()),
      ("pravastatin", (("DOSE", ("20 mg",)), ("FREQUENCY", ("daily",)))), ("P", ())]),
    # an attribute in the bracket right after a drug is that drug's, not the next arm's
    ("tongkat ali ( 200 mg/day ; n = 32 ) or placebo ( n = 32 )",
     [("tongkat ali", "DRUG"), ("200 mg/day", "DOSE"), ("n = 32", "SAMPLE_SIZE"), ("placebo", "DRUG"),
      ("n = 32", "SAMPLE_SIZE")],
     [("tongkat ali", (("DOSE", ("200 mg/day",)), ("SAMPLE_SIZE", ("n = 32",)))),
      ("placebo", (("SAMPLE_SIZE", ("n = 32",)),))]),
    # bracketed doses chain through `over` to the duration of the same arm
    ("CQ ( 25 mg/kg ) over 3 days plus primaquine ( 0.5 mg/kg )",
     [("CQ", "DRUG"), ("25 mg/kg", "DOSE"), ("3 days", "DURATION"), ("primaquine", "DRUG"), ("0.5 mg/kg", "DOSE")],
     [("CQ", (("DOSE", ("25 mg/kg",)), ("DURATION", ("3 days",)))), ("primaquine", (("DOSE", ("0.5 mg/kg",)),))]),
    # `N mg of X`: the drug it is of
    ("1 g of carbohydrate , 23 mg of calcium", [("1 g", "DOSE"), ("carbohydrate", "DRUG"), ("23 mg", "DOSE"),
                                                 ("calcium", "DRUG")],
     [("carbohydrate", (("DOSE", ("1 g",)),)), ("calcium", (("DOSE", ("23 mg",)),))]),
    # what an attribute is `of` or, for a duration, `for`, across other attributes
    ("1 g ketamine bolus followed by an 8 h infusion of 1 g lidocaine",
     [("1 g", "DOSE"), ("ketamine", "DRUG"), ("8 h", "DURATION"), ("infusion", "ROUTE"), ("1 g", "DOSE"),
      ("lidocaine", "DRUG")],
     [("ketamine", (("DOSE", ("1 g",)),)),
      ("lidocaine", (("DOSE", ("1 g",)), ("DURATION", ("8 h",)), ("ROUTE", ("infusion",))))]),
    ("washout was 4 days for miotics , 2 weeks for sympathomimetics and α-agonists",
     [("4 days", "DURATION"), ("miotics", "DRUG"), ("2 weeks", "DURATION"), ("sympathomimetics", "DRUG"),
      ("α-agonists", "DRUG")],
     [("miotics", (("DURATION", ("4 days",)),)), ("sympathomimetics", (("DURATION", ("2 weeks",)),)),
      ("α-agonists", (("DURATION", ("2 weeks",)),))]),
    # the duration of the whole comparison is every arm's, not one left out
    ("a double-blind , 8-week study of losartan or olmesartan", [("8-week", "DURATION"), ("losartan", "DRUG"),
                                                                  ("olmesartan", "DRUG")],
     [("losartan", (("DURATION", ("8-week",)),)), ("olmesartan", (("DURATION", ("8-week",)),))]),
    ("For 12 weeks , one group received barley extract without catechin ; another received EGCG",
     [("12 weeks", "DURATION"), ("barley extract", "DRUG"), ("catechin", "DRUG"), ("EGCG", "DRUG")],
     [("barley extract", (("DURATION", ("12 weeks",)),)), ("catechin", ()), ("EGCG", (("DURATION", ("12 weeks",)),))]),
    # a titration target is the same drug's dose
    ("losartan 50 mg once daily titrated to 100 mg if needed or valsartan 80 mg",
     [("losartan", "DRUG"), ("50 mg", "DOSE"), ("once daily", "FREQUENCY"), ("100 mg", "DOSE"), ("valsartan", "DRUG"),
      ("80 mg", "DOSE")],
     [("losartan", (("DOSE", ("50 mg", "100 mg")), ("FREQUENCY", ("once daily",)))),
      ("valsartan", (("DOSE", ("80 mg",)),))]),
    # a schedule right after a bracket listing two arms is both arms'
    ("one infusion ( CPM : 750 mg/m2 — MP : 1 g ) every four weeks",
     [("CPM", "DRUG"), ("750 mg/m2", "DOSE"), ("MP", "DRUG"), ("1 g", "DOSE"),
      ("every four weeks", "FREQUENCY")],
     [("CPM", (("DOSE", ("750 mg/m2",)), ("FREQUENCY", ("every four weeks",)))),
      ("MP", (("DOSE", ("1 g",)), ("FREQUENCY", ("every four weeks",))))]),
    # a sample size in brackets after a population is the study's, and never a later drug's
    ("stressed adults ( N = 63 ) took ketamine", [("N = 63", "SAMPLE_SIZE"), ("ketamine", "DRUG")],
     [("ketamine", ())]),
    ("placebo ( n = 25 ) or ketorolac ( n = 26 )",
     [("placebo", "DRUG"), ("n = 25", "SAMPLE_SIZE"), ("ketorolac", "DRUG"), ("n = 26", "SAMPLE_SIZE")],
     [("placebo", (("SAMPLE_SIZE", ("n = 25",)),)), ("ketorolac", (("SAMPLE_SIZE", ("n = 26",)),))]),
]


@pytest.mark.parametrize("text,marks,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_arm_links(text, marks, expected):
    assert _table(_doc(text, marks)) == expected


PHRASES = [
    # an attribute goes to the drug of its own coordinated phrase
    ("Children received oral cefixime 8 mg/kg once daily for 7 days or intravenous cefotaxime 50 mg/kg every 8 hours.",
     {"cefixime": {"ROUTE": ["oral"], "DOSE": ["8 mg/kg"], "FREQUENCY": ["once daily"], "DURATION": ["7 days"]},
      "cefotaxime": {"ROUTE": ["intravenous"], "DOSE": ["50 mg/kg"], "FREQUENCY": ["every 8 hours"]}}),
    # how long a disease has lasted is not a treatment's duration
    ("Patients with eczema present for less than six months were given prednisolone 20 mg daily for 2 weeks.",
     {"prednisolone": {"DOSE": ["20 mg"], "FREQUENCY": ["daily"], "DURATION": ["2 weeks"]}}),
    ("Adults with symptoms lasting more than 3 months received topical tacrolimus twice daily.",
     {"tacrolimus": {"ROUTE": ["topical"], "FREQUENCY": ["twice daily"]}}),
    # a route that ends a list whose items have no route of their own is every item's
    ("Patients were premedicated with famotidine 20 mg, ondansetron 4 mg and midazolam 2 mg IV.",
     {"famotidine": {"DOSE": ["20 mg"], "ROUTE": ["IV"]}, "ondansetron": {"DOSE": ["4 mg"], "ROUTE": ["IV"]},
      "midazolam": {"DOSE": ["2 mg"], "ROUTE": ["IV"]}}),
    # a schedule after `X or placebo` is shared by both
    ("Patients took 5 mg rosuvastatin or placebo once daily for four weeks.",
     {"rosuvastatin": {"DOSE": ["5 mg"], "FREQUENCY": ["once daily"], "DURATION": ["four weeks"]},
      "placebo": {"FREQUENCY": ["once daily"], "DURATION": ["four weeks"]}}),
]


@pytest.mark.parametrize("text,expected", PHRASES, ids=[p[0][:30] for p in PHRASES])
def test_attributes_of_their_own_phrase(nlp_rules, text, expected):
    from extractor.components.regimens import doc_regimens

    got = {r.drug.text: {k: [s.text for s in v] for k, v in r.links.items()} for r in doc_regimens(nlp_rules(text))}
    assert got == expected


FULL_TEXT = [
    # saline as the vehicle of a drug is no comparator
    ("The intervention was 1 gram methylprednisolone in Normal saline given as an IV infusion.",
     {"methylprednisolone": {"DOSE": ["1 gram"], "ROUTE": ["IV infusion"]}}),
    # an item with its own route keeps it
    ("We compared three daily infusions of IV methylprednisolone and oral prednisolone.",
     {"methylprednisolone": {"FREQUENCY": ["daily"], "ROUTE": ["infusions", "IV"]},
      "prednisolone": {"FREQUENCY": ["daily"], "ROUTE": ["oral"]}}),
    # an outcome's time is no treatment's duration
    ("The median time from enrolment to the deterioration requiring additional prednisolone was 152 days for BT "
     "patients, 138 days for BB patients and 313 days for those with LL.", {"prednisolone": {}}),
    # `a 16 week course of X`: X's
    ("We compared infusions of IV methylprednisolone with a 16 week course of oral prednisolone alone.",
     {"methylprednisolone": {"ROUTE": ["infusions", "IV"]},
      "prednisolone": {"DURATION": ["16 week"], "ROUTE": ["oral"]}}),
    ("The 12 month incidence of clinical malaria in the placebo arms was low.", {"placebo": {}}),
    # a sentence naming one drug: a far attribute is still its
    ("The intervention, tranexamic acid, was given intravenously as a 1 g loading dose infused over 10 min, "
     "followed by another 1 g after the first dose was finished, which was then infused over 8 h.",
     {"tranexamic acid": {"ROUTE": ["intravenously", "infused", "infused"], "DOSE": ["1 g", "1 g"],
                          "DURATION": ["10 min", "8 h"]}}),
    # `5 MUI`: million units
    ("Patients received alpha-2b interferon 5 MUI three times per week.",
     {"interferon": {"DOSE": ["5 MUI"], "FREQUENCY": ["three times per week"]}}),
    # the infusions a pharmacist mixed are no route
    ("The pharmacist mixed the study infusions and dispensed the prednisolone.", {"prednisolone": {}}),
]


@pytest.mark.parametrize("text,expected", FULL_TEXT, ids=[p[0][:30] for p in FULL_TEXT])
def test_full_text_rows(nlp_rules, text, expected):
    from extractor.components.regimens import doc_regimens

    doc = nlp_rules(text)
    got = {r.drug.text: {k: [s.text for s in v] for k, v in r.links.items()} for r in doc_regimens(doc)}
    assert got == expected
