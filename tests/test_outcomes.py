import pytest

from extractor.components.outcomes import load_rules

CASES = [
    ("Pain scores were lower at 12 weeks.", ["Pain scores"]),
    ("There was no functional improvement.", ["functional improvement"]),
    ("Quality of life and ability to work improved.", ["Quality of life", "ability to work"]),
    ("Ketamine attenuates post-operative cognitive dysfunction.", ["post-operative cognitive dysfunction"]),
    ("Mortality and adverse events did not differ.", ["Mortality", "adverse events"]),
    ("The VAS fell and depression lifted.", ["VAS", "depression"]),
    ("Months of pain relief were reported.", ["pain relief"]),
    ("Serum magnesium levels rose.", ["Serum magnesium levels"]),
    ("Patients were randomised to two groups.", []),
    # words that name outcomes in general are not outcomes themselves
    ("The outcome measures and health status were recorded.", []),
    # schedule words, arms and demographics are not outcomes however often EBM-NLP tags them
    ("Oral morphine was given twice daily at bedtime.", []),
    ("Females and Caucasians of any age were eligible.", []),
    ("Systolic blood pressure and plasma glucose fell.", ["Systolic blood pressure", "plasma glucose"]),
    # the head rule: up to max_modifiers words before a head noun, never a bare head
    ("Mean serum ferritin concentrations doubled.", ["serum ferritin concentrations"]),
    # an outcome is whole words: not the half of a hyphenated word (`Meier survival`)
    ("Kaplan-Meier survival curves were compared.", ["Kaplan-Meier survival"]),
    ("The share of pain-free patients rose.", ["pain-free"]),
    # statistics are not outcomes, nor is the level at which something was done
    ("The t-test had 28 degrees of freedom and the correlation was weak.", []),
    ("Mean age was 54 (95% confidence interval 50 to 58).", []),
    ("Policies were set at the national level.", []),
    ("The odds ratio for relapse was 1.4 and the hazard ratio 0.8.", ["relapse"]),
    # who was studied and what was given are not outcomes: conditions, nutrients, a procedure
    ("Children with autism and adults with cancer were enrolled.", []),
    ("We tested the effectiveness of sodium and calcium supplements.", []),
    # more head nouns: behaviours, measured values, recovery
    ("Problem behaviors fell and motor recovery was faster.", ["Problem behaviors", "motor recovery"]),
    ("Catheter ablation was done in 40 patients; anxiety was lower.", ["anxiety"]),
    pytest.param("Time to first rescue analgesic was longer.", ["Time to first rescue analgesic"],
                 marks=pytest.mark.xfail(reason="`time to X` outcomes are not in the rules yet")),
]


@pytest.fixture(scope="module")
def rules_only():
    """claimx_outcomes without its tagger: CASES pin down the rules."""
    from extractor.learning.ner_training import blank_claimx
    from extractor.pipeline.load import import_components

    import_components()
    nlp = blank_claimx()
    nlp.add_pipe("claimx_outcomes", config={"tagger": ""})
    return nlp


@pytest.mark.parametrize("text,expected", CASES, ids=[getattr(c, "values", c)[0][:30] for c in CASES])
def test_outcomes(rules_only, text, expected):
    doc = rules_only(text)
    assert [s.text for s in doc.spans["outcomes"]] == expected


def test_outcome_spans_are_labelled_and_sourced(nlp):
    doc = nlp("Pain relief lasted.")
    span = doc.spans["outcomes"][0]
    assert span.label_ == "OUTCOME" and span._.source == "claimx_outcomes"


def test_bad_max_modifiers(tmp_path):
    import json

    from extractor.components import outcomes
    from extractor.errors import PatternFileError
    from extractor.rules.loader import load_json

    data = {**load_json(outcomes.RULES_FILE), "max_modifiers": "three"}
    (tmp_path / outcomes.RULES_FILE).write_text(json.dumps(data))
    with pytest.raises(PatternFileError, match="outcomes.json, field 'max_modifiers'"):
        outcomes.load_rules(str(tmp_path))


def test_derived_terms_are_loaded():
    terms = load_rules().terms
    assert "quality of life" in terms and "effective" not in terms


# outcomes no rule names, which the learned tagger (models/outcomes/tagger) finds
TAGGER_CASES = [
    ("The number of questions correctly answered rose in the education group.", "number of questions"),
    ("Forearm blood flow was measured by venous occlusion plethysmography.", "Forearm blood flow"),
    ("Need for blood transfusion did not differ between groups.", "Need for blood transfusion"),
    ("Wound healing was faster with the hydrocolloid dressing.", "Wound healing"),
]




