"""Substances at the bench are not drugs given (regimens GUIDELINES.md: laboratory reagents,
media and molecules studied are no DRUG): a laboratory step's chemicals are reagents, and in a
laboratory study a substance is a drug only where the text gives it to someone."""

from __future__ import annotations

import pytest


def drugs(doc):
    return [s.text for s in doc.spans["drugs"]]


def test_outside_a_laboratory_study_a_bench_sentence_keeps_its_drug(nlp_rules):
    # a commentary reporting an in-vitro finding names the drug it is about
    assert drugs(nlp_rules("In one study, cannabidiol lowered responses in cultured neurons.")) == ["cannabidiol"]


LAB_STUDY = (
    "Strains were grown overnight and cultured in medium without iron. "
    "Cells were centrifuged and lysed, and the lysates were stained. "
    "Mutants were transfected with a plasmid and seeded in plates. "
    "Iron uptake fell in the mutant, and the cells took up less heme. "
    "Free iron is scarce in the host, and siderophores scavenge what remains. "
    "The cft1 mutant was attenuated in a mouse model of cryptococcosis. "
    "Mice were given fluconazole 10 mg/kg daily, and fluconazole cleared the yeast. "
    "Cells were then incubated with 10 µM fluconazole and DMSO. "
)


def test_in_a_laboratory_study_only_what_is_given_is_a_drug(nlp_rules):
    # iron, heme, siderophores and yeast are studied, DMSO is a reagent; fluconazole is given,
    # but not in the incubation step
    assert drugs(nlp_rules(LAB_STUDY)) == ["fluconazole", "fluconazole"]


def test_a_clinical_text_keeps_its_substances(nlp_rules):
    text = ("Patients were randomized to iron or placebo. Iron was well tolerated at 12 weeks. "
            "Iron was stopped in three patients.")
    assert drugs(nlp_rules(text)) == ["iron", "placebo", "Iron", "Iron"]


@pytest.mark.parametrize("text,expected", [
    ("T cells were stimulated with OKT3 (red) and the red signal was measured.", ["OKT3"]),
    ("The nucleotide and the phosphopeptide bound the domain.", []),
    ("Luminal pH was low in the luminal compartment.", []),
], ids=["colour-key", "generic-tide-words", "luminal"])
def test_generic_words_are_not_drugs(nlp, text, expected):
    assert drugs(nlp(text)) == expected
