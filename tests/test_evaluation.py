"""Evaluation API: gold readers, label maps, predictions from tables, baselines, reports."""

import copy
import json

import pytest

from extractor.errors import GoldFormatError, TextMismatchError, UsageError
from extractor.evaluation import (
    below_threshold,
    evaluate,
    load_baseline,
    load_label_map,
    read_gold,
    regressions,
    save_baseline,
    shipped_label_maps,
    stale_baseline,
    to_markdown,
)
from extractor.evaluation.mapping import parse_label_map
from tests.conftest import DATA, require_shared
from tests.evaluation_helpers import BRAT, GOLD, gold_records, write_gold, write_predictions


def keys(gold_set):
    return sorted((d.id, a.start, a.end, a.label) for d in gold_set.documents for a in d.spans)


def make_docbin(path, records):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for r in records:
        doc = nlp.make_doc(r["text"])
        doc.spans["gold"] = [doc.char_span(s["start"], s["end"], s["label"], alignment_mode="expand")
                             for s in r["spans"]]
        doc.spans["claims"] = [doc.char_span(c["start"], c["end"], "CLAIM", alignment_mode="expand")
                               for c in r["claims"]]
        doc.user_data["doc_id"] = r["id"]
        docbin.add(doc)
    docbin.to_disk(path)
    return path


def test_gold_formats_agree(tmp_path):
    jsonl = read_gold([GOLD])
    assert keys(read_gold([BRAT])) == keys(jsonl)
    assert keys(read_gold([make_docbin(tmp_path / "gold.spacy", gold_records())])) == keys(jsonl)
    assert {a.label for d in jsonl.documents for a in d.spans} >= {"DRUG", "DOSE", "CITATION", "CLAIM"}


def test_gold_attributes_are_read():
    esk = read_gold([GOLD]).documents[0]
    dose = next(a for a in esk.spans if a.label == "DOSE")
    claim = next(a for a in esk.spans if a.label == "CLAIM")
    assert dose.attrs == {"value": "0.5", "norm_value": 0.5, "norm_unit": "mg/kg"}
    assert claim.attrs["direction"] == "decrease" and claim.attrs["significant"] is True


def test_brat_attributes_and_normalisations(tmp_path):
    (tmp_path / "a.txt").write_text("No aspirin was given.")
    (tmp_path / "a.ann").write_text("T1\tDRUG 3 10\taspirin\nA1\tNegation T1\nN1\tReference T1 MESH:D001241\taspirin\n"
                                    "R1\tRel Arg1:T1 Arg2:T1\n")
    (span,) = read_gold([tmp_path]).documents[0].spans
    assert span.attrs == {"negated": True, "concept_id": "MESH:D001241"}
    (tmp_path / "a.ann").write_text("T1\tDRUG 0 2;3 10\tNo aspirin\n")  # discontinuous: first to last fragment
    (span,) = read_gold([tmp_path]).documents[0].spans
    assert (span.start, span.end) == (0, 10)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "xlsx"])
def test_gold_scored_against_itself_is_perfect(tmp_path, fmt):
    out = write_predictions(tmp_path / "pred", gold_records(), fmt)
    result = evaluate([GOLD], pred=out)
    for label, score in result.scores.labels.items():
        assert (label, score.strict.f1, score.lenient.f1) == (label, 1.0, 1.0)
        for name, attr in score.attributes.items():
            assert (label, name, attr.accuracy) == (label, name, 1.0)
    assert result.scores.labels["CLAIM"].attributes["direction"].total == 2
    assert result.scores.errors == []


def test_predictions_from_tables_hand_counted(tmp_path):
    records = gold_records()
    pred = copy.deepcopy(records)
    spans = pred[0]["spans"]
    dose = next(s for s in spans if s["label"] == "DOSE")
    dose["end"] -= 3  # "0.5 mg" instead of "0.5 mg/kg": boundary error
    spans.remove(next(s for s in spans if s["label"] == "ROUTE"))  # a miss
    spans.append({"start": 0, "end": 10, "label": "CHEMICAL"})  # CHEMICAL: not annotated, not scored
    pred[1]["claims"][0]["direction"] = "decrease"  # wrong direction
    result = evaluate([GOLD], pred=write_predictions(tmp_path / "p", pred))
    labels = result.scores.labels
    assert (labels["DOSE"].strict.tp, labels["DOSE"].strict.fp, labels["DOSE"].strict.fn) == (0, 1, 1)
    assert (labels["DOSE"].lenient.tp, labels["DOSE"].lenient.fp) == (1, 0)
    assert (labels["ROUTE"].strict.fn, labels["ROUTE"].lenient.fn) == (1, 1)
    assert labels["CLAIM"].attributes["direction"].accuracy == 0.5
    assert "CHEMICAL" not in labels
    assert any("CHEMICAL (1)" in n for n in result.notes)
    kinds = sorted((e.label, e.kind) for e in result.scores.errors)
    assert ("DOSE", "boundary") in kinds and ("ROUTE", "missed") in kinds and ("CLAIM", "attribute") in kinds


