"""benchmarks/ner_dev.py scores a corpus only on the labels it annotates."""

import importlib.util

import pytest

from extractor.learning.ner_training import annotated_labels
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("ner_dev", ROOT / "benchmarks" / "ner_dev.py")
ner_dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ner_dev)

GOLD = [{(0, 5, "DISEASE"), (10, 20, "DISEASE")}]
PRED = [{(0, 5, "DISEASE"), (30, 35, "CHEMICAL"), (40, 45, "DISEASE")}]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (("DISEASE",), {"DISEASE": (1, 1, 1), "ALL": (1, 1, 1)}),
        (("CHEMICAL", "DISEASE"), {"CHEMICAL": (0, 1, 0), "DISEASE": (1, 1, 1), "ALL": (1, 2, 1)}),
    ],
)
def test_score_counts_only_the_annotated_labels(labels, expected):
    scores = ner_dev.score(GOLD, PRED, labels)
    assert {k: (v["tp"], v["fp"], v["fn"]) for k, v in scores.items()} == expected


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([(0, 5, "DISEASE")], ("DISEASE",)),
        ([(0, 5, "DISEASE"), (6, 9, "CHEMICAL")], ("CHEMICAL", "DISEASE")),
    ],
)
def test_annotated_labels_are_those_with_spans(spans, expected):
    assert annotated_labels([{"text": "x" * 10, "spans": spans}, {"text": "y", "spans": []}]) == expected
