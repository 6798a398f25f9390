"""Training on a corpus that annotates only some labels: its unmarked tokens may be O or a tag of
a label it does not annotate (claimx_biluo_ner), and `convert` records which labels each file has."""

from __future__ import annotations

import json

import numpy
import pytest
from spacy.tokens import DocBin

from extractor.components.biluo_ner import _partial_outside_grad, biluo_labels
from extractor.learning.ner_training import ANNOTATED_KEY, blank_claimx, convert

TAGS = biluo_labels(["CHEMICAL", "DISEASE"])  # O, B/I/L/U-CHEMICAL, B/I/L/U-DISEASE
O_OR_CHEMICAL = [0, 1, 2, 3, 4]


def softmax(z):
    e = numpy.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_is_that_of_minus_log_allowed_mass(seed):
    z = numpy.random.default_rng(seed).normal(size=(3, len(TAGS)))

    def loss(z):
        return -numpy.log(softmax(z)[:, O_OR_CHEMICAL].sum(axis=1)).sum()

    eps = 1e-6
    numeric = numpy.zeros_like(z)
    for i in range(z.shape[0]):
        for j in range(z.shape[1]):
            step = numpy.zeros_like(z)
            step[i, j] = eps
            numeric[i, j] = (loss(z + step) - loss(z - step)) / (2 * eps)
    assert numpy.allclose(_partial_outside_grad(softmax(z), O_OR_CHEMICAL), numeric, atol=1e-5)


@pytest.mark.parametrize(
    ("probs", "pushed_down"),
    [
        # all mass on O or a chemical tag: nothing to learn from a diseases-only document
        ([0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0], []),
        # mass on U-DISEASE where the corpus marks no disease: that tag is pushed down
        ([0.4, 0.0, 0.0, 0.0, 0.2, 0.0, 0.0, 0.0, 0.4], [8]),
    ],
)
def test_only_the_annotated_labels_tags_are_pushed_down(probs, pushed_down):
    grad = _partial_outside_grad(numpy.array([probs]), O_OR_CHEMICAL)[0]
    assert [j for j, g in enumerate(grad) if g > 1e-9] == pushed_down
    assert all(g <= 1e-9 for j, g in enumerate(grad) if j in O_OR_CHEMICAL)


def test_convert_records_each_files_labels(tmp_path):
    both = tmp_path / "both.jsonl"
    both.write_text(json.dumps({"text": "Cisplatin caused nephrotoxicity.", "spans": [
        {"start": 0, "end": 9, "label": "Chemical"}, {"start": 17, "end": 31, "label": "Disease"}]}) + "\n")
    diseases = tmp_path / "diseases.jsonl"
    diseases.write_text(json.dumps({"text": "Aspirin and migraine.", "spans": [
        {"start": 12, "end": 20, "label": "Disease"}]}) + "\n")
    nlp = blank_claimx()
    convert([both, diseases], tmp_path / "train.spacy", nlp)
    docs = list(DocBin().from_disk(tmp_path / "train.spacy").get_docs(nlp.vocab))
    assert [list(d.user_data[ANNOTATED_KEY]) for d in docs] == [["CHEMICAL", "DISEASE"], ["DISEASE"]]
    assert [[e.text for e in d.ents] for d in docs] == [["Cisplatin", "nephrotoxicity"], ["migraine"]]