def test_mismatched_text_length_is_an_error(tmp_path):
    pred = gold_records()
    pred[0]["text"] += " Extra sentence."
    with pytest.raises(TextMismatchError, match="esketamine-trial.*characters"):
        evaluate([GOLD], pred=write_predictions(tmp_path / "p", pred))


def test_mismatched_span_text_is_an_error(tmp_path):
    pred = gold_records()
    pred[1]["text"] = pred[1]["text"].replace("Gabapentin", "Pregabalin")  # same length, other words
    with pytest.raises(TextMismatchError, match="gabapentin-note.*'Pregabalin'"):
        evaluate([GOLD], pred=write_predictions(tmp_path / "p", pred))


def test_no_gold_document_in_predictions_is_an_error(tmp_path):
    pred = gold_records()
    for r in pred:
        r["id"] = "other-" + r["id"]
    with pytest.raises(GoldFormatError, match=r"<gold id>\.txt"):
        evaluate([GOLD], pred=write_predictions(tmp_path / "p", pred))


def test_documents_on_one_side_only_are_noted(tmp_path):
    gold_a, gold_b = gold_records()
    extra = {"id": "not-annotated", "text": "Morphine.", "spans": [{"start": 0, "end": 8, "label": "DRUG"}],
             "claims": []}
    result = evaluate([GOLD], pred=write_predictions(tmp_path / "p", [gold_a, extra]))
    assert result.scores.labels["DRUG"].strict.fn == 1  # gabapentin-note: all missed
    assert any("not in the predictions" in n and "gabapentin-note" in n for n in result.notes)
    assert any("no gold" in n and "not-annotated" in n for n in result.notes)


def test_numeric_ids_survive_csv(tmp_path):
    records = gold_records()[:1]
    records[0]["id"] = "0012345"
    gold = write_gold(tmp_path / "g.jsonl", records)
    result = evaluate([gold], pred=write_predictions(tmp_path / "p", records))
    assert result.scores.labels["DRUG"].strict.f1 == 1.0


def test_unknown_gold_labels_are_dropped_with_a_note(tmp_path):
    records = gold_records()
    records[0]["spans"].append({"start": 0, "end": 10, "label": "GENE"})
    result = evaluate([write_gold(tmp_path / "g.jsonl", records)], pred=write_predictions(tmp_path / "p", records))
    assert "GENE" not in result.labels
    assert any("GENE (1)" in n for n in result.notes)


def test_unknown_requested_label_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="GENE"):
        evaluate([GOLD], pred=write_predictions(tmp_path / "p", gold_records()), labels=["DRUG,GENE"])


def test_empty_gold_needs_labels(tmp_path):
    records = [{"id": "empty", "text": "Morphine was given.", "spans": [], "claims": []}]
    gold = write_gold(tmp_path / "g.jsonl", records)
    pred = copy.deepcopy(records)
    pred[0]["spans"] = [{"start": 0, "end": 8, "label": "DRUG"}]
    out = write_predictions(tmp_path / "p", pred)
    with pytest.raises(GoldFormatError, match="--labels"):
        evaluate([gold], pred=out)
    result = evaluate([gold], pred=out, labels=["DRUG"])
    drug = result.scores.labels["DRUG"]
    assert (drug.strict.tp, drug.strict.fp, drug.strict.fn, drug.strict.f1) == (0, 1, 0, 0.0)


def test_pred_and_model_together_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not both"):
        evaluate([GOLD], pred=tmp_path, model="default")


