"""Arm names defined away from their use (issue 15): a key line (`AQ: amodiaquine`) and codes
joined by `+` (`AS+AQ`); and the schedule of each arm in a list of arms with their results."""

from __future__ import annotations

import pytest

KEYS = [
    ("AQ: amodiaquine, SP: sulphadoxine pyrimethamine. SP+AQ was given monthly.",
     ["AQ", "amodiaquine", "SP", "sulphadoxine", "pyrimethamine", "SP+AQ"]),
    # not a key: the letters are not the drug's, or no drug follows the colon
    ("BP: aspirin was stopped.", ["aspirin"]),
    ("Outcome: aspirin users fared better.", ["aspirin"]),
]


@pytest.mark.parametrize("text,expected", KEYS, ids=[k[0][:30] for k in KEYS])
def test_key_lines_name_drugs(nlp_rules, text, expected):
    doc = nlp_rules(text)
    assert [s.text for s in doc.spans["drugs"]] == expected


def test_each_arm_keeps_its_own_schedule(nlp_rules):
    from extractor.components.regimens import doc_regimens

    doc = nlp_rules("AQ: amodiaquine, SP: sulphadoxine pyrimethamine. Anaemia was similar "
                    "(SP bimonthly 12%, AS+AQ bimonthly 15%, AS+AQ monthly 10%, placebo 12%).")
    got = [(r.drug.text, [s.text for s in r.links.get("FREQUENCY", [])]) for r in doc_regimens(doc)
           if r.drug.start > 10]
    assert got == [("SP", ["bimonthly"]), ("AS+AQ", ["bimonthly"]), ("AS+AQ", ["monthly"]), ("placebo", [])]
