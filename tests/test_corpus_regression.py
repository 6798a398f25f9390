"""The project's own regression suite: the default pipeline on corpus/gold.jsonl must not fall
below corpus/baseline.json on any label (strict or lenient F1, attribute accuracies).

After an intended change of scores, regenerate and commit the baseline:
    claimx evaluate corpus/gold.jsonl --save-baseline corpus/baseline.json
"""

import json

import pytest

from extractor.evaluation import evaluate, load_baseline, read_gold, regressions, stale_baseline
from tests.conftest import ROOT

GOLD = ROOT / "corpus" / "gold.jsonl"
BASELINE = ROOT / "corpus" / "baseline.json"
TEXTS = ROOT / "corpus" / "texts"
REGENERATE = "claimx evaluate corpus/gold.jsonl --save-baseline corpus/baseline.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="corpus/gold.jsonl does not exist yet")


def _baseline_labels() -> list[str]:
    try:
        return sorted(json.loads(BASELINE.read_text(encoding="utf-8"))["labels"])
    except (OSError, ValueError, KeyError):
        return ["<no readable baseline>"]


def _gold_ids() -> list[str]:
    if not GOLD.exists():
        return []
    return [d.id for d in read_gold([GOLD]).documents]


@pytest.fixture(scope="module")
def corpus_evaluation(nlp):
    return evaluate([GOLD], nlp=nlp, model="default")


@pytest.mark.parametrize("label", _baseline_labels())
def test_no_regression_against_the_committed_baseline(corpus_evaluation, label):
    if not BASELINE.exists():
        pytest.fail(f"{BASELINE.relative_to(ROOT)} is missing: run `{REGENERATE}` and commit it")
    baseline = load_baseline(BASELINE)
    one_label = {**baseline, "labels": {label: baseline["labels"][label]}}
    assert regressions(corpus_evaluation, one_label, tolerance=0.0) == [], (
        f"if the change is intended, run `{REGENERATE}` and commit the new baseline")


def test_baseline_was_made_on_this_gold(corpus_evaluation):
    if not BASELINE.exists():
        pytest.skip("no baseline yet (the regression test above fails with the command to make one)")
    stale = stale_baseline(corpus_evaluation, load_baseline(BASELINE))
    assert stale is None, f"{stale}; run `{REGENERATE}` and commit it"


@pytest.mark.parametrize("doc_id", _gold_ids())
def test_gold_record_matches_its_text_file(doc_id):
    """`claimx extract corpus/texts` names documents by file stem, so its tables score with --pred."""
    (doc,) = [d for d in read_gold([GOLD]).documents if d.id == doc_id]
    path = TEXTS / f"{doc_id}.txt"
    assert path.exists(), f"gold record {doc_id!r} has no {path.relative_to(ROOT)}"
    assert path.read_text(encoding="utf-8") == doc.text
