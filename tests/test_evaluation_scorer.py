"""The scorer on hand-computed cases: every expected count below was worked out by hand."""

import random

import pytest

from extractor.evaluation.gold import Annotation, GoldDocument
from extractor.evaluation.scorer import Counts, attribute_correct, context_window, match, score_documents

TEXT = "x" * 200


def doc(spans, doc_id="d1", text=TEXT):
    return GoldDocument(doc_id, text, [Annotation(s, e, label) for s, e, label in spans])


def preds(spans):
    return [Annotation(s, e, label) for s, e, label in spans]


def counts(c: Counts):
    return (c.tp, c.fp, c.fn)


# (gold, predictions, strict tp/fp/fn, lenient tp/fp/fn)
CASES = [
    ("perfect", [(0, 5, "DRUG"), (10, 15, "DRUG")], [(0, 5, "DRUG"), (10, 15, "DRUG")], (2, 0, 0), (2, 0, 0)),
    ("gold duplicate counts once", [(0, 5, "DRUG"), (0, 5, "DRUG")], [(0, 5, "DRUG")], (1, 0, 0), (1, 0, 0)),
    ("predicted duplicate counts once", [(0, 5, "DRUG")], [(0, 5, "DRUG"), (0, 5, "DRUG")], (1, 0, 0), (1, 0, 0)),
    ("boundary: overlap only", [(0, 10, "DRUG")], [(2, 10, "DRUG")], (0, 1, 1), (1, 0, 0)),
    ("touching is not overlapping", [(0, 5, "DRUG")], [(5, 9, "DRUG")], (0, 1, 1), (0, 1, 1)),
    ("nested gold, inner predicted", [(0, 20, "DRUG"), (5, 10, "DRUG")], [(5, 10, "DRUG")], (1, 0, 1), (1, 0, 1)),
    ("nested gold, both predicted loosely", [(0, 20, "DRUG"), (5, 10, "DRUG")], [(0, 20, "DRUG"), (6, 10, "DRUG")],
     (1, 1, 1), (2, 0, 0)),
    ("one long prediction covers two gold", [(0, 5, "DRUG"), (6, 10, "DRUG")], [(0, 10, "DRUG")],
     (0, 1, 2), (1, 0, 1)),
    ("greedy by overlap size", [(0, 10, "DRUG")], [(0, 4, "DRUG"), (2, 10, "DRUG")], (0, 2, 1), (1, 1, 0)),
    ("exact pairs before bigger overlaps", [(0, 10, "DRUG"), (0, 4, "DRUG")], [(0, 4, "DRUG"), (0, 12, "DRUG")],
     (1, 1, 1), (2, 0, 0)),
    ("overlapping predictions, one gold", [(3, 8, "DRUG")], [(0, 6, "DRUG"), (4, 12, "DRUG")], (0, 2, 1), (1, 1, 0)),
    ("labels never cross", [(0, 5, "DRUG")], [(0, 5, "DOSE")], (0, 0, 1), (0, 0, 1)),
    ("empty predictions", [(0, 5, "DRUG"), (7, 9, "DRUG")], [], (0, 0, 2), (0, 0, 2)),
    ("empty gold", [], [(0, 5, "DRUG"), (7, 9, "DRUG")], (0, 2, 0), (0, 2, 0)),
]