BAD_GOLD = [
    ("not json", '{"id": "a", "text": "x"\n', "line 1: not valid JSON"),
    ("no id", '{"text": "abc", "spans": []}\n', "needs an 'id'"),
    ("no text", '{"id": "a", "spans": []}\n', "needs a 'text'"),
    ("offsets outside", '{"id": "a", "text": "abc", "spans": [{"start": 1, "end": 9, "label": "DRUG"}]}\n',
     "outside the text"),
    ("empty span", '{"id": "a", "text": "abc", "spans": [{"start": 1, "end": 1, "label": "DRUG"}]}\n',
     "outside the text"),
    ("span text differs", '{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 2, "label": "DRUG", '
     '"text": "bc"}]}\n', "differs from text"),
    ("no label", '{"id": "a", "text": "abc", "spans": [{"start": 0, "end": 2}]}\n', "needs a 'label'"),
    ("spans not a list", '{"id": "a", "text": "abc", "spans": {}}\n', "must be a list"),
    ("duplicate id", '{"id": "a", "text": "abc"}\n{"id": "a", "text": "abc"}\n', "also appears"),
    ("empty file", "\n", "no gold documents"),
]


@pytest.mark.parametrize("content,message", [c[1:] for c in BAD_GOLD], ids=[c[0] for c in BAD_GOLD])
def test_bad_gold_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    with pytest.raises(GoldFormatError, match=message):
        read_gold([path])


def test_bad_brat_and_docbin(tmp_path):
    (tmp_path / "brat").mkdir()
    (tmp_path / "brat" / "a.txt").write_text("abc")
    with pytest.raises(GoldFormatError, match="no a.ann"):
        read_gold([tmp_path / "brat"])
    (tmp_path / "brat" / "a.ann").write_text("T1\tDRUG one two\tabc\n")
    with pytest.raises(GoldFormatError, match="line 1"):
        read_gold([tmp_path / "brat"])
    (tmp_path / "x.spacy").write_bytes(b"not a docbin")
    with pytest.raises(GoldFormatError, match="not a readable spaCy DocBin"):
        read_gold([tmp_path / "x.spacy"])
    with pytest.raises(GoldFormatError, match="not found"):
        read_gold([tmp_path / "missing.jsonl"])


# ---- label maps -------------------------------------------------------------------------------

def test_every_corpus_has_a_shipped_map():
    assert set(shipped_label_maps()) >= {"bc5cdr", "phee", "ebm_nlp", "citations", "claims", "evidence_inference",
                                         "regimens"}


@pytest.mark.parametrize("name", sorted(shipped_label_maps()))
def test_shipped_maps_load(name):
    assert load_label_map(name).targets()


@pytest.mark.parametrize("data,message", [
    ({"spans": {"X": "DRUG"}, "bogus": 1}, "unknown keys"),
    ({"spans": {"X": "GENE"}}, "not a claimx label"),
    ({"claims": {}}, "missing keys"),
    ({"spans": {}, "attributes": {"mesh": "mesh_id"}}, "not an attribute"),
    ({"spans": {}, "claims": {"C": {"colour": "red"}}}, "unknown attributes"),
    ({"spans": {}, "predicted": {"DRUG": "GENE"}}, "claimx labels"),
], ids=["unknown-key", "bad-target", "no-spans", "bad-attribute", "bad-claim-attribute", "bad-alias"])
def test_bad_label_map(data, message):
    with pytest.raises(GoldFormatError, match=message):
        parse_label_map(data, "test.json")


def test_label_map_file_and_unknown_name(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"spans": {"Medication": "DRUG", "*": None}}))
    assert load_label_map(str(path)).span_label("Medication") == "DRUG"
    with pytest.raises(GoldFormatError, match="no label map"):
        load_label_map("no-such-map")


CORPORA = [
    # corpus, labels its first documents must give, attribute expected on some span
    ("bc5cdr", {"CHEMICAL", "DISEASE"}, ("CHEMICAL", "concept_id")),
    ("phee", {"DRUG", "ROUTE"}, None),
    ("ebm_nlp", {"SAMPLE_SIZE", "OUTCOME", "DRUG", "DISEASE"}, None),
    ("citations", {"CITATION"}, ("CITATION", "refs")),
    ("claims", {"CLAIM"}, None),
    ("evidence_inference", {"CLAIM"}, ("CLAIM", "direction")),
    ("regimens", {"DRUG", "DOSE", "ROUTE", "FREQUENCY", "DURATION", "TIMEPOINT", "SAMPLE_SIZE"}, None),
]


@pytest.mark.parametrize("corpus,labels,attribute", CORPORA, ids=[c[0] for c in CORPORA])
def test_shipped_map_reads_its_corpus(corpus, labels, attribute):
    path = require_shared(DATA / corpus / "dev.jsonl")
    label_map = load_label_map(corpus)
    gold = read_gold([path], label_map, limit=40)
    assert labels <= gold.labels <= label_map.targets()
    if attribute:
        label, name = attribute
        assert any(name in a.attrs for d in gold.documents for a in d.spans if a.label == label)


