"""The learned direction model (models/claims/direction.json, `claimx train direction`) and the
clause-limited negated/hedged flags of claims."""

import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.components.claims import assess, clause_context, direction_features, direction_parts, load_rules
from extractor.errors import PatternFileError, UsageError
from extractor.learning.direction_model import CLASSES, DirectionModel, read_passages, shipped_path
from tests.conftest import DATA, require_shared


# (sentence, direction with the shipped model, direction of the rules alone)
@pytest.mark.parametrize("text,learned,rules_only", [
    ("Pain scores were significantly lower in the ketamine group (p < 0.01).", "decrease", "decrease"),
    ("There was no significant difference in nausea between groups.", "no_change", "no_change"),
    ("Mortality was higher with placebo than with the drug.", "decrease", "decrease"),
    ("Ketamine is an NMDA receptor antagonist.", "unknown", "unknown"),
    ("Further controlled trials comparing low vs. high doses are needed.", "unknown", "unknown"),
    # the model fills in what the rules leave unknown when significance is stated (from the words: it
    # does not compare the numbers; `45% ... and 20%` came out 0.50 / 0.48 either way)
    ("Response was 61% with the drug and 33% with placebo (p = 0.01).", "increase", "unknown"),
], ids=["lower", "no-difference", "placebo-subject", "background", "recommendation", "numbers-only"])
def test_learned_direction(text, learned, rules_only):
    assert (assess(text).direction, assess(text, model=None).direction) == (learned, rules_only)


def test_rule_direction_is_kept_beside_the_learned_one():
    found = assess("There was no significant difference in nausea between groups.")
    assert found.rule_direction == "no_change" and found.claim_type == "finding"


def test_direction_features_name_the_rules_findings():
    feats = direction_features("Pain was lower with placebo than with ketamine (p = 0.01).", load_rules())
    assert {"rd:increase", "rs:True", "flip"} <= set(feats) and "u:placebo" in feats


@pytest.mark.parametrize("text", ["Pain was significantly lower with ketamine than with placebo (p < 0.01).",
                                  "Nausea did not differ between the groups.", "Sleep improved <= 3 nights."],
                         ids=["decrease", "no-change", "comparison-sign"])
def test_model_scores_words_as_their_feature_strings(text):
    model = DirectionModel.load(shipped_path())
    feats, words = direction_parts(text)
    assert not any(f.startswith(("u:", "b:")) for f in feats) and words
    fast = model.probabilities(feats, words)
    slow = model.probabilities(direction_features(text))
    assert fast == pytest.approx(slow, abs=1e-12)


def test_direction_model_round_trip(tmp_path):
    model = DirectionModel({"u:lower": [-1.0, 2.0, 0.0], "rs:False": [0.0, 0.0, 3.0]}, {"note": "x"})
    model.save(tmp_path / "d.json")
    again = DirectionModel.load(tmp_path / "d.json")
    assert again.weights == model.weights and again.meta == {"note": "x"}
    assert again.predict(["u:lower"])[0] == "decrease" and again.predict(["u:lower", "rs:False"])[0] == "no_change"
    assert abs(sum(again.probabilities(["u:lower"]).values()) - 1) < 1e-9


@pytest.mark.parametrize("payload", [
    {"weights": {}},
    {"format": "claimx.direction_model.v1", "classes": ["up", "down"], "weights": {}},
    {"format": "claimx.direction_model.v1", "classes": list(CLASSES), "weights": {"a": [1, 2]}},
    {"format": "claimx.direction_model.v1", "classes": list(CLASSES), "weights": {"a": ["x", 1, 2]}},
], ids=["no-format", "wrong-classes", "two-weights", "string-weight"])
def test_direction_model_rejects_bad_files(tmp_path, payload):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(PatternFileError):
        DirectionModel.load(path)


def test_direction_model_missing_file(tmp_path):
    with pytest.raises(PatternFileError, match="missing"):
        DirectionModel.load(tmp_path / "none.json")


def test_shipped_direction_model_loads():
    assert len(DirectionModel.load(shipped_path()).weights) > 1000


def _passages(tmp_path, effects):
    texts = {"significantly_increased": "Pain relief was significantly higher with drug {i} (p < 0.01).",
             "significantly_decreased": "Pain was significantly lower with drug {i} (p < 0.01).",
             "no_significant_difference": "Pain did not differ with drug {i} (p = 0.4)."}
    spans = [{"label": "EVIDENCE", "text": texts[e].format(i=i), "effect": e}
             for i in range(4) for e in effects]
    path = tmp_path / "ei.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "", "spans": spans}) + "\n")
    return path


def test_read_passages_rejects_unknown_effects(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"spans": [{"label": "EVIDENCE", "text": "x", "effect": "odd"}]}) + "\n")
    with pytest.raises(UsageError, match="line 1"):
        read_passages(path)