@pytest.mark.parametrize("gold,pred,strict,lenient", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_counts(gold, pred, strict, lenient):
    scores = score_documents([doc(gold)], {"d1": preds(pred)}, ["DRUG"])
    assert counts(scores.labels["DRUG"].strict) == strict
    assert counts(scores.labels["DRUG"].lenient) == lenient


def test_nested_lenient_pairs_are_the_closest():
    strict, lenient = match([(0, 20), (5, 10)], [(0, 20), (6, 10)])
    assert strict == [(0, 0)]
    assert lenient == [(0, 0), (1, 1)]


def test_duplicates_are_reported():
    scores = score_documents([doc([(0, 5, "DRUG"), (0, 5, "DRUG")])], {"d1": preds([(0, 5, "DRUG")] * 3)}, ["DRUG"])
    assert (scores.duplicates_gold, scores.duplicates_pred) == (1, 2)


@pytest.mark.parametrize("c,expected", [
    (Counts(2, 1, 1), (2 / 3, 2 / 3, 2 / 3)),
    (Counts(1, 0, 1), (1.0, 0.5, 2 / 3)),
    (Counts(0, 0, 3), (0.0, 0.0, 0.0)),  # no predictions: P is 0
    (Counts(0, 3, 0), (0.0, 0.0, 0.0)),  # no gold: R is 0
    (Counts(0, 0, 0), (None, None, None)),  # neither: no score
], ids=["mixed", "half-recall", "no-predictions", "no-gold", "nothing"])
def test_precision_recall_f1(c, expected):
    got = (c.precision, c.recall, c.f1)
    if expected[0] is None:
        assert got == expected
    else:
        assert got == pytest.approx(expected)


def test_micro_and_macro_totals():
    # DRUG: tp 2 fp 1 fn 1 -> P 2/3 R 2/3;  DOSE: tp 1 fp 0 fn 1 -> P 1 R 1/2
    gold = doc([(0, 5, "DRUG"), (10, 15, "DRUG"), (20, 25, "DRUG"), (30, 35, "DOSE"), (40, 45, "DOSE")])
    pred = preds([(0, 5, "DRUG"), (10, 15, "DRUG"), (50, 55, "DRUG"), (30, 35, "DOSE")])
    scores = score_documents([gold], {"d1": pred}, ["DRUG", "DOSE"])
    micro = scores.micro("strict")
    assert counts(micro) == (3, 1, 2)
    assert (micro.precision, micro.recall) == pytest.approx((0.75, 0.6))
    assert micro.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    macro = scores.macro("strict")
    assert macro["precision"] == pytest.approx((2 / 3 + 1) / 2)
    assert macro["recall"] == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert macro["f1"] == pytest.approx(2 / 3)


def test_macro_leaves_out_labels_without_any_span():
    scores = score_documents([doc([(0, 5, "DRUG")])], {"d1": preds([(0, 5, "DRUG")])}, ["DRUG", "DOSE"])
    assert scores.labels["DOSE"].strict.f1 is None
    assert scores.macro("strict")["f1"] == 1.0


def test_documents_on_one_side_only():
    gold = [doc([(0, 5, "DRUG")], "a"), doc([(0, 5, "DRUG")], "b")]
    # "b" has no predictions at all; "z" has predictions but no gold and is not scored
    scores = score_documents(gold, {"a": preds([(0, 5, "DRUG")]), "z": preds([(0, 5, "DRUG")])}, ["DRUG"])
    assert counts(scores.labels["DRUG"].strict) == (1, 0, 1)
    assert [(e.doc_id, e.kind) for e in scores.errors] == [("b", "missed")]


def test_every_error_has_document_offsets_and_context():
    text = "Aspirin 100 mg daily was compared with placebo."
    gold = GoldDocument("t", text, [Annotation(0, 7, "DRUG"), Annotation(8, 14, "DOSE")])
    pred = {"t": [Annotation(0, 7, "DRUG"), Annotation(8, 11, "DOSE"), Annotation(39, 46, "DRUG")]}
    scores = score_documents([gold], pred, ["DRUG", "DOSE"])
    got = sorted((e.kind, e.label, e.start, e.end, e.pred_start) for e in scores.errors)
    assert got == [("boundary", "DOSE", 8, 14, 8), ("spurious", "DRUG", 39, 46, None)]
    spurious = next(e for e in scores.errors if e.kind == "spurious")
    assert spurious.context == "Aspirin 100 mg daily was compared with [[placebo]]."


def test_context_window_is_one_line():
    assert context_window("a\nb  c DRUG d\ne", 7, 11, width=6) == "… b c [[DRUG]] d e"
    assert context_window("0123456789DRUG0123456789", 10, 14, width=3) == "…789[[DRUG]]012…"


@pytest.mark.parametrize("name,gold,pred,ok", [
    ("norm_value", 28, 28.0, True),
    ("norm_value", 0.35, 0.3502, True),  # within 1 %
    ("norm_value", 0.35, 0.5, False),
    ("norm_value", 28, None, False),
    ("value", "42", 42, True),
    ("value", "low", "Low", True),
    ("refs", ["3", "4", "5"], "3;4;5", True),  # CSV join
    ("refs", [3, 4, 5], ["5", "4", "3"], True),
    ("refs", ["3", "4", "5"], ["3", "5"], False),
    ("concept_id", ["D003866"], "MESH:D003866", True),
    ("concept_id", ["D002318", "D012131"], "D012131", True),  # composite mention: any of its ids
    ("concept_id", "D003866", None, False),
    ("negated", True, "true", True),
    ("negated", False, None, True),
    ("direction", "decrease", "Decrease", True),
    ("direction", "decrease", "unknown", False),
    ("significant", False, "false", True),
    ("significant", True, "", False),
], ids=lambda v: str(v))
def test_attribute_correct(name, gold, pred, ok):
    assert attribute_correct(name, gold, pred, rel_tol=0.01) is ok


def test_attributes_scored_over_lenient_pairs_where_gold_has_them():
    text = "Ketamine 0.35 mg/kg/h for 4.2 days."
    gold = GoldDocument("k", text, [Annotation(9, 21, "DOSE", {"norm_value": 0.35, "norm_unit": "mg/kg/h"}),
                                    Annotation(22, 34, "DURATION", {"norm_value": 4.2, "norm_unit": "d"})])
    pred = {"k": [Annotation(9, 21, "DOSE", {"norm_value": 0.35, "norm_unit": "mg/kg/h"}),
                  Annotation(26, 34, "DURATION", {"norm_value": 4.0, "norm_unit": "d"})]}
    scores = score_documents([gold], pred, ["DOSE", "DURATION"])
    dur = scores.labels["DURATION"].attributes
    assert (dur["norm_value"].correct, dur["norm_value"].total) == (0, 1)
    assert (dur["norm_unit"].correct, dur["norm_unit"].total) == (1, 1)
    assert scores.labels["DOSE"].attributes["norm_value"].accuracy == 1.0
    wrong = [e for e in scores.errors if e.kind == "attribute"]
    assert [(e.attribute, e.gold_value, e.pred_value) for e in wrong] == [("norm_value", 4.2, 4.0)]


@pytest.mark.parametrize("seed", range(20))
def test_lenient_is_one_to_one_and_never_below_strict(seed):
    rng = random.Random(seed)

    def spans(n):
        out = set()
        while len(out) < n:
            s = rng.randrange(0, 90)
            out.add((s, s + rng.randrange(1, 12)))
        return sorted(out)

    gold, pred = spans(rng.randrange(0, 15)), spans(rng.randrange(0, 15))
    strict, lenient = match(gold, pred)
    assert set(strict) <= set(lenient)
    assert len({i for i, _ in lenient}) == len(lenient) == len({j for _, j in lenient})
    assert all(min(gold[i][1], pred[j][1]) > max(gold[i][0], pred[j][0]) for i, j in lenient)
    # the same greedy matching, by brute force over every pair
    taken = [(i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if g == p]
    cands = sorted((-(min(g[1], p[1]) - max(g[0], p[0])), abs(g[0] - p[0]) + abs(g[1] - p[1]), g[0], p[0], i, j)
                   for i, g in enumerate(gold) for j, p in enumerate(pred)
                   if min(g[1], p[1]) > max(g[0], p[0]) and g != p)
    for *_, i, j in cands:
        if all(i != a and j != b for a, b in taken):
            taken.append((i, j))
    assert lenient == sorted(taken)