def test_bc5cdr_mesh_minus_one_is_no_concept(tmp_path):
    text = "Cocaine and xylene."
    path = write_gold(tmp_path / "g.jsonl", [{"id": "1", "text": text, "spans": [
        {"start": 0, "end": 7, "label": "Chemical", "mesh": ["D003042"]},
        {"start": 12, "end": 18, "label": "Chemical", "mesh": ["-1"]}]}])
    spans = read_gold([path], load_label_map("bc5cdr")).documents[0].spans
    assert [a.attrs for a in spans] == [{"concept_id": ["D003042"]}, {}]


def test_predicted_alias_scores_drug_as_chemical(tmp_path):
    text = "Cocaine and xylene."
    gold = write_gold(tmp_path / "g.jsonl", [{"id": "1", "text": text, "spans": [
        {"start": 0, "end": 7, "label": "Chemical"}, {"start": 12, "end": 18, "label": "Chemical"}]}])
    pred = write_predictions(tmp_path / "p", [{"id": "1", "text": text, "spans": [
        {"start": 0, "end": 7, "label": "DRUG"}, {"start": 12, "end": 18, "label": "CHEMICAL"}], "claims": []}])
    result = evaluate([gold], pred=pred, label_map="bc5cdr")
    assert result.scores.labels["CHEMICAL"].strict.tp == 2


def test_evidence_inference_map_derives_direction(tmp_path):
    text = "Pain fell with drug A."
    gold = write_gold(tmp_path / "g.jsonl", [{"id": "1", "text": text, "spans": [
        {"start": 0, "end": 22, "label": "EVIDENCE", "effect": "significantly_decreased"}]}])
    (claim,) = read_gold([gold], load_label_map("evidence_inference")).documents[0].spans
    assert claim.attrs == {"direction": "decrease", "significant": True, "claim_type": "finding"}


# ---- thresholds, baselines, reports -------------------------------------------------------------

@pytest.fixture()
def imperfect(tmp_path):
    pred = gold_records()
    pred[0]["spans"] = [s for s in pred[0]["spans"] if s["label"] != "ROUTE"]
    return evaluate([GOLD], pred=write_predictions(tmp_path / "p", pred))


def test_fail_under_names_each_label(imperfect):
    problems = below_threshold(imperfect, 0.9)
    assert problems == ["ROUTE: strict F1 0.000 is under --fail-under 0.900"]
    assert below_threshold(imperfect, 0.0) == []


def test_baseline_round_trip_and_regressions(tmp_path, imperfect):
    path = save_baseline(imperfect, tmp_path / "baseline.json")
    baseline = load_baseline(path)
    assert baseline["model"].startswith("tables:") and baseline["date"] and "DRUG" in baseline["labels"]
    assert regressions(imperfect, baseline) == []
    baseline["labels"]["DRUG"]["strict"]["f1"] = 1.0 + 0.02
    baseline["labels"]["DOSE"]["attributes"]["norm_value"]["accuracy"] = 1.005  # within tolerance
    baseline["labels"]["STATISTIC"] = {"strict": {"f1": 0.5}}
    assert regressions(imperfect, baseline, tolerance=0.01) == [
        "DRUG: strict F1 fell from 1.020 to 1.000 (-0.020, tolerance 0.010)",
        "STATISTIC: scored in the baseline, not scored now",
    ]


def test_improvements_are_not_regressions(tmp_path, imperfect):
    baseline = load_baseline(save_baseline(imperfect, tmp_path / "b.json"))
    better = evaluate([GOLD], pred=write_predictions(tmp_path / "perfect", gold_records()))
    assert regressions(better, baseline, tolerance=0.0) == []
    assert regressions(imperfect, load_baseline(save_baseline(better, tmp_path / "c.json")), 0.0) == [
        "ROUTE: strict F1 fell from 1.000 to 0.000 (-1.000, tolerance 0.000)",
        "ROUTE: lenient F1 fell from 1.000 to 0.000 (-1.000, tolerance 0.000)",
    ]


def test_not_a_baseline(tmp_path):
    (tmp_path / "b.json").write_text('{"labels": {}}')
    with pytest.raises(GoldFormatError, match="not a claimx baseline"):
        load_baseline(tmp_path / "b.json")
    with pytest.raises(UsageError, match="not found"):
        load_baseline(tmp_path / "none.json")


