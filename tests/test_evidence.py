"""`claimx evidence`: a prompt's arms masked in the text, the effect the passage states for the
intervention against the comparator, the passage chosen from an article, the verb and its errors."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.errors import UsageError
from extractor.evidence.answer import Passage, Prompt, answer, pooled_effect, significant
from extractor.evidence.arms import Arms, mask
from extractor.evidence.features import effect_features, significance
from extractor.evidence.job import load_models, read_prompts
from extractor.evidence.passages import Headings, longest_run, passage_features
from tests.conftest import DATA, require_shared

runner = CliRunner()


@pytest.fixture(scope="module")
def models():
    return load_models()


MASKS = [
    ("Pain scores were lower with ketamine than with placebo.", ("ketamine 0.5 mg/kg", "placebo", "pain scores"),
     "OUTC were lower with INTV than with COMP ."),
    # only the word the arms do not share names each arm
    ("Telemonitoring reduced fatigue more than education did.",
     ("pain education plus telemonitoring", "pain education alone", "fatigue"),
     "INTV reduced OUTC more than education did."),
    # an abbreviation the text defines names the arm whose words its long form shares
    # (`fractionation`, in both arms, names neither)
    ("Patients on accelerated fractionation (AF) received tube feeding more often; AF also ...",
     ("conventional fractionation", "accelerated fractionation", "tube feeding"),
     "Patients on COMP fractionation ( COMP ) received OUTC more often; COMP also ..."),
    # long words match by their stem; `controls` names the comparator by its role
    ("Patients given gabapentinoids slept longer than controls.", ("gabapentin", "placebo", "sleep duration"),
     "Patients given INTV slept longer than COMP ."),
    # the prompt's own upper-case tokens and its words' initials, matched with their case
    ("At the end of RT patients treated with AF received TF more frequently than patients treated with CF.",
     ("conventional fractionation (2.0 Gy per day)", "accelerated fractionation (1.1 + 2.0 Gy)", "tube feeding (TF)"),
     "At the end of RT patients treated with COMP received OUTC more frequently than patients treated with INTV ."),
    ("CT and BT both reduced symptoms; cf. the af ratio.",
     ("six sessions of cognitive therapy (CT)", "six sessions of behaviour therapy (BT)", "hair pulling"),
     "INTV and COMP both reduced symptoms; cf. the af ratio."),
    # a group label the prompt names, and the other label of the two the passage names
    ("Time to remission was longer in Group 1 than in Group 2 (P = 0.002).",
     ("intravenous cyclophosphamide - Group 1", "oral cyclophosphamide", "time to remission"),
     "OUTC to OUTC was longer in Group INTV than in Group COMP (P = 0.002)."),
    # an arm named by its role where the passage does not name it
    ("Women in the intervention group walked more than those in the control group.",
     ("complex intervention", "routine antenatal care", "walking"),
     "Women in the INTV walked more than those in the COMP ."),
    # group letters: the initial of one arm's word (`B`: bupivacaine; `RM`: its last letter, magnesium);
    # a letter both arms' words start with (`S`, saline) is the other of two groups
    ("Tramadol use was higher in Group S than in Group B (P = 0.01).",
     ("bupivacaine added to normal saline", "normal saline", "tramadol use"),
     "OUTC was higher in Group COMP than in Group INTV (P = 0.01)."),
    ("The score of group R was 3.5 and that of groups RM and RD 1.6 and 1.5.",
     ("magnesium or dexamethasone", "saline", "score"),
     "The OUTC of group COMP was 3.5 and that of groups INTV and INTV 1.6 and 1.5."),
    # a label in brackets in the prompt names the group
    ("Only group B reported fewer headaches than group A (P = .006).",
     ("mobile app without physician review (B)", "physician support (A)", "headaches"),
     "Only group INTV reported fewer OUTC than group COMP (P = .006)."),
    # a change word of the arm's name stays a change word
    ("There were significant reductions in anxiety after the programme.",
     ("mindfulness based stress reduction program", "control", "anxiety"),
     "There were significant reductions in OUTC after the INTV ."),
]


@pytest.mark.parametrize("text, prompt, expected", MASKS,
                         ids=["plain", "shared-words", "abbreviation", "stem-and-role", "initials", "own-caps",
                              "group-label", "roles", "group-initial", "group-last-letter", "prompt-bracket-label",
                              "change-word-in-arm"])
def test_mask(text, prompt, expected):
    assert " ".join(mask(text, Arms.of(*prompt, text)).split()) == expected


EFFECTS = [
    ("Pain scores were significantly lower in the ketamine group than in the placebo group (p = 0.03).",
     ("ketamine", "placebo", "pain scores"), "decrease", True),
    ("There was no significant difference in pain scores between ketamine and placebo (p = 0.41).",
     ("ketamine", "placebo", "pain scores"), "no_change", False),
    ("Mortality at 30 days was higher with early surgery than with delayed surgery (12% vs 6%, P < 0.01).",
     ("early surgery", "delayed surgery", "mortality at 30 days"), "increase", True),
    # one sentence, two outcomes changed opposite ways: each outcome gets the change word nearest it
    ("Patients given acupuncture had fewer hot flushes and better sleep quality than those given sham needling "
     "(P = 0.002).", ("acupuncture", "sham needling", "sleep quality"), "increase", True),
    ("Patients given acupuncture had fewer hot flushes and better sleep quality than those given sham needling "
     "(P = 0.002).", ("acupuncture", "sham needling", "hot flushes"), "decrease", True),
]


def test_a_threshold_is_no_change_word():
    """`one or more complications` states a threshold: no increase cue for the outcome."""
    text = "Patients with one or more complications were fewer in the restriction group."
    feats = set(effect_features(text, Arms.of("fluid restriction", "usual care", "complications", text)))
    assert "oc:dec" in feats and "oc:inc" not in feats and not any(f.startswith("cue:inc") for f in feats)


@pytest.mark.parametrize("text, prompt, expected", [
    ("Women given soy had fewer flushes and better sleep than controls.", ("soy", "controls", "sleep"),
     {"oc:inc", "oc:inc:INTV:COMP"}),
    ("Women given soy had fewer flushes and better sleep than controls.", ("soy", "controls", "flushes"),
     {"oc:dec", "oc:dec:INTV:COMP"}),
    ("Pain improved more with soy than with placebo.", ("soy", "placebo", "pain"), {"pol:better:adverse"}),
    ("Function improved more with soy than with placebo.", ("soy", "placebo", "function"), {"pol:better:other"}),
])
def test_outcome_change_and_polarity_features(text, prompt, expected):
    feats = set(effect_features(text, Arms.of(*prompt, text)))
    assert expected <= feats
    assert not any(f.startswith("oc:") for f in effect_features(text, Arms.of(prompt[0], prompt[1], "weight", text)))


@pytest.mark.parametrize("text, prompt, effect, is_significant", EFFECTS)
def test_effect_of_a_passage(models, text, prompt, effect, is_significant):
    row = answer(Prompt("1", "d", *prompt), text, [], *models)
    assert (row["effect"], row["significant"]) == (effect, is_significant)
    assert row["text"] == text and (row["start"], row["end"]) == (0, len(text)) and 0 < row["score"] <= 1


@pytest.mark.parametrize("text, expected", [
    ("p < 0.05 and P = 0.001", "sig"), ("p = 0.38", "ns"), ("p < 0.01, p = 0.20", "both"), ("no p-value", "none"),
    ("(P>0.05)", "ns"), ("p-value = 0.04", "sig"),
])
def test_significance(text, expected):
    assert significance(text) == expected


def test_significant_without_a_p_value_needs_the_word_unnegated():
    assert significant("X significantly reduced Y.", "decrease") is True
    assert significant("X did not significantly reduce Y.", "decrease") is None
    assert significant("anything", "no_change") is False


def test_a_passage_naming_nothing_of_the_prompt_is_unknown(models):
    row = answer(Prompt("1", "d", "ketamine", "placebo", "pain"), "The weather was fine.", [], *models)
    assert row["effect"] == "unknown" and row["start"] is None


def test_a_passage_given_that_states_a_comparison_is_answered(models):
    text = "There were no differences between the groups."
    row = answer(Prompt("1", "d", "cognitive therapy", "behaviour therapy", "urge"), text, [], *models)
    assert row["effect"] == "no_change" and row["text"] == text


ARTICLE = ("Introduction\n\nChronic postoperative pain is common and hard to treat. Ketamine, an NMDA "
           "receptor antagonist, has been proposed to prevent it, but trials are small and disagree. "
           "We compared it with placebo after knee replacement.\n\n"
           "Methods\n\nPatients were randomised to ketamine or placebo. Pain was scored daily on a visual "
           "analogue scale. Sample size was computed for a difference of 2 points.\n\nResults\n\n"
           "Sixty patients were enrolled. Baseline characteristics were similar. Pain scores at 24 hours "
           "were significantly lower with ketamine than with placebo (3.1 vs 5.2, p = 0.002). Nausea did "
           "not differ between groups (p = 0.61).\n\nDiscussion\n\nKetamine is an old drug. Future work may "
           "tell more.\n")


def test_the_effect_is_pooled_over_the_best_passages(models):
    """A confident second sentence outvotes a vague best one; a sentence naming nothing of the prompt
    has no say."""
    vague = "Pain scores were recorded in the ketamine and placebo groups."
    clear = "Pain scores were significantly lower with ketamine than with placebo (p = 0.01)."
    other = "The weather was fine throughout."
    text = " ".join((vague, clear, other))
    at = [(text.index(s), text.index(s) + len(s)) for s in (vague, clear, other)]
    arms = Arms.of("ketamine", "placebo", "pain scores", text)
    alone = pooled_effect(text, [Passage(*at[0], 0.0)], arms, models[0])
    pooled = pooled_effect(text, [Passage(*at[0], 0.0), Passage(*at[1], -0.2)], arms, models[0])
    assert alone[0] != "decrease" and pooled[0] == "decrease"
    assert pooled_effect(text, [Passage(*at[2], 0.0)], arms, models[0]) is None


def test_the_answering_sentence_is_chosen_from_an_article(tmp_path):
    (tmp_path / "trial.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "other.txt").write_text("An unrelated note.", encoding="utf-8")
    prompts = tmp_path / "prompts.csv"
    with prompts.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["prompt_id", "doc_id", "intervention", "comparator", "outcome"])
        w.writerow(["p1", "trial", "ketamine", "placebo", "pain scores at 24 hours"])
        w.writerow(["p2", "trial", "ketamine", "placebo", "nausea"])
        w.writerow(["p3", "missing", "ketamine", "placebo", "pain"])
    out = tmp_path / "out"
    result = runner.invoke(app, ["evidence", str(tmp_path / "trial.txt"), str(tmp_path / "other.txt"),
                                 "--prompts", str(prompts), "--out", str(out), "--format", "jsonl"])
    assert result.exit_code == 1, result.output  # 1: a prompt's document is missing
    rows = {r["prompt_id"]: r for r in map(json.loads, (out / "answers.jsonl").open(encoding="utf-8"))}
    assert rows["p1"]["effect"] == "decrease" and rows["p1"]["significant"] is True
    assert rows["p1"]["text"].startswith("Pain scores at 24 hours were significantly lower")
    assert ARTICLE[rows["p1"]["start"]:rows["p1"]["end"]] == rows["p1"]["text"]
    assert rows["p2"]["effect"] == "no_change" and rows["p2"]["text"].startswith("Nausea did not differ")
    assert rows["p3"]["status"] == "error" and "'missing' is not among the inputs" in rows["p3"]["error"]
    # the table is not silently replaced
    again = runner.invoke(app, ["evidence", str(tmp_path / "trial.txt"), "--prompts", str(prompts),
                                "--out", str(out), "--format", "jsonl"])
    assert again.exit_code == 2 and "--overwrite" in again.output


@pytest.mark.parametrize("content, message", [
    ("prompt_id,doc_id,intervention,comparator\n1,a,x,y\n", "no column outcome"),
    ("prompt_id,doc_id,intervention,comparator,outcome\n1,a,x,,o\n", "line 2: empty comparator"),
    ("prompt_id,doc_id,intervention,comparator,outcome\n", "no prompts"),
])
def test_bad_prompts_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "prompts.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        read_prompts(path)
    result = runner.invoke(app, ["evidence", str(path), "--prompts", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_effect_accuracy_on_evidence_inference_dev_passages(models):
    """The shipped effect model on the dev split's gold passages (benchmarks/evidence_inference.py
    reports it; docs/evidence.md records it): a drop shows a broken model or featurizer."""
    from extractor.learning.effect_model import evaluate, read_examples

    scores = evaluate(models[0], read_examples(require_shared(DATA / "evidence_inference" / "dev.jsonl")))
    assert scores["passages"] == 372 and scores["accuracy"] >= 0.85


@pytest.mark.parametrize("phrase, sentence, expected", [
    ("the icu length of stay", "icu length of stay was shorter in the gdfr group", 4),
    ("the icu length of stay", "the stay in icu was of similar length", 1),
    ("pain", "no words of it", 0),
])
def test_longest_run(phrase, sentence, expected):
    assert longest_run(phrase.split(), sentence.split()) == expected


@pytest.mark.parametrize("sentence, present, absent", [
    ("ICU length of stay was shorter with restriction than with usual care (p = 0.001).",
     {"phrase", "run:4", "runn:4"}, {"w:method", "w:citing"}),
    ("Length of stay was recorded by the ward nurses.", {"w:method"}, {"phrase", "w:citing"}),
    ("Restriction has been shown to shorten the stay in ICU (Smith et al., 2010).", {"w:citing", "runn:1"},
     {"phrase", "w:method"}),
    ("ICU length of stay did not differ between the groups at baseline.", {"w:baseline", "phrase"}, {"w:method"}),
    ("ICU length of stay fell from baseline to day 7 with restriction.", {"phrase"}, {"w:baseline"}),
])
def test_ranker_reads_the_outcome_phrase_and_the_kind_of_sentence(sentence, present, absent):
    arms = Arms.of("fluid restriction", "usual care", "ICU length of stay", sentence)
    feats = set(passage_features(sentence, 0, len(sentence), arms, Headings(sentence), 0, 1))
    assert present <= feats and not absent & feats
