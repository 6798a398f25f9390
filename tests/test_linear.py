"""The base of the two linear models (extractor.learning.linear): the file, the n-gram index, the fit."""

import json
import re

import pytest

from extractor.errors import PatternFileError
from extractor.learning.claim_classifier import ClaimClassifier
from extractor.learning.direction_model import DirectionModel
from extractor.learning.linear import fit_weights, split_ngram


@pytest.mark.parametrize("model", [ClaimClassifier, DirectionModel], ids=["classifier", "direction"])
@pytest.mark.parametrize("payload, message", [
    ({"format": "other"}, "not a claimx"),
    ({"weights": {"a": True}}, "`weights` must map"),
    ({"weights": {}, "meta": []}, "`meta` must be an object"),
], ids=["format", "bool-weight", "meta"])
def test_a_bad_file_names_the_model_and_the_file(tmp_path, model, payload, message):
    data = {"format": model.FORMAT, "classes": list(model.CLASSES), **payload}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PatternFileError, match=re.escape(f"{model.WHAT} {path}: ") + f".*{re.escape(message)}"):
        model.load(path)


def test_classifier_threshold_must_be_a_number():
    with pytest.raises(PatternFileError, match="threshold"):
        ClaimClassifier.from_dict({"format": ClaimClassifier.FORMAT, "threshold": "high", "weights": {}})


@pytest.mark.parametrize("model", [ClaimClassifier({"bias": -0.5, "u:pain": 1.25}, 0.4, {"note": "x"}),
                                   DirectionModel({"u:lower": [-1.0, 2.0, 0.0]}, {"note": "x"})],
                         ids=["classifier", "direction"])
def test_file_round_trip_keeps_fields_and_key_order(tmp_path, model):
    model.save(tmp_path / "m.json")
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    extra = ["threshold"] if isinstance(model, ClaimClassifier) else ["classes"]
    assert list(data) == ["format", *extra, "meta", "weights"]
    assert type(model).load(tmp_path / "m.json") == model


def test_split_ngram():
    token = re.compile(r"[a-z]+|0|[^\sa-z0-9]")
    assert split_ngram("pain_fell", 2, token) == ("pain", "fell")
    assert split_ngram("a___b", 3, token) == ("a", "_", "b")
    assert split_ngram("a__", 2, token) == ("a", "_")
    assert split_ngram("pain", 2, token) is None and split_ngram("a_b", 3, token) is None


def test_direction_model_with_unparsed_names_scores_words_through_strings():
    model = DirectionModel({"u:lower": [0.0, 2.0, 0.0], "b:lower_x_y": [1.0, 0.0, 0.0], "rs:True": [0.0, 0.0, 1.0]})
    assert model._ngrams is None
    assert model.probabilities(["rs:True"], ["lower"]) == model.probabilities(["rs:True", "u:lower"])


def test_fit_weights_binary_and_multiclass():
    pytest.importorskip("sklearn")
    feats = [["bias", "good"], ["bias", "bad"]] * 4
    binary = fit_weights(feats, [True, False] * 4, c=1.0, min_count=1, max_iter=100, min_weight=1e-4)
    assert binary["good"] > 0 > binary["bad"]
    feats3 = [["up"], ["down"], ["same"]] * 4
    multi = fit_weights(feats3, ["increase", "decrease", "no_change"] * 4, c=1.0, min_count=1, max_iter=100,
                        min_weight=1e-3, classes=("increase", "decrease", "no_change"))
    assert max(range(3), key=multi["down"].__getitem__) == 1 and len(multi["up"]) == 3
    rare = fit_weights([["a", "rare"], ["b"]] * 2 + [["a", "once"]], [True, False, True, False, True], c=1.0,
                       min_count=2, max_iter=100, min_weight=0.0)
    assert "once" not in rare and "rare" in rare