def test_markdown_report_lists_every_error(imperfect):
    text = to_markdown(imperfect, ["ROUTE: strict F1 0.000 is under --fail-under 0.900"])
    assert "## Regressions" in text and "| ROUTE |" in text
    assert "| esketamine-trial | ROUTE | missed | 31-43 |" in text
    assert "[[intranasally]]" in text


def test_model_and_tables_give_the_same_scores(tmp_path, nlp, extract_here):
    """--model runs the same code path as extract: scoring extract's tables gives the same result."""
    from extractor.running.job import extract

    texts = tmp_path / "texts"
    texts.mkdir()
    for r in gold_records():
        (texts / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    extract([str(texts)], tmp_path / "out", fmt="parquet")
    from_tables = evaluate([GOLD], pred=tmp_path / "out").as_dict()
    from_model = evaluate([GOLD], nlp=nlp).as_dict()
    assert from_model["labels"] == from_tables["labels"]
    assert len(from_model["errors"]) == len(from_tables["errors"])


def test_line_separator_inside_a_gold_text(tmp_path):
    """JSON strings may hold U+2028; only \\n ends a JSONL record."""
    text = "Aspirin\u2028was given."
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": text, "spans": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "\u2028" in gold.read_text(encoding="utf-8")
    assert read_gold([gold]).documents[0].text == text


def test_nested_attribute_objects_are_read(tmp_path):
    """Exports that keep attributes in an `attrs` object read the same as flat ones."""
    gold = write_gold(tmp_path / "g.jsonl", [{"id": "a", "text": "5 mg daily", "spans": [
        {"start": 0, "end": 4, "label": "DOSE", "attrs": {"norm_value": 5, "norm_unit": "mg"}}]}])
    assert read_gold([gold]).documents[0].spans[0].attrs == {"norm_value": 5, "norm_unit": "mg"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_folder_without_claims_table(tmp_path, fmt):
    """A pipeline without a claims component writes no claims table (or sheet): claims are all missed."""
    import pandas as pd

    from extractor.tables.rows import ALL_COLUMNS, to_frame
    from extractor.tables.writers import write_tables

    records = gold_records()
    full = write_predictions(tmp_path / "full", records, "csv")
    frames = {name: to_frame(pd.read_csv(full / f"{name}.csv").to_dict("records"), ALL_COLUMNS[name])
              for name in ("documents", "mentions")}
    write_tables(frames, tmp_path / "p", fmt)
    result = evaluate([GOLD], pred=tmp_path / "p")
    assert result.scores.labels["CLAIM"].strict.fn == 2
    assert result.scores.labels["DRUG"].strict.f1 == 1.0
    assert any("no claims table" in n for n in result.notes)


def test_baseline_on_other_gold_is_flagged(tmp_path, imperfect):
    baseline = load_baseline(save_baseline(imperfect, tmp_path / "b.json"))
    assert stale_baseline(imperfect, baseline) is None
    records = gold_records()
    records[1]["spans"].pop()
    other = evaluate([write_gold(tmp_path / "g.jsonl", records)], pred=write_predictions(tmp_path / "p-other", records))
    assert "different gold" in stale_baseline(other, baseline)


def test_pipeline_failure_on_one_document_is_noted():
    import spacy
    from spacy.language import Language

    @Language.component("claimx_test_breaks_on_gabapentin")
    def breaks(doc):
        if "Gabapentin" in doc.text:
            raise RuntimeError("boom")
        return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("claimx_test_breaks_on_gabapentin")
    result = evaluate([GOLD], nlp=nlp, labels=["DRUG"])
    assert result.scores.labels["DRUG"].strict.fn == 2
    assert any("failed on 1 document" in n and "gabapentin-note" in n for n in result.notes)


def test_predicted_needs_leaves_out_a_prediction_without_the_attribute():
    from extractor.evaluation.predict import annotations_from_rows

    label_map = load_label_map("phee")
    rows = [{"start": 0, "end": 13, "label": "TIMEPOINT", "norm_value": None},
            {"start": 20, "end": 27, "label": "TIMEPOINT", "norm_value": 21.0}]
    assert [(a.start, a.label) for a in annotations_from_rows(rows, [], [], label_map)] == [(20, "DURATION")]
    with pytest.raises(GoldFormatError, match="predicted_needs"):
        parse_label_map({"spans": {}, "predicted_needs": {"TIMEPOINT": "colour"}}, "test.json")