def test_train_direction_small_corpus(tmp_path):
    pytest.importorskip("sklearn")
    path = _passages(tmp_path, ["significantly_increased", "significantly_decreased", "no_significant_difference"])
    out = tmp_path / "d.json"
    result = CliRunner().invoke(app, ["train", "direction", "--train", str(path), "--dev", str(path),
                                      "--out", str(out), "--min-count", "1"])
    assert result.exit_code == 0, result.output
    assert "dev\taccuracy" in result.output and DirectionModel.load(out).weights


@pytest.mark.parametrize("args,message", [
    (["--min-count", "0"], "must be"),
    (["--c", "0"], "must be"),
], ids=["zero-count", "zero-c"])
def test_train_direction_bad_options(tmp_path, args, message):
    path = _passages(tmp_path, ["significantly_increased"])
    result = CliRunner().invoke(app, ["train", "direction", "--train", str(path), "--out", str(tmp_path / "d.json"),
                                      *args])
    assert result.exit_code == 2 and message in result.output


def test_train_direction_needs_all_effects(tmp_path):
    pytest.importorskip("sklearn")
    path = _passages(tmp_path, ["significantly_increased", "significantly_decreased"])
    result = CliRunner().invoke(app, ["train", "direction", "--train", str(path), "--out", str(tmp_path / "d.json")])
    assert result.exit_code == 2 and "all three" in result.output


def test_train_direction_missing_data(tmp_path):
    result = CliRunner().invoke(app, ["train", "direction", "--train", str(tmp_path / "none.jsonl"),
                                      "--out", str(tmp_path / "d.json")])
    assert result.exit_code == 2 and "not found" in result.output


# --- negated / hedged follow the clause that carries the claim's effect ----------------------

@pytest.mark.parametrize("text,negated,hedged", [
    ("Although the drug did not change sleep, pain scores were significantly lower in the ketamine group "
     "(p < 0.01).", False, False),
    ("Pain scores were significantly lower with ketamine, but the authors did not address function.", False, False),
    ("There was no significant improvement in function with ketamine.", True, False),
    ("Pain scores were significantly lower with ketamine (p < 0.01), as reportedly seen in earlier cohorts.",
     False, False),
    # a hedge in a clause of its own (`which may ...`) does not make the effect it follows a hypothesis
    ("Ketamine significantly reduced pain scores, which may reflect central sensitization.", False, False),
    ("Ketamine may reduce pain scores in these patients.", False, True),
    ("These findings suggest that ketamine reduces pain scores.", False, True),
    ("We hypothesize that ketamine resets central sensitization.", False, True),  # no effect word: the sentence
    ("Walking distance did not improve, although pain was possibly lower (p = 0.04).", False, True),
    # `suggest that` governs its whole complement, past commas
    ("Our data suggest that the mutant grows poorly in serum, consistent with a reduced uptake of iron.",
     False, True),
    # an insertion between the subject and its hedged verb leaves the hedge the main clause's
    ("This delay, contrary to what we expected, suggests that some patients may have disliked the letter.",
     False, True),
    # a lead clause (`Given that ...,`) is not the main clause the hedge must be in
    ("Given that the app is already used in many clinics, the programme could well be a feasible option.",
     False, True),
    # a clause joined by `and` is no insertion: the trailing `probably` hedges only its own clause
    ("NO2 levels were constant, and O3 levels decreased further during filtration of the inlet air, probably "
     "due to reaction with the filter.", False, False),
], ids=["negated-other-clause", "negated-later-clause", "negated-effect", "hedged-other-clause", "which-may",
        "hedged-effect",
        "suggest-that", "no-anchor", "hedged-effect-negated-other", "suggest-that-past-comma", "insertion",
        "given-that-lead", "joined-clause"])
def test_claim_flags_follow_the_effect_clause(nlp, text, negated, hedged):
    doc = nlp(text)
    claims = list(doc.spans["claims"])
    assert len(claims) == 1
    assert (claims[0]._.negated, claims[0]._.hedged) == (negated, hedged)


@pytest.mark.parametrize("anchors,scopes,expected", [
    ([(10, 15)], [("negation", "not", 0, 8)], (False, False)),
    ([(10, 15)], [("negation", "not", 5, 20), ("hedge", "may", 12, 30)], (True, True)),
    ([], [("hedge", "may", 0, 30)], (False, False)),
], ids=["outside", "both", "no-anchor"])
def test_clause_context(anchors, scopes, expected):
    found = clause_context(anchors, scopes)
    assert (found["negated"], found["hedged"]) == expected


@pytest.mark.slow
def test_direction_accuracy_with_the_model_on_evidence_inference_dev():
    path = require_shared(DATA / "evidence_inference" / "dev.jsonl")
    rows = read_passages(path)
    assert sum(assess(text).direction == gold for text, gold in rows) / len(rows) >= 0.75


