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
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_event_time_points(text, expected):
    assert [(text[q.start:q.end], q.label) for q in find_times(text)] == expected


def test_an_assay_count_is_not_a_sample_size():
    from extractor.components.quantities import find_quantities

    text = "Inter-assay variability (n = 8) was below 10%, in 40 patients."
    assert [(text[q.start:q.end], q.label) for q in find_quantities(text) if q.label == "SAMPLE_SIZE"] == [
        ("40 patients", "SAMPLE_SIZE")]
