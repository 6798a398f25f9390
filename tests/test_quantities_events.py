"""Time points set by a clinical event (issue 15; regimens GUIDELINES.md: `6 weeks post-treatment`
is one TIMEPOINT): `before induction`, `after extubation`, and a time before or after one."""

from __future__ import annotations

import pytest

from extractor.components.quantities import find_times

CASES = [
    ("Blood was sampled before induction and after extubation.",
     [("before induction", "TIMEPOINT"), ("after extubation", "TIMEPOINT")]),
    ("Midazolam was given 30 min before induction of anaesthesia.",
     [("30 min before induction of anaesthesia", "TIMEPOINT")]),
    ("Glucose was read just before breakfast and 1 h after exercise.",
     [("just before breakfast", "TIMEPOINT"), ("1 h after exercise", "TIMEPOINT")]),
    ("Scores improved from baseline to week 12.", [("baseline", "TIMEPOINT"), ("week 12", "TIMEPOINT")]),
    # after a duration the event only anchors it
    ("Patients were treated for 6 weeks after surgery.", [("6 weeks", "DURATION")]),
    ("The induction regimen and the surgery itself were described.", []),
    ("Saline was given intravenously before end of the surgical procedure.",
     [("before end of the surgical procedure", "TIMEPOINT")]),
    ("A blood sample was obtained prior to administration of the study agent.",
     [("prior to administration of the study agent", "TIMEPOINT")]),
    # full-text time points (issue 15): a bracketed baseline, two points named by their unit, an
    # ordinal day with a modifier, a time before surgery written as an adverb
    ("Samples were taken before breakfast (baseline) and after warm-up.",
     [("before breakfast", "TIMEPOINT"), ("baseline", "TIMEPOINT"), ("after warm-up", "TIMEPOINT")]),
    ("HDL rose from week 0 to week 12.", [("week 0", "TIMEPOINT"), ("week 12", "TIMEPOINT")]),
    ("Pain was rated on the 14th postoperative day.", [("14th postoperative day", "TIMEPOINT")]),
    ("It was given 1-hour preoperatively.", [("1-hour", "TIMEPOINT")]),
    # an ordinal period after a duration cue is how long, not when
    ("Infusions were given every eight weeks for the second year.", [("second year", "DURATION")]),
    # `day 1 and 5-fluorouracil`: a drug name is no second day
    ("Cisplatin was given on day 1 and 5-fluorouracil on days 1–5.",
     [("day 1", "TIMEPOINT"), ("days 1–5", "TIMEPOINT")]),
    # `repeated on a three-week cycle`: a schedule (claimx_dosing's FREQUENCY), not a time point
    ("Dacarbazine was repeated on a three-week cycle.", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_event_time_points(text, expected):
    assert [(text[q.start:q.end], q.label) for q in find_times(text)] == expected


def test_an_assay_count_is_not_a_sample_size():
    from extractor.components.quantities import find_quantities

    text = "Inter-assay variability (n = 8) was below 10%, in 40 patients."
    assert [(text[q.start:q.end], q.label) for q in find_quantities(text) if q.label == "SAMPLE_SIZE"] == [
        ("40 patients", "SAMPLE_SIZE")]
