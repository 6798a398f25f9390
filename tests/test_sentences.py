import pytest

CASES = [
    ("Smith et al. reported it. Then it ended.", 2),
    ("We compared A vs. B in adults. It worked.", 2),
    ("Doses (e.g. 5 mg) were low. Pain fell.", 2),
    ("See Fig. 1. The curve rises.", 2),
    ("Scores fell by 2.5 points. Mood rose.", 2),
    ("This was shown in trials [8]. Later work agreed.", 2),
    ("This was shown in trials.[8] Later work agreed.", 2),
    ("Is it safe? We do not know!", 2),
    ("1. Introduction\nKetamine is an anesthetic.", 2),
    ("Heparin was given at 5000 U. Bleeding stopped.", 2),  # a unit after a number, not an initial
    ("The infusion ran at 2 L. Urine output rose.", 2),
    ("Smith J. and Jones U. reported it. We agree.", 2),  # initials stay inside the sentence
    ("In 2019 J. Smith reported it.", 1),
    ("In 2019 U. Smith reported it.", 1),  # a year, not a dose
    ("Group 2 J. Smith and coworkers.", 1),
    # a superscript citation flattened onto the full stop (PMC text) still ends the sentence
    ("The rash matched that seen with other agents.8 In this context the dose matters.", 2),
    ("Both trials agreed.12,14 The third did not.", 2),
    ("It was 2.8 In total.", 1),
    # an all-capital acronym is no title-case abbreviation (`DR.` diabetic retinopathy, not `Dr.`)
    ("Vision was kept in early DR. Also, the scores rose.", 2),
    ("Dr. Smith saw the patients.", 1),
    # a name glued by a full stop, written more than once, is no boundary; a PDF's glued stop is
    ("The Next.Step group lost weight. Next.Step was used daily.", 2),
    ("The Next.Step group lost weight.", 2),  # once: read as two glued sentences
    ("Pain fell in London.The scores rose.", 2),
    ("Pain fell.The scores rose. Pain fell.The end.", 4),
    # a letter after `vitamin`, `hepatitis` ... is a name whose stop can end a sentence; after `by` an initial
    ("The rise may be due to vitamin C. Ascorbate lowers oxidation.", 2),
    ("Most had hepatitis C. Few had cirrhosis.", 2),
    ("As reported by J. Smith the drug works.", 1),
    # `et al.` before a word that opens sentences ends one; before a year or a bracket it does not
    ("Our results match those of Smith et al. The lack of a difference may reflect the dose.", 2),
    ("As Smith et al. (2005) and Jones et al. [3] found, it works.", 1),
    # a Greek letter can open a sentence
    ("More work is needed. β2-Agonists were not used.", 2),
]


@pytest.mark.parametrize("text,n", CASES, ids=[c[0][:30] for c in CASES])
def test_sentence_count(nlp, text, n):
    assert len(list(nlp(text).sents)) == n


def test_citation_after_full_stop_stays_with_its_sentence(nlp):
    sents = [s.text for s in nlp("Shown in trials.[8] Later work agreed.").sents]
    assert sents[0].endswith("[8]")
