"""The `evidence` table: result sentences that compare two of the document's arms, with the
intervention's effect against the comparator, its statistics, time point and group sizes."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.tables.rows import EVIDENCE_COLUMNS

METHODS = ("Methods\nPatients were randomized to receive oral zolmitriptan 5 mg or placebo once daily for 12 "
           "weeks.\n\nResults\n")

CASES = [
    # (result sentence, intervention, comparator, outcome, direction, significant, p_value)
    ("Headache frequency was lower in the zolmitriptan group than in the placebo group at 12 weeks (p = 0.02).",
     "zolmitriptan", "placebo group", "Headache frequency", "decrease", True, 0.02),
    # the arm named first is the comparator: the direction is still the intervention's
    ("Pain scores were higher with placebo than with zolmitriptan (p < 0.001).",
     "zolmitriptan", "placebo", "Pain scores", "decrease", True, 0.001),
    ("Nausea rates did not differ between zolmitriptan (n = 40) and placebo (n = 41) (p = 0.40).",
     "zolmitriptan", "placebo", "Nausea rates", "no_change", False, 0.40),
]


@pytest.fixture(scope="module")
def evidence():
    import extractor

    text = METHODS + "\n".join(case[0] for case in CASES) + "\n"
    return extractor.extract_tables([text])["evidence"]


@pytest.mark.parametrize("case", CASES, ids=["lower", "comparator-first", "no-difference"])
def test_rows(evidence, case):
    sentence, intervention, comparator, outcome, direction, significant, p_value = case
    row = evidence[evidence.text == sentence]
    assert len(row) == 1, evidence.text.tolist()
    row = row.iloc[0]
    assert (row.intervention, row.comparator, row.outcome, row.direction) == (
        intervention, comparator, outcome, direction)
    assert row.significant == significant and row.p_value == pytest.approx(p_value)


def test_time_point_and_group_sizes(evidence):
    assert evidence.iloc[0].timepoint == "12 weeks"
    assert evidence.iloc[2].sample_sizes == ["n = 40", "n = 41"]


def test_effect_measure_and_interval_read_and_significance_from_the_interval():
    import extractor

    text = METHODS + "Compared with placebo, zolmitriptan reduced the risk of relapse (HR 0.61, 95% CI 0.45 to 0.83).\n"
    row = extractor.extract_tables([text])["evidence"].iloc[0]
    assert (row.effect_measure, row.effect_value, row.ci_low, row.ci_high) == ("HR", 0.61, 0.45, 0.83)
    assert row.significant  # no p-value stated; the interval excludes 1
    assert (row.intervention, row.comparator, row.direction) == ("zolmitriptan", "placebo", "decrease")


@pytest.mark.parametrize("text", [
    # background: another study's result
    "Background\nIn an earlier trial, zolmitriptan lowered headache frequency compared with placebo [4].\n",
    # one arm only: nothing compared
    METHODS + "Headache frequency fell by 30% with zolmitriptan (p = 0.01).\n",
    # the drug is the thing measured, not an arm
    METHODS + "Serum zolmitriptan levels were higher than placebo in week 2.\n",
    # the groups compared before any effect
    METHODS + "At baseline, headache frequency was higher with zolmitriptan than with placebo (p = 0.04).\n",
], ids=["background", "one-arm", "measured-drug", "baseline"])
def test_no_row(text):
    import extractor

    assert extractor.extract_tables([text])["evidence"].empty


def test_extract_writes_the_table(tmp_path):
    import pandas as pd

    paper = tmp_path / "trial.txt"
    paper.write_text(METHODS + CASES[0][0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(paper), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out" / "evidence.csv")
    assert list(table.columns) == list(EVIDENCE_COLUMNS)
    assert table.loc[0, "intervention"] == "zolmitriptan" and table.loc[0, "direction"] == "decrease"


def test_a_dose_range_is_no_odds_ratio():
    import extractor

    text = METHODS + "Fewer patients on zolmitriptan 20 or 40 mg than on placebo had a relapse (p = 0.01).\n"
    row = extractor.extract_tables([text])["evidence"].iloc[0]
    assert row.effect_measure is pd.NA and row.effect_value is pd.NA
    assert (row.intervention, row.comparator, row.direction) == ("zolmitriptan", "placebo", "decrease")


@pytest.mark.parametrize("methods, result, intervention, comparator, direction", [
    # arms that are no drugs, named by the abbreviations the allocation sentence defines
    ("Adults were randomized to cognitive behavioural therapy (CBT) or treatment as usual (TAU) for 8 weeks.",
     "Anxiety scores were lower with CBT than with TAU at 8 weeks (p = 0.01).", "CBT", "TAU", "decrease"),
    # two allocated abbreviations joined by `/` are one arm
    ("Children were randomly assigned to artesunate-mefloquine (AM) or chloroquine (CQ) plus "
     "sulfadoxine-pyrimethamine (SP).",
     "Parasite clearance was faster with AM than with CQ/SP (p < 0.001).", "AM", "CQ/SP", "increase"),
])
def test_allocated_abbreviations_are_arms(methods, result, intervention, comparator, direction):
    import extractor

    evidence = extractor.extract_tables([f"Methods\n{methods}\n\nResults\n{result}\n"])["evidence"]
    row = evidence[evidence.text == result]
    assert len(row) == 1, evidence.text.tolist()
    assert (row.intervention.iloc[0], row.comparator.iloc[0], row.direction.iloc[0]) == (
        intervention, comparator, direction)


@pytest.mark.parametrize("result, comparator, direction, p_value", [
    # the effect and p-value are the clause's that names the arms and outcome, not the next result's
    ("Remission was more frequent with zolmitriptan than with placebo (p = 0.01), whereas relapse rates "
     "did not differ (p = 0.62).", "placebo", "increase", 0.01),
    # a semicolon inside brackets does not end the clause
    ("Median survival was longer with zolmitriptan than with placebo (HR 0.61; 95% CI 0.45-0.83; p = 0.002).",
     "placebo", "increase", 0.002),
    # `non X` is the arm without X, a comparator
    ("Remission was more frequent with zolmitriptan than with the non zolmitriptan regimen (p = 0.01).",
     "non zolmitriptan", "increase", 0.01),
])
def test_the_clause_that_compares_the_arms(result, comparator, direction, p_value):
    import extractor

    methods = ("Patients were randomized to receive oral zolmitriptan 5 mg with naproxen 500 mg or placebo "
               "once daily for 12 weeks.")
    evidence = extractor.extract_tables([f"Methods\n{methods}\n\nResults\n{result}\n"])["evidence"]
    row = evidence[evidence.text == result]
    assert len(row) == 1, evidence.text.tolist()
    row = row.iloc[0]
    assert (row.intervention.lower(), row.comparator, row.direction) == ("zolmitriptan", comparator, direction)
    assert row.p_value == pytest.approx(p_value)


def test_a_drug_given_with_the_arm_is_no_comparator():
    import extractor

    methods = ("Patients were randomized to receive oral zolmitriptan 5 mg with naproxen 500 mg or placebo "
               "once daily for 12 weeks.")
    result = "Zolmitriptan combined with naproxen lowered headache days (p = 0.03)."
    evidence = extractor.extract_tables([f"Methods\n{methods}\n\nResults\n{result}\n"])["evidence"]
    # one arm named (naproxen is given with it), so no comparison: not `zolmitriptan vs naproxen`
    assert evidence[evidence.text == result].empty, evidence[["intervention", "comparator"]].values.tolist()


@pytest.mark.parametrize("text, ranges, expected", [
    ("A rose with X; B fell.", [(0, 6)], "A rose with X"),
    ("A rose (HR 2; p = 0.01); B fell.", [(0, 6)], "A rose (HR 2; p = 0.01)"),
    ("A rose, whereas B fell.", [(16, 17)], "B fell."),
    ("A rose, whereas B fell.", [(0, 1), (16, 17)], "A rose, whereas B fell."),
])
def test_clause_of(text, ranges, expected):
    from extractor.evidence.frames import clause_of

    lo, hi = clause_of(text, ranges)
    assert text[lo:hi] == expected