def test_tagger_leaves_interventions_alone(nlp):
    doc = nlp("Catheter ablation was done in 40 patients; anxiety was lower.")
    assert [s.text for s in doc.spans["outcomes"]] == ["anxiety"]


@pytest.mark.parametrize("text,outcome", TAGGER_CASES, ids=[c[1] for c in TAGGER_CASES])
def test_tagger_finds_what_the_rules_miss(nlp, rules_only, text, outcome):
    ruled, tagged = rules_only(text), nlp(text)
    assert outcome not in [s.text for s in ruled.spans["outcomes"]]
    # the tagger's edges are EBM-NLP's loose ones (`number of questions correctly`)
    assert any(s.text.startswith(outcome) for s in tagged.spans["outcomes"])


def test_tagger_spans_leave_rule_spans_alone(nlp, rules_only):
    text = "Pain scores and wound healing were better at 12 weeks."
    ruled, tagged = rules_only(text), nlp(text)
    assert {s.text for s in ruled.spans["outcomes"]} <= {s.text for s in tagged.spans["outcomes"]}


@pytest.mark.parametrize("text", ["BODY.SUBJECTS:\nThe trial enrolled adults.", ", and .", "the"])
def test_tagger_spans_are_tidy(nlp, text):
    doc = nlp(text)
    for span in doc.spans["outcomes"]:
        assert ":" not in span.text and not span[0].is_punct and not span[-1].is_punct


def test_rules_pipeline_has_no_tagger(nlp, nlp_rules):
    assert nlp.get_pipe("claimx_outcomes").tagger is not None
    assert nlp_rules.get_pipe("claimx_outcomes").tagger is None


ABSTRACT = ("Effect of drug X on pain in adults with arthritis. BACKGROUND Arthritis is common. "
            "We asked whether X helps. METHODS Sixty adults with knee pain scores above 4 were randomized. "
            "RESULTS Pain scores fell more with the drug. CONCLUSIONS X relieves pain.")


def test_abstract_layout_reads_sentences_and_headings():
    from extractor.components.outcome_embed import LATER, abstract_layout, context_codes, context_place, context_section
    from extractor.learning.ner_training import blank_claimx

    doc = blank_claimx()(ABSTRACT)
    n_sentences, sentences, sections, headings = abstract_layout(doc)
    assert n_sentences == 6
    assert headings == ["", "BACKGROUND", "", "METHODS", "RESULTS", "CONCLUSIONS"]
    codes = context_codes(doc)
    first_results = [t.i for t in doc if t.text == "RESULTS"][0]
    assert (context_place(codes[0]), context_section(codes[0])) == (0, 0)
    assert (context_place(codes[first_results]), context_section(codes[first_results])) == (LATER, 3)
    assert sentences[first_results] == 4 and sections[first_results] == 3
    # a claim is not an abstract: every token counts as in a later sentence
    claim = blank_claimx()("Pain fell. Sleep improved.")
    assert {context_place(code) for code in context_codes(claim)} == {LATER}


def test_spans_in_design_sentences_and_the_tagger_in_the_opening_are_dropped():
    from spacy.tokens import Span

    from extractor.components.outcomes import LABEL, in_place
    from extractor.learning.ner_training import blank_claimx

    doc = blank_claimx()(ABSTRACT)

    def span(words: str) -> Span:
        start = doc.text.index(words)
        return doc.char_span(start, start + len(words), label=LABEL)

    ruled = [span("knee pain scores"), span("Pain scores fell")]
    learned = [span("pain in adults"), span("relieves pain")]
    kept_ruled, kept_learned = in_place(doc, ruled, learned)
    assert [s.text for s in kept_ruled] == ["Pain scores fell"]  # not in the METHODS sentence
    assert [s.text for s in kept_learned] == ["relieves pain"]  # not in the title
    short = blank_claimx()("Pain relief in adults was better.")
    tagged = [short.char_span(0, 11, label=LABEL)]
    assert in_place(short, [], tagged) == ([], tagged)


@pytest.mark.parametrize("text,judgement,outcomes", [
    ("Esomeprazole was significantly more effective than placebo in maintaining relief of upper GI symptoms.",
     "significantly more effective", ["upper GI symptoms"]),
    # a unit-bearing or hyphenated name (`LDL-C`) names what was measured
    ("LDL-C fell by 30% with the statin.", None, ["LDL-C"]),
])
def test_words_that_judge_an_arm_are_no_outcome(nlp, text, judgement, outcomes):
    doc = nlp(text)
    found = [s.text for s in doc.spans["outcomes"]]
    assert judgement not in found
    assert all(o in found for o in outcomes), found