def test_saved_pipeline_keeps_the_direction_model(nlp, tmp_path):
    nlp.get_pipe("claimx_claims").to_disk(tmp_path)
    assert DirectionModel.load(tmp_path / "direction.json").weights == \
        nlp.get_pipe("claimx_claims").direction_model.weights


@pytest.mark.parametrize("content, message", [(None, "is missing"), ("{not json", "is not valid JSON"),
                                              ('{"format": "other"}', "not a")],
                         ids=["missing", "corrupt", "wrong-format"])
@pytest.mark.parametrize("kind", ["classifier", "direction"])
def test_a_bad_model_file_is_a_clear_error(tmp_path, kind, content, message):
    from extractor.errors import PatternFileError
    from extractor.learning.claim_classifier import ClaimClassifier
    from extractor.learning.direction_model import DirectionModel

    path = tmp_path / f"{kind}.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    model = {"classifier": ClaimClassifier, "direction": DirectionModel}[kind]
    with pytest.raises(PatternFileError, match=message):
        model.load(path)


# --- a hedge governs its own clause: the claim's type follows the clause carrying its effect --------

@pytest.mark.parametrize("text,claim_type,direction,hedged", [
    ("Serum urate fell in the febuxostat arm, which may explain why gout flares stopped.",
     "finding", "decrease", False),
    ("Grip strength improved after the programme, possibly because adherence was high.",
     "finding", "increase", False),
    ("Exercise may lower resting heart rate in older adults.", "hypothesis", "decrease", True),
    ("Resting heart rate was lower and might reflect better fitness.", "hypothesis", "decrease", True),
    ("Although the mechanism is probably renal, sodium excretion rose after dosing.", "finding", "increase", False),
    # a concessive lead clause is not the main statement: the hedged main clause makes the hypothesis
    ("Although fewer adults enrolled than planned, the vaccine is likely to protect them.", "hypothesis", None, True),
    # no effect words: the main clause decides (after an opener and a concessive lead)
    ("Overall, our data offer insight into how the scaffold is built, which may explain its fragility.",
     "background", None, False),
    ("Thus, although the membrane might shape its fold, the structure explains how the toxin binds.",
     "background", None, False),
    ("Conclusions: The infusion may give relief for up to 3 months.", "hypothesis", None, True),
    # a hedged clause joined by `and` is a main clause too
    ("There was no control arm, so these findings are preliminary, and the drug could act through glia.",
     "hypothesis", None, True),
    # a change stated before `suggesting that X may ...` is the main clause, after a longer opener too
    ("On the other hand, both arms improved grip strength, suggesting that the two drills may act alike.",
     "finding", "increase", False),
    # a `Based on X,` lead is not the main clause: the hedged main clause makes the hypothesis
    ("Based on our finding that the drills gave lower force, the drills may impair muscle coupling.",
     "hypothesis", None, True),
], ids=["which-may", "possibly-because", "may-on-effect", "might-same-clause", "although-probably",
        "although-lead", "which-may-no-effect", "although-might-main", "heading-may", "and-could",
        "change-before-suggesting", "based-on-lead"])
def test_hedge_in_another_clause_leaves_a_finding(nlp, text, claim_type, direction, hedged):
    _assert_one_claim(nlp(text), claim_type, direction, hedged)


# --- `more likely to` compares odds: it neither hedges nor makes a hypothesis ----------------------

@pytest.mark.parametrize("text,claim_type,direction,hedged", [
    ("Women on the high dose were significantly more likely to discontinue treatment.", "finding", "increase", False),
    ("Vaccinated children were less likely to be admitted than unvaccinated children.", "finding", "decrease", False),
    ("Older donors were twice as likely to carry the allele (p = 0.02).", "finding", None, False),
    ("The rash is likely to resolve without treatment.", "hypothesis", None, True),
], ids=["more-likely", "less-likely", "as-likely", "likely-alone"])
def test_comparative_likely_is_not_a_hedge(nlp, text, claim_type, direction, hedged):
    _assert_one_claim(nlp(text), claim_type, direction, hedged)


def _assert_one_claim(doc, claim_type: str, direction: str | None, hedged: bool) -> None:
    """The Doc has one claim, of this type and hedging (and direction, unless None)."""
    claims = list(doc.spans["claims"])
    assert len(claims) == 1
    x = claims[0]._
    assert (x.claim_type, x.hedged) == (claim_type, hedged)
    if direction is not None:
        assert x.direction == direction


# --- a stated change is not turned into no_change by the learned model ----------------------------

@pytest.mark.parametrize("text", [
    "Aged mice showed diminished immunity with high dose.",
    "Diminished antibody titres were seen with repeated boosting.",
    "Repeated exposure diminished the response to the allergen.",
])
def test_diminished_is_a_decrease(text):
    assert assess(text).direction == "decrease"
